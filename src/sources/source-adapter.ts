import type { ResourceDecoding } from '../model/decoder-settings';
import type { z } from 'zod';
import type { Progress, ReadSummary, TestResult } from '../model/source-results';
import type { Envelope } from '../model/envelope';
import type { DeadLetter, DeadLetterRef } from '../model/dead-letters';
import type { ComposedMessage, ComposeTarget, PublishOutcome, PublishPreview, PublishProgress } from '../model/compose';
import type { GroupDetail, GroupSummary, ResetOutcome, ResetPlan, ResetStrategy } from '../model/groups';
import type { ExportScope, NewTopic, PageRequest, ScanItem, ScanRequest, ScanSummary, TailItem, TailRequest, TopicDetail, TopicPage } from '../model/topic-scan';
import type { RedriveOptions, RedriveOutcome, RedrivePlan, RedriveProgress, RedriveSelection, RedriveTarget } from '../model/redrive';
import type { Capabilities, ProjectionFrom, ReadFrom, ReadStart, ReadTarget, Resource } from '../model/resources';
import type { WireEvent } from '../model/wire';
import type { EventStore } from '../store/event-store';
import type { RabbitMap } from './rabbitmq/rabbit-map';
import type { RedisQueueAbility } from './redis/queue-ability';
import type { RedisStreamAbility } from './redis/stream-ability';

export interface ReadOptions {
  target: ReadTarget;
  from: ReadStart;
  limit: number;
  /** Kafka only; read_committed when absent. */
  isolation?: 'read_committed' | 'read_uncommitted';
  /** How many bytes of each payload to ship; the record lists take a preview, Copy the whole value. */
  previewBytes?: number;
  signal: AbortSignal;
  onBatch(items: Envelope[]): void;
  onProgress(progress: Progress): void;
}

/**
 * The one small interface every source implements. Adapters connect lazily on first use and
 * report failures as RewindError with a cause code. What a source can do beyond reading is the
 * abilities it has (below); capabilitiesOf() tells the renderer exactly those.
 */
export interface SourceAdapter {
  /** Whether new items can be followed as they arrive (Kafka topics, RabbitMQ streams). */
  readonly follows: boolean;
  /** Whether a read can start at a time. */
  readonly seeksByTime: boolean;
  /** Opens a fresh connection and reports who answered. */
  /** `broker`: the status bar's probe, which asks only the broker (a schema registry down is not the broker down). */
  test(signal: AbortSignal, scope?: 'all' | 'broker'): Promise<z.infer<typeof TestResult>>;
  listResources(signal: AbortSignal): Promise<Resource[]>;
  /** Reads from a position up to `limit` items or the end as of the start of the read. */
  read(options: ReadOptions): Promise<z.infer<typeof ReadSummary>>;
  /**
   * A range as the events projections take (whole bodies, not previews), batch by batch, from
   * `from` to `to` (inclusive; null: the end when it starts). At most about `buffer` events are
   * held ahead of the reader, whatever the source's size.
   */
  events(target: ReadTarget, from: ReadFrom, to: number | null, signal: AbortSignal, buffer?: number): AsyncGenerator<WireEvent[]>;
  /** Present where the source has dead letters Rewind can look at and move. */
  readonly deadLetters?: DeadLetterAbility;
  /** Present where a user can write a message to the source (an exchange, a topic). */
  readonly compose?: ComposeAbility;
  /** Present where the source has consumer groups whose offsets Rewind can show and move. */
  readonly consumerGroups?: ConsumerGroupAbility;
  /** Present where a resource is split in partitions that can be read as one (Kafka topics). */
  readonly topics?: TopicAbility;
  /** Present where the source is an event store file Rewind's own reader and projections read directly. */
  readonly eventStore?: EventStore;
  /** Present where streams are followed live (RabbitMQ's stream protocol, Redis's XREAD); topics have their own tail. */
  readonly streams?: StreamFollowAbility;
  /** Present where the source is a map of exchanges and queues (RabbitMQ). */
  readonly rabbitMap?: RabbitMap;
  /** Present where streams have consumer groups Rewind can look into and act on (Redis streams). */
  readonly redisStreams?: RedisStreamAbility;
  /** Present where queues have jobs Rewind can promote, remove and clean through their library (BullMQ). */
  readonly redisQueues?: RedisQueueAbility;
  /** Present where the connection has a schema registry: its subjects, for the composer. */
  schemaSubjects?(): Promise<string[]>;
  /** Present where records go through the decoder chain: the user's choices per topic or queue. */
  useDecoders?(settings: Record<string, ResourceDecoding>): void;
  close(): Promise<void>;
}

export interface RedriveRequest {
  selection: RedriveSelection;
  target: RedriveTarget;
  options: RedriveOptions;
  /** The count the user confirmed in the dry run: a redrive of all looks at this many, no more. */
  confirmedCount?: number;
}

/** What a source's redrive reports; the handler adds the audit id, the confirmed count and the words. */
export type SourceRedriveOutcome = Omit<RedriveOutcome, 'auditId' | 'confirmedCount' | 'summary' | 'inBothPlaces' | 'settled'> &
  Partial<Pick<RedriveOutcome, 'inBothPlaces' | 'settled'>> & { movedIds: string[] };

