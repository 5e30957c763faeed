import { RewindError } from '../model/errors';
import type { ProjectionFrom, ProjectionTarget, ReadFrom } from '../model/resources';
import type { ProjectionRun, RunCallbacks, RunResult } from '../projections/projection-run';
import type { EventStore } from '../store/event-store';
import { mergedTopic, topicStretch, type PartitionRange, type TopicCursor } from '../sources/kafka/topic-merge';
import type { SourceAdapter } from '../sources/source-adapter';
import type { WireEvent } from '../model/wire';
import type { RunEntry } from './projection-registry';
import type { AdapterPool } from './adapter-pool';

export interface FeedRequest {
  connectionId: string;
  target: ProjectionTarget;
  from: ProjectionFrom;
  /** The last position to take (inclusive); null: the end as of the start. */
  to: number | null;
}

/**
 * A source opened as the events a projection consumes: rebuilds and read models continuing open
 * a feed here, and time travel and the partition view read a stretch of a finished run again
 * (feedStretch), so how a source becomes a run's events is picked in this file only.
 */
export interface OpenedFeed {
  /** The worker reads an event store's file itself, or the core posts batches read from a source. */
  kind: 'sqlite' | 'broker';
  /** How many events the run will see, when known (the jobs panel's bar and ETA). */
  total: number | null;
  /** How positions number the events, when not by the source's own (a merged topic). */
  ordering: string | null;
  /** A merged topic's ranges and the cursors taken as it went: time travel replays from them, a read model resumes from the last. */
  topic: { ranges: PartitionRange[]; cursors: TopicCursor[] } | null;
  run(run: ProjectionRun, callbacks: RunCallbacks): Promise<RunResult>;
}

const isStoreTarget = (t: ProjectionTarget) => t.type === 'store-all' || t.type === 'store-stream';

export async function openFeed(pool: AdapterPool, request: FeedRequest, signal: AbortSignal): Promise<OpenedFeed> {
  const { target, from, to } = request;
  const adapter = await pool.get(request.connectionId);
  const store = adapter.eventStore;
  if (store || isStoreTarget(target)) {
    if (!store) throw new RewindError('unsupported', 'This works on event stores, not on brokers');
    if (!isStoreTarget(target)) throw new RewindError('invalid_input', 'The local store feeds $all or a stream');
    if (from.type === 'offsets') throw new RewindError('invalid_input', 'A store starts from a position or a time');
    // The store's fast path: the worker reads the file with its own statements.
    const first = startPosition(store, from);
    const streamId = target.type === 'store-stream' ? target.streamId : null;
    const end = Math.min(to ?? Number.MAX_SAFE_INTEGER, store.lastPosition());
    const total = streamId ? (first > 1 ? null : (store.stream(streamId)?.eventCount ?? 0)) : Math.max(0, end - first + 1);
    return { kind: 'sqlite', total, ordering: null, topic: null, run: (run, callbacks) => run.runSqlite({ kind: 'sqlite', path: store.path, streamId, from: first, to }, callbacks) };
  }
  if (target.type === 'kafka-topic') {
    if (!adapter.topics) throw new RewindError('invalid_input', 'A whole topic is read from a Kafka connection');
    const ranges = await adapter.topics.partitionRanges(target.topic, from, signal);
    const cursors: TopicCursor[] = [{ seq: 0, next: new Map(ranges.map((r) => [r.partition, r.start])) }];
    const available = Number(ranges.reduce((n, r) => n + (r.end > r.start ? r.end - r.start : 0n), 0n));
    return {
      kind: 'broker',
      total: to === null ? available : Math.min(to, available),
      ordering: `${ranges.length} ${ranges.length === 1 ? 'partition' : 'partitions'} merged in timestamp order; positions number the records in that order.`,
      topic: { ranges, cursors },
      run: (run, callbacks) => run.runBatches(mergedTopic(adapter, target.topic, ranges, cursors[0]!, signal, { onCursor: (c) => cursors.push(c), ...(to === null ? {} : { until: to }) }), callbacks),
    };
  }
  if (from.type === 'offsets') throw new RewindError('invalid_input', 'An offset per partition starts a whole topic');
  return { kind: 'broker', total: null, ordering: null, topic: null, run: (run, callbacks) => run.runBatches(adapter.events(target, from, to, signal), callbacks) };
}

function startPosition(store: EventStore, from: ReadFrom): number {
  if (from.type === 'start') return 1;
  if (from.type === 'position') return Math.max(1, Number(from.value));
  return store.positionAt(from.value) ?? store.lastPosition() + 1;
}

/** The events numbered `from`..`to` (inclusive) of a finished broker run, read again from its source. */
export async function* feedStretch(adapter: SourceAdapter, run: Pick<RunEntry, 'target' | 'topic'>, from: number, to: number, signal: AbortSignal): AsyncGenerator<WireEvent[]> {
  if (to < from) return;
  if (run.target.type !== 'kafka-topic') {
    yield* adapter.events(run.target, { type: 'position', value: String(Math.max(0, from)) }, to, signal);
  } else if (run.topic) {
    // A merged topic is numbered by the run, not by offsets: replay the merge from a cursor.
    yield* topicStretch(adapter, run.target.topic, run.topic.ranges, run.topic.cursors, from, to, signal);
  }
}
