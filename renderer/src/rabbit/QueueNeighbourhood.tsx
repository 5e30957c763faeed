import { lazy, Suspense } from 'react';
import { ErrorBox } from '../ui/ErrorBox';
import { useTopology } from './rabbit-queries';
import '../rabbit-graph/graph.css';

const TopologyGraph = lazy(() => import('../rabbit-graph/TopologyGraph').then((m) => ({ default: m.TopologyGraph })));

/** The queue's place in its vhost: the two hops around it, its dead-letter path highlighted; a click on another queue opens its page. */
export function QueueNeighbourhood({ connectionId, vhost, queue, onOpenQueue }: { connectionId: string; vhost: string; queue: string; onOpenQueue(name: string): void }) {
  const topology = useTopology(connectionId, vhost, '');
  const me = { kind: 'queue' as const, name: queue };
  return (
    <div className="section" data-testid="queue-neighbourhood">
      <h3>
        Around it<span className="faint">two hops in the vhost's map; click a queue to open it</span>
      </h3>
      {topology.error !== null && <ErrorBox error={topology.error} />}
      <div className="queue-graph">
        {topology.data ? (
          <Suspense fallback={<div className="empty">Loading the graph…</div>}>
            <TopologyGraph topology={topology.data} focus={me} highlight={me} onSelect={(n) => n.kind === 'queue' && n.name !== queue && onOpenQueue(n.name)} />
          </Suspense>
        ) : (
          <div className="empty">{topology.isPending ? 'Reading the topology…' : ''}</div>
        )}
      </div>
    </div>
  );
}