/** Ids (partition:offset) redriven before, with when: from the audit log, for topics that keep what was redriven. */
export type RedriveHistory = (ids: string[]) => Map<string, string>;

/** Looking at dead letters and moving them back, as one source does it. */
export interface DeadLetterAbility {
  peek(ref: DeadLetterRef, limit: number, signal: AbortSignal, acceptRedelivered: boolean): Promise<{ messages: DeadLetter[]; depth: { value: number; exact: boolean; note?: string }; note: string }>;
  /** The dry run: what would go where, sending nothing. */
  plan(ref: DeadLetterRef, request: RedriveRequest, signal: AbortSignal, history: RedriveHistory): Promise<RedrivePlan>;
  redrive(ref: DeadLetterRef, request: RedriveRequest, run: { runId: string; signal: AbortSignal; onProgress(p: RedriveProgress): void }): Promise<SourceRedriveOutcome>;
}

/** What the renderer is told a source can do: exactly the abilities its adapter has. */
export function capabilitiesOf(adapter: SourceAdapter): Capabilities {
  return {
    browse: true,
    tail: adapter.follows,
    publish: adapter.compose !== undefined,
    consumerGroups: adapter.consumerGroups !== undefined,
    deadLetters: adapter.deadLetters !== undefined,
    seekByTime: adapter.seeksByTime,
  };
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    const e = new Error('Cancelled');
    e.name = 'AbortError';
    throw e;
  }
}

/**
 * Runs `fn` once when the signal aborts, or at once when it already has: a request cancelled
 * while it was still starting must stop too. Returns what removes the listener.
 */
export function whenAborted(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => undefined;
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/** Resolves after `ms`, or early when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Writing a message a user composed: where it would go (nothing sent), then sending it. */
export interface ComposeAbility {
  preview(target: ComposeTarget, message: ComposedMessage, signal: AbortSignal): Promise<PublishPreview>;
  /**
   * Sends `count` copies in bounded batches, each confirmed before the next; stops between batches
   * when the signal aborts (the outcome says how many were sent). `onProgress` hears every batch:
   * on a failure, what it heard last is exactly what was confirmed and what is in doubt.
   */
  send(target: ComposeTarget, message: ComposedMessage, count: number, run: { signal: AbortSignal; onProgress(p: PublishProgress): void }): Promise<SentCopies>;
}

export type SentCopies = Omit<PublishOutcome, 'auditId' | 'stoppedBy'>;

/** Consumer groups: their offsets and lag, resets planned before they are applied, deletion. */
export interface ConsumerGroupAbility {
  list(): Promise<GroupSummary[]>;
  describe(groupId: string): Promise<GroupDetail>;
  planReset(groupId: string, topics: { topic: string; partitions?: number[] }[] | null, strategy: ResetStrategy): Promise<ResetPlan>;
  /**
   * Validates every row, then commits them together without joining the group. Throws when nothing
   * moved; a partial commit (the broker refused some partitions) is returned for the audit log.
   */
  reset(groupId: string, rows: { topic: string; partition: number; offset: string }[]): Promise<ResetOutcome>;
  delete(groupId: string): Promise<void>;
}

/** A partitioned topic read whole: merged pages, a filtered search, a live tail. */
export interface TopicAbility {
  page(req: PageRequest, signal: AbortSignal): Promise<TopicPage>;
  search(req: ScanRequest, signal: AbortSignal, out: { hits(records: Envelope[]): void; progress(item: Extract<ScanItem, { kind: 'progress' }>): void }): Promise<ScanSummary>;
  tail(req: TailRequest, signal: AbortSignal, send: (item: TailItem) => void): Promise<void>;
  describe(topic: string): Promise<TopicDetail>;
  /** Each partition's range from a start, for a read of the whole topic merged in time order. */
  partitionRanges(topic: string, from: ProjectionFrom, signal: AbortSignal): Promise<{ partition: number; start: bigint; end: bigint }[]>;
  create(spec: Omit<NewTopic, 'connectionId'>): Promise<void>;
  delete(topic: string): Promise<void>;
  exportRecords(topic: string, scope: ExportScope, signal: AbortSignal, send: (lines: string[]) => void, progress: (done: number, total: number | null) => void): Promise<{ count: number }>;
  importRecords(topic: string, lines: string[], firstLine: number, keepPartitions: boolean, signal: AbortSignal): Promise<{ produced: number; errors: { line: number; message: string }[] }>;
}

/** Following a stream live: pause stops asking the broker for more, resume goes on, nothing missed. */
export interface StreamFollowAbility {
  follow(
    target: ReadTarget,
    from: ReadFrom | { type: 'first' } | { type: 'last' } | { type: 'next' },
    signal: AbortSignal,
    onBatch: (items: Envelope[]) => void,
  ): Promise<{ via: 'stream protocol' | 'AMQP' | 'XREAD'; done: Promise<void>; pause(): void; resume(): void }>;
}
