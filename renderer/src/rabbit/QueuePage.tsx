import { useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useClient } from '../api/client-context';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { ConfirmByName } from './ConfirmByName';
import { DeadLetterPath } from './DeadLetterPath';
import { QueueConsumers } from './QueueConsumers';
import { QueueFeeds } from './QueueFeeds';
import { QueuePeek } from './QueuePeek';
import { QueueNeighbourhood } from './QueueNeighbourhood';
import type { Resource } from '../api/types';
import { QueueSettings } from './QueueSettings';
import { rabbitKeys, useQueueFacts } from './rabbit-queries';

interface Props {
  connectionId: string;
  resource: Extract<Resource, { type: 'rabbit-queue' }>;
  /** Publish and Move (the tab's own dialogs). */
  actions: ReactNode;
  /** The queue's place in the vhost's map, this queue selected. */
  onOpenMap(): void;
  onOpenQueue(name: string): void;
  /** A purge or delete changed what the sidebar lists. */
  onChanged(): void;
}

const rate = (r: number | null) => (r === null ? '–' : `${r < 10 ? r.toFixed(1) : Math.round(r)}/s`);

/**
 * A classic or quorum queue: what it is (arguments, effective policy, consumers, rates), where it
 * sits (who feeds it, where its dead letters go), what is wrong with it, and what can be done.
 */
export function QueuePage({ connectionId, resource, actions, onOpenMap, onOpenQueue, onChanged }: Props) {
  const { vhost, name: queue } = resource;
  const client = useClient();
  const queryClient = useQueryClient();
  const facts = useQueueFacts(connectionId, vhost, queue);
  const [confirm, setConfirm] = useState<'purge' | 'delete' | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: rabbitKeys.broker(connectionId) });
    onChanged();
  };
  const f = facts.data;
  return (
    <div className="queue-page panel-scroll" data-testid="queue-page">
      <div className="toolbar">
        <strong className="mono">{queue}</strong>
        {f && (
          <span className="muted" data-testid="queue-counts">
            {f.queue.type} · {formatCount(f.queue.ready)} ready · {formatCount(f.queue.unacked)} unacked · {f.queue.consumers} consumer{f.queue.consumers === 1 ? '' : 's'} · in{' '}
            {rate(f.queue.publishRate)} · out {rate(f.queue.deliverRate)}
          </span>
        )}
        {facts.isFetching && <span className="faint">…</span>}
        <span className="spacer" />
        <button type="button" className="btn" onClick={onOpenMap} title="This queue in the vhost's graph: who feeds it and where its dead letters go">
          Show on map
        </button>
        {actions}
        <button type="button" className="btn" onClick={() => setConfirm('purge')}>
          Purge…
        </button>
        <button type="button" className="btn danger" onClick={() => setConfirm('delete')}>
          Delete…
        </button>
      </div>
      {said && (
        <div className="notice" role="status">
          {said}
        </div>
      )}
      {facts.error !== null && (
        <div className="section">
          <ErrorBox error={facts.error} />
        </div>
      )}
      {!f && facts.isPending && <div className="empty">Reading the queue…</div>}
      {f && (
        <>
          {f.problems.length > 0 && (
            <div className="section" data-testid="queue-problems">
              {f.problems.map((p) => (
                <div key={p.code} className="notice warn" role="alert">
                  {p.message}
                </div>
              ))}
            </div>
          )}
          {f.missing.length > 0 && (
            <div className="notice" role="status">
              Not shown, for lack of permission: {f.missing.join('; ')}
            </div>
          )}
          <DeadLetterPath facts={f} onOpenQueue={onOpenQueue} />
          <QueueNeighbourhood connectionId={connectionId} vhost={vhost} queue={queue} onOpenQueue={onOpenQueue} />
          <QueueFeeds facts={f} />
          <QueueSettings facts={f} />
          <QueueConsumers facts={f} />
          <QueuePeek connectionId={connectionId} resource={resource} />
        </>
      )}
      {confirm === 'purge' && (
        <ConfirmByName
          title={`Purge queue ${queue}`}
          name={queue}
          noun="queue"
          submitLabel="Purge"
          onClose={() => setConfirm(null)}
          onConfirm={async (typed) => {
            const r = await client.call('rabbit/purge-queue', { connectionId, vhost, queue, confirm: typed });
            setSaid(`Purged ${formatCount(r.purged)} message${r.purged === 1 ? '' : 's'} from ${queue}. Written to the audit log.`);
            changed();
          }}
        >
          <p>Every ready message is removed for good; messages delivered and not yet acknowledged stay. The purge is written to the audit log.</p>
        </ConfirmByName>
      )}
      {confirm === 'delete' && (
        <ConfirmByName
          title={`Delete queue ${queue}`}
          name={queue}
          noun="queue"
          submitLabel="Delete queue"
          onClose={() => setConfirm(null)}
          onConfirm={async (typed) => {
            const r = await client.call('rabbit/delete-queue', { connectionId, vhost, queue, confirm: typed });
            setSaid(`Deleted ${queue} and its ${formatCount(r.messages)} message${r.messages === 1 ? '' : 's'}. Written to the audit log. Close this tab.`);
            changed();
          }}
        >
          <p>The queue, its bindings and every message in it are deleted; consumers are cancelled. The deletion is written to the audit log.</p>
        </ConfirmByName>
      )}
    </div>
  );
}
