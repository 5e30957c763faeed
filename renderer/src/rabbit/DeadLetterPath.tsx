import type { Facts } from './rabbit-queries';

const keyText = (k: string | null) => (k === null ? 'their original routing keys' : k === '' ? 'an empty key' : `key ${k}`);
const exchangeText = (x: string) => (x === '' ? 'the default exchange' : x);
const setByText = (s: string) => (s === 'argument' ? 'queue argument' : s === 'operator-policy' ? 'operator policy' : 'policy');

/** Where this queue's dead letters go, and which queues dead-letter into it. */
export function DeadLetterPath({ facts, onOpenQueue }: { facts: Facts; onOpenQueue(name: string): void }) {
  const { to, from } = facts.deadLetters;
  const queueLinks = (names: string[]) =>
    names.map((q, i) => (
      <span key={q}>
        {i > 0 && ', '}
        <button type="button" className="link mono" onClick={() => onOpenQueue(q)}>
          {q}
        </button>
      </span>
    ));
  return (
    <div className="section" data-testid="dead-letter-path">
      <h3>Dead letters</h3>
      {to ? (
        <p>
          Rejected or expired messages go to exchange <strong className="mono">{exchangeText(to.exchange)}</strong> with {keyText(to.routingKey)} ({setByText(to.setBy)}) →{' '}
          {to.to.length ? queueLinks(to.to) : <span className="warn-text">no queue: they are dropped</span>}
        </p>
      ) : (
        <p className="muted">No dead-letter exchange: messages that are rejected or expire are dropped.</p>
      )}
      {from.length > 0 && (
        <p>
          Dead-lettered into this queue from:{' '}
          {from.map((l, i) => (
            <span key={l.from}>
              {i > 0 && '; '}
              <button type="button" className="link mono" onClick={() => onOpenQueue(l.from)}>
                {l.from}
              </button>{' '}
              <span className="faint">
                via {exchangeText(l.exchange)}, {keyText(l.routingKey)}
              </span>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
