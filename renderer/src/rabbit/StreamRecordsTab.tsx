import type { RecordFocus } from '../records/record-focus';
import { useState } from 'react';
import type { Resource } from '../api/types';
import { PublishDialog } from '../compose/PublishDialog';
import { RecordsView } from '../records/RecordsView';
import { StreamTailControls } from '../records/StreamTailControls';
import { useStreamTail } from '../records/useStreamTail';
import { DecodeAsDialog } from '../records/DecodeAsDialog';

type Queue = Extract<Resource, { type: 'rabbit-queue' }>;

interface Props {
  connectionId: string;
  resource: Queue;
  attachJob?: { id: string; n: number } | null;
  /** A record to open on (a trace's member). */
  focus?: RecordFocus | null;
}

/** A RabbitMQ stream: read by offset, time or its last chunk, followed live, published to. */
export function StreamRecordsTab({ connectionId, resource, attachJob = null, focus = null }: Props) {
  const [publishing, setPublishing] = useState(false);
  const [decodeAs, setDecodeAs] = useState(false);
  const [generation, setGeneration] = useState(0);
  const tail = useStreamTail(connectionId);
  const target = { type: 'rabbit-stream' as const, vhost: resource.vhost, queue: resource.name };
  return (
    <>
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
      <RecordsView
        connectionId={connectionId}
        resource={resource}
        target={target}
        attachJob={attachJob}
        focus={focus}
        startsAtLast
        followed={tail}
        generation={generation}
        actions={({ last, end }) => (
          <>
            {/* A followed stream's new messages join the rows already read, from the offset after the last one shown. */}
            <StreamTailControls tail={tail} onStart={() => tail.start(target, last ? String(BigInt(last.position) + 1n) : end)} />
            <button className="btn" onClick={() => setPublishing(true)}>
              Publish…
            </button>
            <button className="btn" onClick={() => setDecodeAs(true)} title="How bodies are decoded: automatic, .proto or .avsc files, or one decoder">
              Decode as…
            </button>
          </>
        )}
      />
    </>
  );
}
