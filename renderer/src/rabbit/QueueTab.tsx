import { useState } from 'react';
import type { Resource } from '../api/types';
import { PublishDialog } from '../compose/PublishDialog';
import { RedriveDialog } from '../dead-letters/RedriveDialog';
import { QueuePage } from './QueuePage';
import { DecodeAsDialog } from '../records/DecodeAsDialog';

type Queue = Extract<Resource, { type: 'rabbit-queue' }>;

interface Props {
  connectionId: string;
  resource: Queue;
  onOpenMap(): void;
  onOpenQueue(queue: string): void;
  onChanged?: () => void;
}

/** A classic or quorum queue cannot be read without consuming: its page, with publish and move-all. */
export function QueueTab({ connectionId, resource, onOpenMap, onOpenQueue, onChanged }: Props) {
  const [publishing, setPublishing] = useState(false);
  const [moving, setMoving] = useState(false);
  const [decodeAs, setDecodeAs] = useState(false);
  // A new decoder choice reads the page again.
  const [generation, setGeneration] = useState(0);
  return (
    <>
      <QueuePage
        key={generation}
        connectionId={connectionId}
        resource={resource}
        onOpenMap={onOpenMap}
        onOpenQueue={onOpenQueue}
        onChanged={() => onChanged?.()}
        actions={
          <>
            <button type="button" className="btn" onClick={() => setPublishing(true)}>
              Publish to this queue…
            </button>
            <button type="button" className="btn" onClick={() => setMoving(true)} title="Move every message to another queue or exchange, each confirmed there before it leaves (the shovel's job)">
              Move all messages…
            </button>
            <button type="button" className="btn" onClick={() => setDecodeAs(true)} title="How bodies are decoded: automatic, .proto or .avsc files, or one decoder">
              Decode as…
            </button>
          </>
        }
      />
      {decodeAs && (
        <DecodeAsDialog
          connectionId={connectionId}
          resource={`${resource.vhost}/${resource.name}`}
          onClose={() => setDecodeAs(false)}
          onSaved={() => {
            setDecodeAs(false);
            setGeneration((g) => g + 1);
          }}
        />
      )}
      {publishing && <PublishDialog connectionId={connectionId} initial={{ kind: 'exchange', vhost: resource.vhost, exchange: '', routingKey: resource.name }} onClose={() => setPublishing(false)} />}
      {moving && (
        <RedriveDialog
          source={{
            connectionId,
            connectionName: '',
            kind: 'rabbitmq',
            ref: { type: 'rabbit-queue', vhost: resource.vhost, name: resource.name },
            resource,
            depth: resource.messages,
            unavailable: null,
          }}
          selection={{ all: true }}
          count={resource.messages.value}
          onClose={() => setMoving(false)}
          onDone={() => onChanged?.()}
          onOpenAudit={() => setMoving(false)}
        />
      )}
    </>
  );
}
