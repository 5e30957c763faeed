import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { ComposedMessage, ComposeTarget, PublishOutcome, PublishPreview, PublishProgress } from '../../../src/model/compose';
import { useClient } from '../api/client-context';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';
import { HeadersEditor, PayloadEditor, payloadProblem, type HeaderRow, type PayloadFormat } from './MessageFields';
import { PublishOutcomeView, PublishProgressLine } from './PublishOutcomeView';

type Target = z.input<typeof ComposeTarget>;
type Message = z.input<typeof ComposedMessage>;

interface Draft {
  format: PayloadFormat;
  payload: string;
  headers: HeaderRow[];
  key: string | null;
  properties: { contentType: string; messageId: string; correlationId: string; type: string; appId: string; replyTo: string; expiration: string; priority: string };
}

const emptyDraft = (): Draft => ({
  format: 'json',
  payload: '{\n  \n}',
  headers: [],
  key: null,
  properties: { contentType: '', messageId: '', correlationId: '', type: '', appId: '', replyTo: '', expiration: '', priority: '' },
});

/** Recently sent messages per target, so one can be sent again or edited (kept in this browser). */
const recentKey = (connectionId: string, t: Target) => `rewind.recent.${connectionId}.${t.kind === 'exchange' ? `${t.vhost}/${t.exchange}` : t.topic}`;
function loadRecent(connectionId: string, t: Target): (Draft & { at: string; where: string })[] {
  try {
    return JSON.parse(localStorage.getItem(recentKey(connectionId, t)) ?? '[]') as (Draft & { at: string; where: string })[];
  } catch {
    return [];
  }
}

function toMessage(d: Draft, kafka: boolean): Message {
  const p = d.properties;
  const properties = Object.fromEntries(
    Object.entries({ contentType: p.contentType, messageId: p.messageId, correlationId: p.correlationId, type: p.type, appId: p.appId, replyTo: p.replyTo, expiration: p.expiration }).filter(
      ([, v]) => v.trim() !== '',
    ),
  );
  return {
    payload: { format: d.format, text: d.payload },
    headers: d.headers.filter((h) => h.name.trim() !== ''),
    ...(kafka ? { key: d.key === null ? null : { format: 'text' as const, text: d.key } } : { properties: { ...properties, ...(p.priority.trim() ? { priority: Number(p.priority) } : {}) } }),
  };
}

/**
 * Writes a message to an exchange (RabbitMQ) or a topic (Kafka): payload as JSON, text or bytes,
 * typed headers, properties or a key; "Where does this go?" first, then the broker's answer.
 */
