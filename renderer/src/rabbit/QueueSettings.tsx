import { argText, type Facts } from './rabbit-queries';

const SOURCE: Record<string, string> = { argument: 'queue argument', policy: 'policy', 'operator-policy': 'operator policy' };

/** The queue's effective settings, each with where it comes from (argument or policy) and, when both set it, which wins. */
export function QueueSettings({ facts }: { facts: Facts }) {
  const q = facts.queue;
  const rows = q.effective;
  return (
    <div className="section">
      <h3>
        Settings
        <span className="faint">
          {q.durable ? 'durable' : 'transient'}
          {q.exclusive ? ' · exclusive' : ''}
          {q.autoDelete ? ' · auto-delete' : ''}
          {q.policy ? ` · policy ${q.policy}` : ''}
          {q.operatorPolicy ? ` · operator policy ${q.operatorPolicy}` : ''}
        </span>
      </h3>
      {rows.length === 0 ? (
        <p className="muted">No arguments and no policy: RabbitMQ's defaults apply.</p>
      ) : (
        <table className="facts" aria-label="Effective settings">
          <thead>
            <tr>
              <th>Setting</th>
              <th>Value</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.key}>
                <td className="mono">{s.key}</td>
                <td className="mono">{argText(s.value)}</td>
                <td>
                  {SOURCE[s.source] ?? s.source}
                  {s.overridden && (
                    <span className="faint" title={`argument ${argText(s.overridden.argument)}, policy ${argText(s.overridden.policy)}`}>
                      {' '}
                      (both set it: {s.overridden.rule})
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
