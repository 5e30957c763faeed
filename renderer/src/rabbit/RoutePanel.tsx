import { useState } from 'react';
import type { z } from 'zod';
import { useClient } from '../api/client-context';
import { ErrorBox } from '../ui/ErrorBox';
import type { RouteAnswer } from '../../../src/api/contract-rabbit';
import type { Topology } from './rabbit-queries';

export type Answer = z.infer<typeof RouteAnswer> & { asked: { exchange: string; routingKey: string; headers: Record<string, string> } };

interface Props {
  connectionId: string;
  vhost: string;
  topology: Topology | undefined;
  onAnswer(answer: Answer | null): void;
  /** Publish the asked message from the composer, to set the broker's answer beside this one. */
  onPublish(asked: Answer['asked']): void;
}

/** `name=value` per line: the headers a headers exchange matches on. */
function parseHeaders(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const at = line.indexOf('=');
    if (at <= 0) return `Line ${i + 1}: write a header as name=value`;
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

/** "Where would this go?": every queue a publish would reach, and by which way, without sending anything. */
export function RoutePanel({ connectionId, vhost, topology, onAnswer, onPublish }: Props) {
  const client = useClient();
  const [exchange, setExchange] = useState('');
  const [routingKey, setRoutingKey] = useState('');
  const [headersText, setHeadersText] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState(false);
  const exchanges = (topology?.exchanges ?? []).filter((x) => x.name !== '' && !x.name.startsWith('amq.'));

  const ask = async () => {
    const headers = parseHeaders(headersText);
    if (typeof headers === 'string') return setError(new Error(headers));
    setAsking(true);
    setError(null);
    try {
      const r = await client.call('rabbit/route', { connectionId, vhost, exchange, routingKey, ...(Object.keys(headers).length ? { headers } : {}) });
      const a = { ...r, asked: { exchange, routingKey, headers } };
      setAnswer(a);
      onAnswer(a);
    } catch (e) {
      setAnswer(null);
      onAnswer(null);
      setError(e);
    } finally {
      setAsking(false);
    }
  };

  return (
    <form
      className="route-panel section"
      aria-label="Where would this go?"
      onSubmit={(e) => {
        e.preventDefault();
        void ask();
      }}
    >
      <h3>Where would this go?</h3>
      <label className="field">
        <span>Exchange</span>
        <input className="input mono" list={`exchanges-${vhost}`} aria-label="Exchange to publish to" value={exchange} onChange={(e) => setExchange(e.target.value)} placeholder="(default exchange)" />
        <datalist id={`exchanges-${vhost}`}>
          {exchanges.map((x) => (
            <option key={x.name} value={x.name}>
              {x.type}
            </option>
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>Routing key</span>
        <input className="input mono" aria-label="Routing key" value={routingKey} onChange={(e) => setRoutingKey(e.target.value)} placeholder="order.created.eu" />
      </label>
      <label className="field">
        <span>Headers (name=value, one per line)</span>
        <textarea className="input mono" aria-label="Headers" rows={2} value={headersText} onChange={(e) => setHeadersText(e.target.value)} />
      </label>
      <div className="toolbar">
        <button type="submit" className="btn primary" disabled={asking}>
          {asking ? 'Working it out…' : 'Where would it go?'}
        </button>
        {answer && (
          <button type="button" className="btn" onClick={() => onPublish(answer.asked)} title="Send it for real from the composer: the broker's confirm or return is set beside this prediction">
            Publish it…
          </button>
        )}
      </div>
      {error !== null && <ErrorBox error={error} />}
      {answer && (
        <div data-testid="route-answer" role="status">
          {answer.unroutable ? (
            <p className="warn-text">{answer.note ?? 'Unroutable: it would be dropped (or returned if mandatory).'}</p>
          ) : (
            <>
              <p>
                Reaches {answer.routes.length} queue{answer.routes.length === 1 ? '' : 's'}; nothing was sent.
              </p>
              <ol className="routes">
                {answer.routes.map((r) => (
                  <li key={r.queue}>
                    <strong className="mono">{r.queue}</strong>
                    <div className="faint mono">
                      {r.hops.map((h, i) => (
                        <span key={i}>
                          {i === 0 ? (h.from === '' ? '(default exchange)' : h.from) : ''} →
                          {h.via === 'alternate' ? ' (alternate) ' : h.bindingKey !== undefined ? ` [${h.bindingKey === '' ? 'empty key' : h.bindingKey}] ` : ' '}
                          {h.to}
                        </span>
                      ))}
                    </div>
                  </li>
                ))}
              </ol>
            </>
          )}
          {answer.unsupported.length > 0 && <p className="faint">Not simulated (plugin exchange types): {answer.unsupported.join(', ')}</p>}
        </div>
      )}
    </form>
  );
}
