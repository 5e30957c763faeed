import { argText, type Facts } from './rabbit-queries';

/** Who is eating this queue's messages: each consumer with its channel, prefetch, ack mode and client. */
export function QueueConsumers({ facts }: { facts: Facts }) {
  const client = (p: Record<string, unknown> | null) => {
    if (!p) return '';
    const name = p['connection_name'] ?? p['product'];
    return [name, p['platform'], p['version']]
      .filter((x) => x !== undefined && x !== null)
      .map(argText)
      .join(' · ');
  };
  return (
    <div className="section">
      <h3>
        Consumers<span className="faint">{facts.consumers.length}</span>
      </h3>
      {facts.consumers.length === 0 ? (
        <p className="muted">No consumers: messages stay until something consumes them.</p>
      ) : (
        <table className="facts" aria-label="Consumers">
          <thead>
            <tr>
              <th>Tag</th>
              <th>Channel</th>
              <th>Client</th>
              <th>Prefetch</th>
              <th>Ack</th>
              <th>Active</th>
            </tr>
          </thead>
          <tbody>
            {facts.consumers.map((c) => (
              <tr key={`${c.channel}/${c.tag}`}>
                <td className="mono">{c.tag}</td>
                <td className="mono">{c.channel}</td>
                <td>
                  {client(c.clientProperties)}
                  {c.user && <span className="faint"> · {c.user}</span>}
                </td>
                <td className="num">{c.prefetch === 0 ? 'unlimited' : c.prefetch}</td>
                <td>{c.ackMode}</td>
                <td>{c.active ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
