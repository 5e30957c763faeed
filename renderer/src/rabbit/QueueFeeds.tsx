import { argText, type Facts } from './rabbit-queries';

const bindingText = (key: string, args: Record<string, unknown>) => {
  const shown = Object.entries(args).filter(([k]) => k !== 'x-match');
  if (shown.length) return `${args['x-match'] ? `${argText(args['x-match'])}: ` : ''}${shown.map(([k, v]) => `${k}=${argText(v)}`).join(', ')}`;
  return key === '' ? '(empty key)' : key;
};

/** Who feeds this queue: the bindings into it, and the exchanges that feed those exchanges. */
export function QueueFeeds({ facts }: { facts: Facts }) {
  const { bindings, upstream } = facts.feeds;
  return (
    <div className="section">
      <h3>Fed by</h3>
      {bindings.length === 0 ? (
        <p className="muted">No bindings: only a publish to the default exchange with the key {facts.queue.name} reaches it.</p>
      ) : (
        <ul className="plain" aria-label="Bindings into this queue">
          {bindings.map((b) => (
            <li key={`${b.source}/${b.routingKey}/${JSON.stringify(b.arguments)}`}>
              exchange <strong className="mono">{b.source}</strong> <span className="faint">with</span> <span className="mono">{bindingText(b.routingKey, b.arguments)}</span>
            </li>
          ))}
          {upstream.map((u) => (
            <li key={`${u.exchange}->${u.to}`} className="faint">
              <span className="mono">{u.exchange}</span> → <span className="mono">{u.to}</span>{' '}
              {u.via === 'alternate' ? '(as its alternate exchange)' : u.routingKey !== null ? `with ${u.routingKey === '' ? '(empty key)' : u.routingKey}` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
