import { useMemo, useState } from 'react';
import { useClient } from '../api/client-context';
import type { Envelope, Resource } from '../api/types';
import { copyText } from '../ui/copy';
import { ErrorBox } from '../ui/ErrorBox';
import { columnsFor } from '../records/columns';
import { DetailPane } from '../records/DetailPane';
import { RecordsTable } from '../records/RecordsTable';

const PEEK = 50;

/**
 * The explicit Peek: AMQP cannot read a classic or quorum queue without taking messages, so the
 * first ones are taken and all put back in their places; RabbitMQ then marks them redelivered,
 * which the user agrees to first. A quorum queue with a delivery limit is refused by the core.
 */
export function QueuePeek({ connectionId, resource }: { connectionId: string; resource: Extract<Resource, { type: 'rabbit-queue' }> }) {
  const client = useClient();
  const [state, setState] = useState<{ messages: Envelope[]; note: string } | null>(null);
  const [peeking, setPeeking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState(-1);
  const columns = useMemo(() => columnsFor(resource), [resource]);

  const peek = async () => {
    setPeeking(true);
    setError(null);
    try {
      const r = await client.call('dead-letters/peek', { connectionId, ref: { type: 'rabbit-queue', vhost: resource.vhost, name: resource.name }, limit: PEEK, acceptRedelivered: true });
      setState({ messages: r.messages.map((m) => m.envelope), note: r.note });
      setSelected(-1);
    } catch (e) {
      setError(e);
    } finally {
      setPeeking(false);
    }
  };

  return (
    <div className="section" data-testid="queue-peek">
      <h3>
        Messages<span className="faint">peeked on request: they go back to the queue, marked redelivered</span>
      </h3>
      <div className="toolbar">
        <button type="button" className="btn" disabled={peeking} onClick={() => void peek()}>
          {peeking ? 'Peeking…' : state ? 'Peek again' : `Peek the first ${PEEK}`}
        </button>
        {state && <span className="muted">{state.note}</span>}
      </div>
      {error !== null && <ErrorBox error={error} />}
      {state && (
        <div className="peek-split">
          <RecordsTable
            rows={state.messages}
            columns={columns}
            selected={selected}
            onSelect={setSelected}
            sort={null}
            onSort={() => undefined}
            onCopy={(e) => void copyText(e.payload.kind === 'json' || e.payload.kind === 'text' ? e.payload.text : e.payload.kind === 'binary' ? e.payload.base64 : '')}
            empty={<div className="empty">The queue is empty.</div>}
            label={`${resource.name} peeked messages`}
          />
          <DetailPane envelope={state.messages[selected] ?? null} noun="message" positionLabel="Place" />
        </div>
      )}
    </div>
  );
}
