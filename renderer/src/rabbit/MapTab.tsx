import { lazy, Suspense, useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { PublishDialog } from '../compose/PublishDialog';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { BrokerConnections } from './BrokerConnections';
import { rabbitKeys, useTopology } from './rabbit-queries';
import { RoutePanel, type Answer } from './RoutePanel';
import { SelectionCard, type Selected } from './SelectionCard';
import { TopologyTable } from './TopologyTables';
import '../rabbit-graph/graph.css';

// The graph's layout library loads with the first map.
const TopologyGraph = lazy(() => import('../rabbit-graph/TopologyGraph').then((m) => ({ default: m.TopologyGraph })));

type View = 'graph' | 'exchanges' | 'queues' | 'bindings' | 'policies' | 'connections';
const VIEWS: { id: View; label: string }[] = [
  { id: 'graph', label: 'Graph' },
  { id: 'exchanges', label: 'Exchanges' },
  { id: 'queues', label: 'Queues' },
  { id: 'bindings', label: 'Bindings' },
  { id: 'policies', label: 'Policies' },
  { id: 'connections', label: 'Connections' },
];

interface Props {
  connectionId: string;
  vhost: string;
  /** A queue to select on opening (Show on map from its page). */
  select: { queue: string; n: number } | null;
  onOpenQueue(name: string): void;
  onChanged(): void;
}

/** A vhost as a map: its exchanges, queues, bindings and dead-letter links, drawn and listed, and where a message would go. */
export function MapTab({ connectionId, vhost, select, onOpenQueue, onChanged }: Props) {
  const queryClient = useQueryClient();
  const [filterText, setFilterText] = useState('');
  const [filter, setFilter] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setFilter(filterText.trim()), 250);
    return () => clearTimeout(t);
  }, [filterText]);
  const topology = useTopology(connectionId, vhost, filter);
  const [view, setView] = useState<View>('graph');
  const [selected, setSelected] = useState<Selected | null>(select ? { kind: 'queue', name: select.queue } : null);
  useEffect(() => {
    if (select) setSelected({ kind: 'queue', name: select.queue });
  }, [select]);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [publishing, setPublishing] = useState<Answer['asked'] | null>(null);
  const t = topology.data;

  return (
    <div className="map-tab">
      <div className="toolbar">
        <strong>
          Map of vhost <span className="mono">{vhost}</span>
        </strong>
        <input className="input" aria-label="Filter exchanges, queues and bindings" placeholder="Filter by name…" value={filterText} onChange={(e) => setFilterText(e.target.value)} />
        {t && (
          <span className="muted" data-testid="map-counts">
            {formatCount(t.matched.exchanges)} exchanges · {formatCount(t.matched.queues)} queues · {formatCount(t.matched.bindings)} bindings
            {filter ? ` match (of ${formatCount(t.totals.queues)} queues)` : ''}
            {t.more ? ` · first ${formatCount(t.queues.length)} shown: filter to narrow` : ''}
          </span>
        )}
        {topology.isFetching && <span className="faint">Reading…</span>}
        <span className="spacer" />
        <button type="button" className="btn" onClick={() => void queryClient.invalidateQueries({ queryKey: rabbitKeys.broker(connectionId) })}>
          Refresh
        </button>
      </div>
      {t && t.missing.length > 0 && (
        <div className="notice" role="status">
          Not shown, for lack of permission: {t.missing.join('; ')}
        </div>
      )}
      {topology.error !== null && (
        <div className="section">
          <ErrorBox error={topology.error} />
        </div>
      )}
      <div className="map-body">
        <div className="map-main">
          <div className="subtabs" role="tablist" aria-label="Map views">
            {VIEWS.map((v) => (
              <button key={v.id} role="tab" aria-selected={view === v.id} onClick={() => setView(v.id)}>
                {v.label}
              </button>
            ))}
          </div>
          <div className="panel">
            {view === 'connections' ? (
              <BrokerConnections connectionId={connectionId} />
            ) : !t ? (
              <div className="empty">{topology.isPending ? 'Reading the topology…' : 'No topology to show.'}</div>
            ) : view === 'graph' ? (
              <Suspense fallback={<div className="empty">Loading the graph…</div>}>
                <TopologyGraph topology={t} highlight={selected} onSelect={setSelected} route={answer && !answer.unroutable ? answer.routes.map((r) => ({ queue: r.queue, path: r.path })) : null} />
              </Suspense>
            ) : (
              <TopologyTable view={view} topology={t} onOpenQueue={onOpenQueue} />
            )}
          </div>
        </div>
        <aside className="map-side" aria-label="Details">
          {selected && t && (
            <SelectionCard connectionId={connectionId} vhost={vhost} topology={t} selected={selected} onOpenQueue={onOpenQueue} onChanged={onChanged} onClose={() => setSelected(null)} />
          )}
          <RoutePanel connectionId={connectionId} vhost={vhost} topology={t} onAnswer={setAnswer} onPublish={setPublishing} />
        </aside>
      </div>
      {publishing && (
        <PublishDialog
          connectionId={connectionId}
          initial={{ kind: 'exchange', vhost, exchange: publishing.exchange, routingKey: publishing.routingKey }}
          onClose={() => {
            setPublishing(null);
            void queryClient.invalidateQueries({ queryKey: rabbitKeys.broker(connectionId) });
          }}
        />
      )}
    </div>
  );
}
