import type { Resource } from '../api/types';
import { formatCount } from '../ui/format';

type SuperStream = Extract<Resource, { type: 'rabbit-super-stream' }>;

/** A super stream: its partitions in order, each with the routing key that sends to it; open one to read it. */
export function SuperStreamPage({ resource, onOpenPartition }: { resource: SuperStream; onOpenPartition(queue: string): void }) {
  return (
    <div className="panel-scroll" data-testid="super-stream">
      <div className="toolbar">
        <strong className="mono">{resource.name}</strong>
        <span className="muted">
          super stream · {resource.partitions.length} partitions · {resource.messages.exact ? '' : '~'}
          {formatCount(resource.messages.value)} messages
        </span>
      </div>
      <div className="section">
        <table className="facts" aria-label="Partitions">
          <thead>
            <tr>
              <th>#</th>
              <th>Stream</th>
              <th>Routing key</th>
              <th>Messages</th>
            </tr>
          </thead>
          <tbody>
            {resource.partitions.map((p) => (
              <tr key={p.queue}>
                <td className="num">{p.order}</td>
                <td>
                  <button type="button" className="link mono" onClick={() => onOpenPartition(p.queue)}>
                    {p.queue}
                  </button>
                </td>
                <td className="mono">{p.routingKey}</td>
                <td className="num">
                  {p.messages.exact ? '' : '~'}
                  {formatCount(p.messages.value)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
