import { useEffect, useState } from 'react';
import { useClient } from '../api/client-context';
import type { ConnectionSummary, ProjectionTarget, Resource } from '../api/types';

export interface SourceChoice {
  connectionId: string;
  target: ProjectionTarget;
  label: string;
}

/** How a source reads in lists and labels. */
export function labelOf(target: ProjectionTarget): string {
  switch (target.type) {
    case 'store-all':
      return '$all';
    case 'store-stream':
      return target.streamId;
    case 'kafka-partition':
      return `${target.topic} / partition ${target.partition}`;
    case 'kafka-topic':
      return `${target.topic} (all partitions)`;
    case 'rabbit-stream':
      return `${target.queue} (vhost ${target.vhost})`;
    case 'source':
      return target.resource;
  }
}

/** The resources a projection can read: store $all and streams, Kafka partitions, stream queues. */
function choicesOf(connection: ConnectionSummary, resources: Resource[]): SourceChoice[] {
  const out: SourceChoice[] = [];
  for (const r of resources) {
    const add = (target: ProjectionTarget) => out.push({ connectionId: connection.id, target, label: labelOf(target) });
    if (r.type === 'store-all') add({ type: 'store-all' });
    if (r.type === 'store-stream') add({ type: 'store-stream', streamId: r.name });
    if (r.type === 'kafka-topic' && !r.internal) {
      add({ type: 'kafka-topic', topic: r.name });
      for (const p of r.partitions) add({ type: 'kafka-partition', topic: r.name, partition: p.partition });
    }
    if (r.type === 'rabbit-queue' && r.queueType === 'stream') add({ type: 'rabbit-stream', vhost: r.vhost, queue: r.name });
    if (r.type === 'source') add({ type: 'source', resource: r.name });
  }
  return out;
}

const keyOf = (c: { connectionId: string; target: ProjectionTarget }) => `${c.connectionId}|${JSON.stringify(c.target)}`;

export function SourcePicker({ connections, value, onChange }: { connections: ConnectionSummary[]; value: SourceChoice; onChange(c: SourceChoice): void }) {
  const client = useClient();
  const [connectionId, setConnectionId] = useState(value.connectionId);
  const [choices, setChoices] = useState<SourceChoice[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const connection = connections.find((c) => c.id === connectionId);
    if (!connection) return;
    const controller = new AbortController();
    setChoices(null);
    setError(null);
    client
      .call('resources/list', { connectionId }, { signal: controller.signal })
      .then((list) => setChoices(choicesOf(connection, list.resources)))
      .catch((e: Error) => !controller.signal.aborted && setError(e.message));
    return () => controller.abort();
  }, [client, connectionId, connections]);

  return (
    <>
      <label>
        Source
        <select className="input" aria-label="Source connection" value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {error ? (
        <span className="field-error" title={error}>
          cannot list: {error}
        </span>
      ) : (
        <select
          className="input mono"
          aria-label="Source resource"
          disabled={!choices}
          value={choices?.some((c) => keyOf(c) === keyOf(value)) ? keyOf(value) : ''}
          onChange={(e) => {
            const c = choices?.find((x) => keyOf(x) === e.target.value);
            if (c) onChange(c);
          }}
        >
          {!choices && <option value="">loading…</option>}
          {choices && !choices.some((c) => keyOf(c) === keyOf(value)) && <option value="">pick a topic, stream or queue</option>}
          {choices?.map((c) => (
            <option key={keyOf(c)} value={keyOf(c)}>
              {c.label}
            </option>
          ))}
        </select>
      )}
    </>
  );
}
