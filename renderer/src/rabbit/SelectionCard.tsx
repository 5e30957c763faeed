import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useClient } from '../api/client-context';
import { ConfirmByName } from './ConfirmByName';
import { rabbitKeys, type Topology } from './rabbit-queries';

export type Selected = { kind: 'queue' | 'exchange'; name: string };

/** The node picked in the graph: what it is, its dead-letter path, and what can be done with it. */
export function SelectionCard({
  connectionId,
  vhost,
  topology,
  selected,
  onOpenQueue,
  onChanged,
  onClose,
}: {
  connectionId: string;
  vhost: string;
  topology: Topology;
  selected: Selected;
  onOpenQueue(name: string): void;
  onChanged(): void;
  onClose(): void;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [deleting, setDeleting] = useState(false);
  const queue = selected.kind === 'queue' ? topology.queues.find((q) => q.name === selected.name) : undefined;
  const exchange = selected.kind === 'exchange' ? topology.exchanges.find((x) => x.name === selected.name) : undefined;
  const deadOut = topology.deadLetterLinks.find((l) => l.from === selected.name);
  const deadIn = topology.deadLetterLinks.filter((l) => l.to.includes(selected.name));
  return (
    <div className="section selection-card" data-testid="selection-card">
      <div className="toolbar">
        <strong className="mono">{selected.name || '(default exchange)'}</strong>
        <span className="faint">{queue ? `${queue.type} queue · ${queue.messages} messages` : exchange ? `${exchange.type} exchange${exchange.internal ? ' · internal' : ''}` : selected.kind}</span>
        <span className="spacer" />
        <button type="button" className="icon-btn" aria-label="Clear selection" onClick={onClose}>
          ✕
        </button>
      </div>
      {deadOut && (
        <p>
          Dead letters → <span className="mono">{deadOut.exchange || '(default)'}</span> →{' '}
          {deadOut.to.length ? <span className="mono">{deadOut.to.join(', ')}</span> : <span className="warn-text">nowhere (dropped)</span>}
        </p>
      )}
      {deadIn.length > 0 && (
        <p>
          Receives the dead letters of <span className="mono">{deadIn.map((l) => l.from).join(', ')}</span>
        </p>
      )}
      {exchange?.alternate && (
        <p>
          Unroutable messages go to its alternate exchange <span className="mono">{exchange.alternate.name}</span> ({exchange.alternate.setBy})
        </p>
      )}
      <div className="toolbar">
        {queue && queue.type !== 'stream' && (
          <button type="button" className="btn" onClick={() => onOpenQueue(queue.name)}>
            Open queue page
          </button>
        )}
        {exchange && exchange.name !== '' && !exchange.name.startsWith('amq.') && (
          <button type="button" className="btn danger" onClick={() => setDeleting(true)}>
            Delete exchange…
          </button>
        )}
      </div>
      {deleting && exchange && (
        <ConfirmByName
          title={`Delete exchange ${exchange.name}`}
          name={exchange.name}
          noun="exchange"
          submitLabel="Delete exchange"
          onClose={() => setDeleting(false)}
          onConfirm={async (typed) => {
            await client.call('rabbit/delete-exchange', { connectionId, vhost, exchange: exchange.name, confirm: typed });
            onClose();
            onChanged();
            await queryClient.invalidateQueries({ queryKey: rabbitKeys.broker(connectionId) });
          }}
        >
          <p>The exchange and every binding from or to it are deleted; publishers to it get a channel error. The deletion is written to the audit log.</p>
        </ConfirmByName>
      )}
    </div>
  );
}
