import type { CatalogueRequest, CatalogueScope } from '../model/catalogue';
import type { Envelope } from '../model/envelope';
import { RewindError } from '../model/errors';
import type { ReadTarget } from '../model/resources';
import type { SourceAdapter } from '../sources/source-adapter';
import { searchOnward } from './search-onward';

/** Where a whole read has no count to stop at. */
const WHOLE = Number.MAX_SAFE_INTEGER;
const PREVIEW_BYTES = 64 * 1024;

export interface ResourceOutput {
  batch(records: Envelope[]): void;
  /** How many there are to read, once known. */
  total(n: number): void;
  /** What the read says of itself: a transaction still open, a stream read over AMQP that stopped when idle… */
  note(text: string): void;
}

function targetOf(r: CatalogueRequest['resource']): ReadTarget {
  switch (r.resourceType) {
    case 'rabbit-queue':
      return { type: 'rabbit-stream', vhost: r.vhost ?? '/', queue: r.resource };
    case 'store-all':
      return { type: 'store-all' };
    case 'store-stream':
      return { type: 'store-stream', streamId: r.resource };
    case 'source':
      return { type: 'source', resource: r.resource };
    default:
      throw new RewindError('unsupported', `A ${r.resourceType} cannot be scanned`, 'Scan a topic, a stream, a queue state or the store.');
  }
}

/**
 * Reads one topic, stream, queue state or store stream, each place in its own order: a Kafka topic
 * as a search that keeps every record (the newest of each partition for a sample), anything else
 * from its start. A RabbitMQ classic queue is not read: reading one takes its messages.
 */
/** Reads what the scope asks for; says whether all of it was read. */
export async function readResource(adapter: SourceAdapter, connectionId: string, r: CatalogueRequest['resource'], scope: CatalogueScope, signal: AbortSignal, out: ResourceOutput): Promise<boolean> {
  if (r.resourceType === 'kafka-topic') return readTopic(adapter, connectionId, r.resource, scope, signal, out);
  const target = targetOf(r);
  const summary = await adapter.read({
    target,
    from: { type: 'start' },
    limit: scope.kind === 'sample' ? scope.count : WHOLE,
    previewBytes: PREVIEW_BYTES,
    signal,
    onBatch: out.batch,
    onProgress: (p) => p.total !== null && out.total(p.total),
  });
  for (const n of summary.notes ?? []) out.note(n);
  // A sample stops at its count on purpose; a whole read that stopped short (a stream over AMQP, idle) did not read everything.
  return scope.kind === 'sample' || summary.next === null;
}

async function readTopic(adapter: SourceAdapter, connectionId: string, topic: string, scope: CatalogueScope, signal: AbortSignal, out: ResourceOutput): Promise<boolean> {
  const topics = adapter.topics;
  if (!topics) throw new RewindError('unsupported', 'This connection has no topics');
  const ranges = await topics.partitionRanges(topic, { type: 'start' }, signal);
  const per = scope.kind === 'sample' ? Math.max(1, Math.ceil(scope.count / Math.max(1, ranges.length))) : null;
  out.total(ranges.reduce((n, p) => n + Math.min(Number(p.end - p.start), per ?? Number.MAX_SAFE_INTEGER), 0));
  return searchOnward(
    topics,
    { connectionId, topic, partitions: null, isolation: 'read_committed', from: per === null ? { type: 'start' } : { type: 'last', perPartition: per }, filter: {} },
    signal,
    { hits: out.batch, note: out.note },
  );
}