export function PublishDialog({ connectionId, initial, onClose }: { connectionId: string; initial: Target; onClose(): void }) {
  const client = useClient();
  const kafka = initial.kind === 'topic';
  const [exchange, setExchange] = useState(initial.kind === 'exchange' ? initial.exchange : '');
  const [routingKey, setRoutingKey] = useState(initial.kind === 'exchange' ? initial.routingKey : '');
  const [partition, setPartition] = useState(initial.kind === 'topic' && initial.partition !== null ? String(initial.partition) : '');
  const [count, setCount] = useState('1');
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [preview, setPreview] = useState<z.output<typeof PublishPreview> | null>(null);
  const [outcome, setOutcome] = useState<z.output<typeof PublishOutcome> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<z.output<typeof PublishProgress> | null>(null);
  // The run being sent, for Stop; closing the dialog cancels it (the audit keeps what went out).
  const runId = useRef<string | null>(null);
  const sending = useRef<AbortController | null>(null);
  useEffect(() => () => sending.current?.abort(), []);

  const target = (): Target =>
    initial.kind === 'exchange'
      ? { kind: 'exchange', vhost: initial.vhost, exchange, routingKey }
      : { kind: 'topic', topic: initial.topic, partition: partition.trim() === '' ? null : Number(partition) };
  const recent = loadRecent(connectionId, initial);
  const problem = payloadProblem(draft.format, draft.payload);

  const where = async () => {
    setError(null);
    try {
      setPreview(await client.call('publish/preview', { connectionId, target: target(), message: toMessage(draft, kafka) }));
    } catch (e) {
      setError(e);
    }
  };

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return setError(new Error(problem));
    setBusy(true);
    setError(null);
    setOutcome(null);
    setProgress(null);
    const c = new AbortController();
    sending.current = c;
    try {
      const result = await client.stream(
        'publish/send',
        { connectionId, target: target(), message: toMessage(draft, kafka), count: Math.max(1, Number(count) || 1) },
        {
          signal: c.signal,
          onBatch: (items) => {
            for (const item of items) {
              if (item.kind === 'started') runId.current = item.runId;
              else setProgress(item);
            }
          },
        },
      );
      setOutcome(result);
      const t = target();
      const entry = { ...draft, at: new Date().toISOString(), where: t.kind === 'exchange' ? `${t.exchange || '(default)'} · ${t.routingKey}` : `${t.topic}/${t.partition ?? 'key'}` };
      localStorage.setItem(recentKey(connectionId, initial), JSON.stringify([entry, ...recent].slice(0, 10)));
    } catch (err) {
      setError(err);
    } finally {
      runId.current = null;
      sending.current = null;
      setBusy(false);
    }
  };
  const stop = () => {
    if (runId.current) void client.call('publish/stop', { runId: runId.current }).catch(setError);
  };

  const prop = (name: keyof Draft['properties'], label: string, placeholder = '') => (
    <label className="field">
      <span>{label}</span>
      <input className="input mono" value={draft.properties[name]} placeholder={placeholder} onChange={(e) => setDraft((d) => ({ ...d, properties: { ...d.properties, [name]: e.target.value } }))} />
    </label>
  );

  return (
    <Dialog
      title={kafka ? `Produce to ${initial.kind === 'topic' ? initial.topic : ''}` : 'Publish a message'}
      onClose={onClose}
      onSubmit={(e) => void send(e)}
      submitLabel={busy ? 'Sending…' : kafka ? 'Produce' : 'Publish'}
      submitting={busy}
      actions={
        <>
          <button type="button" className="btn" onClick={() => void where()}>
            Where does this go?
          </button>
          {busy && (
            <button type="button" className="btn danger" onClick={stop}>
              Stop
            </button>
          )}
          {recent.length > 0 && (
            <select className="input" aria-label="Recent messages" value="" onChange={(e) => e.target.value !== '' && setDraft(recent[Number(e.target.value)]!)}>
              <option value="">Recent…</option>
              {recent.map((r, i) => (
                <option key={r.at} value={i}>
                  {r.at.slice(11, 19)} · {r.where} · {r.payload.slice(0, 30)}
                </option>
              ))}
            </select>
          )}
        </>
      }
    >
      {initial.kind === 'exchange' ? (
        <div className="row-target">
          <label className="field">
            <span>Exchange</span>
            <input className="input mono" value={exchange} placeholder="(empty: the default exchange)" onChange={(e) => setExchange(e.target.value)} />
          </label>
          <label className="field">
            <span>Routing key</span>
            <input className="input mono" value={routingKey} onChange={(e) => setRoutingKey(e.target.value)} />
          </label>
        </div>
      ) : (
        <div className="row-target">
          <label className="field">
            <span>Key</span>
            <input className="input mono" value={draft.key ?? ''} placeholder="(no key)" onChange={(e) => setDraft((d) => ({ ...d, key: e.target.value === '' ? null : e.target.value }))} />
          </label>
          <label className="field">
            <span>Partition</span>
            <input className="input mono" inputMode="numeric" value={partition} placeholder="(by key)" onChange={(e) => setPartition(e.target.value.replace(/\D/g, ''))} />
          </label>
        </div>
      )}
      <PayloadEditor label="Payload" format={draft.format} onFormat={(format) => setDraft((d) => ({ ...d, format }))} text={draft.payload} onText={(payload) => setDraft((d) => ({ ...d, payload }))} />
      <HeadersEditor rows={draft.headers} onChange={(headers) => setDraft((d) => ({ ...d, headers }))} />
      {!kafka && (
        <details>
          <summary>Properties</summary>
          <div className="row-target">
            {prop('contentType', 'Content type', draft.format === 'json' ? 'application/json' : '')}
            {prop('messageId', 'Message id')}
            {prop('correlationId', 'Correlation id')}
            {prop('type', 'Type')}
            {prop('appId', 'App id')}
            {prop('replyTo', 'Reply to')}
            {prop('expiration', 'Expiration (ms)')}
            {prop('priority', 'Priority (0–255)')}
          </div>
        </details>
      )}
      <label className="field narrow-field">
        <span>Copies</span>
        <input className="input mono narrow" inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value.replace(/\D/g, ''))} />
      </label>
      {preview && (
        <div className="notice" data-testid="publish-preview">
          {preview.problem ? (
            <span className="err-text">{preview.problem}</span>
          ) : (
            <>
              Would reach {preview.routes.length} {kafka ? 'partition' : preview.routes.length === 1 ? 'queue' : 'queues'}:
              <ul className="routes">
                {preview.routes.map((r) => (
                  <li key={r.to} className="mono">
                    {r.to}
                    {r.path.length > 2 && <span className="faint"> via {r.path.slice(0, -1).join(' → ')}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {busy && <PublishProgressLine progress={progress} kafka={kafka} />}
      {outcome && <PublishOutcomeView outcome={outcome} kafka={kafka} />}
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
