import { z } from 'zod';
import { ConnectionDraft, ConnectionProfile } from '../sources/profiles';
import { ConnectionSummary } from '../model/connections';
import { Envelope } from '../model/envelope';
import { Payload } from '../model/payload';
import { Job } from '../model/jobs';
import { Capabilities, checkStart, Position, positionFits, ProjectionFrom, ProjectionTarget, ReadStart, ReadTarget, Resource } from '../model/resources';
import { StateDiff } from '../model/state-diff';
import { ReadProgress, ReadSummary, TestResult } from '../model/source-results';
import { ExpectedVersion, NewEvent } from '../model/store-events';
import { DeadLetter, DeadLetterRef, DeadLetterSource } from '../model/dead-letters';
import { ComposedMessage, ComposeTarget, PublishItem, PublishOutcome, PublishPreview } from '../model/compose';
import { ExportScope, NewTopic, PageRequest, ScanItem, ScanRequest, ScanSummary, TailItem, TailRequest, TopicDetail, TopicPage } from '../model/topic-scan';
import { GroupDetail, GroupSummary, ResetPlan, ResetScope, ResetStrategy } from '../model/groups';
import { RedriveOptions, RedriveOutcome, RedrivePlan, RedriveProgress, RedriveSelection, RedriveTarget } from '../model/redrive';
import { READ_MODEL_NAME } from '../model/read-model-name';
import { LIMIT_BOUNDS } from '../model/projection-limits';
import { TypeSource } from '../model/type-source';
import { LastCrash } from '../model/crash';
import { ProtoFolder, ResourceDecoding } from '../model/decoder-settings';
import { rabbitContract } from './contract-rabbit';
import { redisContract } from './contract-redis';
import { traceContract } from './contract-trace';

/**
 * The one API of Rewind. IPC handlers, the preload allowlist, the web shell and the renderer
 * client are all derived from this object, so a method exists everywhere or nowhere.
 *
 * - `call`: one request, one response.
 * - `stream`: a cancellable operation that sends progress and batches of items, then one result.
 */
interface CallSpec<P extends z.ZodType, R extends z.ZodType> {
  kind: 'call';
  params: P;
  result: R;
}
interface StreamSpec<P extends z.ZodType, I extends z.ZodType, R extends z.ZodType> {
  kind: 'stream';
  params: P;
  item: I;
  result: R;
}
const call = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R): CallSpec<P, R> => ({
  kind: 'call',
  params,
  result,
});
const stream = <P extends z.ZodType, I extends z.ZodType, R extends z.ZodType>(params: P, item: I, result: R): StreamSpec<P, I, R> => ({ kind: 'stream', params, item, result });

const Empty = z.object({});
const ConnectionRef = z.object({ connectionId: z.string().min(1) });

export const AppInfo = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'web']),
  /** Where passwords live: the OS keychain (Electron safeStorage) or a 0600 file (web shell). */
  secretStorage: z.enum(['os', 'file']),
  secretFile: z.string().nullable(),
  /** Saved passwords moved into or out of reach of the OS keychain at start, in one line. */
  secretNotice: z.string().nullable(),
  dataDir: z.string(),
});

/** Test a saved connection (by id) or the form as typed, before or without saving. */
export const TestRequest = z.union([z.object({ connectionId: z.string().min(1) }), z.object({ draft: ConnectionDraft })]);

export const ConnectionStatus = z.object({
  connectionId: z.string(),
  reachable: z.boolean(),
  server: z.string().nullable(),
  error: z.string().nullable(),
  checkedAt: z.string(),
});

export const ResourceList = z.object({
  capabilities: Capabilities,
  resources: z.array(Resource),
});

export const ReadRequest = ConnectionRef.extend({
  target: ReadTarget,
  from: ReadStart,
  /** Stop after this many items; a read never holds more than this in memory. */
  limit: z.number().int().min(1).max(100_000),
  /** Kafka: read_committed (default) hides records of aborted transactions; read_uncommitted shows them. */
  isolation: z.enum(['read_committed', 'read_uncommitted']).optional(),
}).superRefine(checkStart);

export const ProjectionSource = z
  .object({
    connectionId: z.string().min(1),
    target: ProjectionTarget,
    from: ProjectionFrom,
    /** Last position to include (a whole topic: the last merged record); null runs to the end as of the start of the run. */
    to: z.string().regex(/^\d+$/).nullable(),
  })
  .refine((s) => s.from.type !== 'offsets' || s.target.type === 'kafka-topic', { message: 'An offset per partition starts a whole Kafka topic; pick the topic', path: ['from'] })
  .superRefine(checkStart);

export const RebuildRequest = z.object({
  code: z
    .string()
    .min(1)
    .max(512 * 1024),
  source: ProjectionSource,
  limits: z
    .object({
      perEventMs: z.number().int().min(LIMIT_BOUNDS.perEventMs.min).max(LIMIT_BOUNDS.perEventMs.max),
      memoryMb: z.number().int().min(LIMIT_BOUNDS.memoryMb.min).max(LIMIT_BOUNDS.memoryMb.max),
    })
    .optional(),
  /** Where this run reads each event's type, when the source keeps it elsewhere than Rewind looks. */
  typeFrom: TypeSource.optional(),
});

const WireEventSchema = z.object({
  position: z.number(),
  type: z.string(),
  data: z.string(),
  metadata: z.string(),
  streamId: z.string(),
  version: z.number(),
  timestamp: z.string(),
  id: z.string(),
});

export const RunUpdate = z.discriminatedUnion('kind', [
  /** `jobId`: the run's job, which a view that closes can let go of and another can attach to. */
  z.object({ kind: z.literal('started'), runId: z.string(), total: z.number().nullable(), jobId: z.string().optional() }),
  z.object({ kind: z.literal('progress'), processed: z.number(), position: z.number() }),
  z.object({
    kind: z.literal('handler-error'),
    processed: z.number(),
    failure: z.object({ position: z.number(), event: WireEventSchema, name: z.string(), message: z.string(), stack: z.string() }),
  }),
]);

export const RunSummary = z.object({
  runId: z.string(),
  processed: z.number(),
  firstPosition: z.number(),
  lastPosition: z.number(),
  partitions: z.number(),
  partitioned: z.boolean(),
  skipped: z.array(z.number()),
  /** The first 1,000 skipped events with why each failed; `skipped` counts them all. */
  skippedEvents: z.array(z.object({ position: z.number(), type: z.string(), streamId: z.string(), error: z.string() })),
  logs: z.array(z.string()),
  stopped: z.boolean(),
  /** The final state, or null when it is too large to send whole (see stateBytes). */
  state: z.json().nullable(),
  stateBytes: z.number(),
  elapsedMs: z.number(),
  /** How positions were numbered when they are not the source's own (a topic merged across partitions). */
  ordering: z.string().nullable(),
  /** Events whose type had a handler (or $any took them). */
  matched: z.number(),
  /** The event types the run saw, most frequent first (at most 100), and whether a handler takes each. */
  types: z.array(z.object({ type: z.string(), count: z.number(), handled: z.boolean() })),
  /** Set when none or few of the events matched a handler: what the run saw, and what to do. */
  typeNotice: z.string().nullable(),
  typeFrom: TypeSource.nullable(),
});

export const StateAtResult = z.object({
  position: z.number(),
  state: z.json().nullable(),
  event: WireEventSchema.nullable(),
  before: z.json(),
  after: z.json(),
  touched: z.array(z.string()),
});

const RunRef = z.object({ runId: z.string().min(1) });

const RedriveRequest = z.object({
  connectionId: z.string().min(1),
  ref: DeadLetterRef,
  selection: RedriveSelection,
  target: RedriveTarget,
  options: RedriveOptions.default({ restoreTtl: false, ratePerSecond: null, partitioning: 'key', keepTimestamp: true }),
});

export const ReadModelName = z.string().trim().regex(READ_MODEL_NAME, { message: 'Use letters, digits and _ (not starting with a digit), e.g. account_balances' });

export const ReadModelInfo = z.object({
  name: z.string(),
  /** partitions: a row per partition; entries: a row per key of an object state; value: one row. */
  shape: z.enum(['partitions', 'entries', 'value']),
  code: z.string(),
  /** resume: for a whole topic, the next offset to read per partition. */
  source: z.object({ connectionId: z.string(), target: ProjectionTarget, resume: z.record(z.string(), z.string()).nullable(), typeFrom: TypeSource.nullable() }),
  builtFrom: z.number(),
  /** Last position applied, where Continue starts after; for a whole topic the records applied (see source.resume). */
  checkpoint: z.number(),
  rows: z.number(),
  columns: z.array(z.string()),
  updatedAt: z.string(),
});

export const QueryResult = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
  /** More rows follow this page. */
  more: z.boolean(),
  elapsedMs: z.number(),
});

export const contract = {
  'app/info': call(Empty, AppInfo),
  /** The previous run, when it ended without a clean exit (how, the calls in flight, files for a bug report); shown once. */
  'app/last-crash': call(Empty, LastCrash.nullable()),
  'app/dismiss-crash': call(z.object({ id: z.string().min(1) }), Empty),
  'connections/list': call(Empty, z.array(ConnectionSummary)),
  'connections/get': call(ConnectionRef, ConnectionProfile),
  'connections/save': call(ConnectionDraft, ConnectionProfile),
  'connections/delete': call(ConnectionRef, Empty),
  'connections/test': call(TestRequest, TestResult),
  'connections/status': call(ConnectionRef, ConnectionStatus),
  /** How a topic (Kafka) or `vhost/queue` (RabbitMQ) is decoded: the user's choice, auto when none. */
  'decoding/get': call(ConnectionRef.extend({ resource: z.string().min(1) }), ResourceDecoding),
  'decoding/set': call(ConnectionRef.extend({ resource: z.string().min(1), choice: ResourceDecoding }), z.object({})),
  /** The message types of a folder of .proto files, or the file and line that does not parse. */
  'registry/subjects': call(ConnectionRef, z.array(z.string())),
  'decoding/proto-folder': call(z.object({ folder: z.string().min(1).max(4096) }), ProtoFolder),
  'resources/list': call(ConnectionRef, ResourceList),
  'records/read': stream(ReadRequest, Envelope, ReadSummary),
  /**
   * One record's whole value (the lists carry a 64 KB preview), for Copy and Save payload….
   * Values over WHOLE_VALUE_BYTES come back cut, with `truncated` and their full size.
   */
  /**
   * A RabbitMQ stream followed live: from what arrives next, from the last chunk, or from an
   * offset (a resumed tail). Items are messages; it runs until cancelled. `via` first says which
   * protocol reads it.
   */
  'records/follow': stream(
    ConnectionRef.extend({
      target: z.discriminatedUnion('type', [
        z.object({ type: z.literal('rabbit-stream'), vhost: z.string().min(1), queue: z.string().min(1) }),
        /** A Redis stream, by its key: positions are stream ids. */
        z.object({ type: z.literal('source'), resource: z.string().min(1) }),
      ]),
      from: z.discriminatedUnion('type', [z.object({ type: z.literal('next') }), z.object({ type: z.literal('last') }), z.object({ type: z.literal('position'), value: Position })]),
    }).superRefine(checkStart),
    z.union([Envelope, z.object({ via: z.enum(['stream protocol', 'AMQP', 'XREAD']) })]),
    Empty,
  ),
  'records/value': call(
    ConnectionRef.extend({ target: ReadTarget, position: Position, isolation: z.enum(['read_committed', 'read_uncommitted']).optional() }).refine((r) => positionFits(r.target, r.position), {
      message: 'A position is a whole number.',
      path: ['position'],
    }),
    z.object({ payload: Payload }),
  ),
  'store/append': call(
    ConnectionRef.extend({ streamId: z.string().trim().min(1, { message: 'A stream id is required' }).max(500), expectedVersion: ExpectedVersion, events: z.array(NewEvent).min(1).max(1000) }),
    z.object({ firstPosition: z.number(), lastPosition: z.number(), version: z.number() }),
  ),
  'store/export': stream(ConnectionRef.extend({ streamId: z.string().min(1).nullable() }), z.string(), z.object({ count: z.number() })),
  'store/import': call(
    ConnectionRef.extend({ lines: z.array(z.string().max(16 * 1024 * 1024)).max(5000), firstLine: z.number().int().min(1), session: z.string().min(1).optional() }),
    z.object({ imported: z.number(), errors: z.array(z.object({ line: z.number(), message: z.string() })) }),
  ),
  /** SQLite's full integrity check of a store file (the quick one runs on every open). */
  'store/check': call(ConnectionRef, z.object({ ok: z.boolean(), problems: z.array(z.string()), elapsedMs: z.number() })),
  'subscriptions/list': call(ConnectionRef, z.array(z.object({ name: z.string(), maxAttempts: z.number(), createdAt: z.string(), checkpoint: z.number(), parked: z.number() }))),
  /**
   * Creates a subscription; one of that name already there is refused (`conflict`) unless
   * `replace` is set, which changes its code and keeps its checkpoint, state and parked events.
   */
  'subscriptions/save': call(
    ConnectionRef.extend({
      name: z.string().trim().min(1, { message: 'Name the subscription' }).max(200),
      code: z
        .string()
        .min(1)
        .max(512 * 1024),
      maxAttempts: z.number().int().min(1).max(100),
      replace: z.boolean().default(false),
    }),
    Empty,
  ),
  /** One subscription: its code, and its state at the checkpoint (left out above 1 MB, with its size). */
  'subscriptions/get': call(
    ConnectionRef.extend({ name: z.string().min(1) }),
    z.object({
      name: z.string(),
      code: z.string(),
      maxAttempts: z.number(),
      checkpoint: z.number(),
      parked: z.number(),
      state: z.json().nullable(),
      stateBytes: z.number(),
      stateShown: z.boolean(),
    }),
  ),
  'subscriptions/delete': call(ConnectionRef.extend({ name: z.string().min(1) }), Empty),
  'subscriptions/catch-up': stream(ConnectionRef.extend({ name: z.string().min(1) }), z.never(), z.object({ processed: z.number(), parked: z.number(), checkpoint: z.number() })),
  'subscriptions/parked': call(
    ConnectionRef.extend({ name: z.string().min(1) }),
    z.array(z.object({ position: z.number(), attempts: z.number(), lastError: z.string(), parkedAt: z.string(), type: z.string(), streamId: z.string(), data: z.string() })),
  ),
  'subscriptions/replay-parked': call(
    ConnectionRef.extend({
      name: z.string().min(1),
      selection: z.union([z.object({ all: z.literal(true) }), z.object({ positions: z.array(z.number().int()).min(1).max(100_000) }), z.object({ upTo: z.number().int() })]),
      /** Count only: what would be re-sent, before anything is. */
      dryRun: z.boolean(),
    }),
    z.object({ count: z.number(), replayed: z.number(), stillParked: z.number() }),
  ),
  'projections/examples': call(Empty, z.array(z.object({ name: z.string(), description: z.string(), source: z.string() }))),
  'projections/rebuild': stream(RebuildRequest, RunUpdate, RunSummary),
  'projections/decide': call(
    RunRef.extend({
      action: z.enum(['skip', 'stop', 'retry']),
      code: z
        .string()
        .max(512 * 1024)
        .optional(),
    }),
    Empty,
  ),
  'projections/state-at': call(RunRef.extend({ position: z.number().int().nonnegative() }), StateAtResult),
  'projections/partition': call(
    RunRef.extend({ key: z.string(), limit: z.number().int().min(1).max(100_000).optional() }),
    z.object({ state: z.json().nullable(), positions: z.array(z.number()), truncated: z.boolean() }),
  ),
  'projections/diff': call(z.object({ leftRunId: z.string().min(1), rightRunId: z.string().min(1) }), StateDiff),
  'projections/close': call(RunRef, Empty),
  /** Dead-letter topics and queues of every connection, and every subscription's parked events. */
  'dead-letters/list': call(Empty, z.object({ sources: z.array(DeadLetterSource), unreachable: z.array(z.object({ connectionId: z.string(), connectionName: z.string(), message: z.string() })) })),
  /** Looks at dead letters without moving them: the newest of a topic, the head of a queue (requeued), parked events. */
  'dead-letters/peek': call(
    ConnectionRef.extend({
      ref: DeadLetterRef,
      limit: z.number().int().min(1).max(500),
      /** A classic queue is peeked by taking messages and putting them back, which marks them redelivered: the caller must say it accepts that. */
      acceptRedelivered: z.boolean().optional(),
    }),
    z.object({ messages: z.array(DeadLetter), depth: z.object({ value: z.number().int().nonnegative(), exact: z.boolean(), note: z.string().optional() }), note: z.string() }),
  ),
  /** The dry run of a redrive: each message and where it would go now. Nothing moves. */
  'dead-letters/plan': call(RedriveRequest, RedrivePlan),
  /**
   * Moves dead letters back, each confirmed at its target before it leaves the dead-letter queue.
   * Items: `started` (with the run's id, for stop), then progress. Stopping (or cancelling) stops
   * taking new messages and settles those in flight; the result is the exact outcome.
   */
  'dead-letters/redrive': stream(
    RedriveRequest.extend({
      /** The count the user saw in the dry run and confirmed. */
      confirmedCount: z.number().int().nonnegative(),
      /** Kafka: redrive offsets that were redriven before. */
      repeat: z.boolean().optional(),
    }),
    z.discriminatedUnion('kind', [z.object({ kind: z.literal('started'), runId: z.string() }), RedriveProgress.extend({ kind: z.literal('progress') })]),
    RedriveOutcome,
  ),
  /** Where a composed message would go now; nothing is sent. */
  'publish/preview': call(ConnectionRef.extend({ target: ComposeTarget, message: ComposedMessage }), PublishPreview),
  /**
   * Sends a composed message (`count` copies) in bounded batches, each confirmed by the broker;
   * written to the audit log. Items: `started` (the run's id, for publish/stop), then how many are
   * confirmed. A stop or a cancel ends it at the next batch; the outcome and the audit say how many
   * were sent. One publish of more than the limit in total (256 MB unless set) is refused.
   */
  'publish/send': stream(ConnectionRef.extend({ target: ComposeTarget, message: ComposedMessage, count: z.number().int().min(1).max(10_000) }), PublishItem, PublishOutcome),
  'publish/stop': call(z.object({ runId: z.string().min(1) }), z.object({ stopping: z.boolean() })),
  'topics/page': call(PageRequest, TopicPage),
  'topics/search': stream(ScanRequest, ScanItem, ScanSummary),
  'topics/tail': stream(TailRequest, TailItem, Empty),
  /** Records as kcat -J lines, read again from the broker. */
  'topics/export': stream(ConnectionRef.extend({ topic: z.string().min(1), scope: ExportScope }), z.string(), z.object({ count: z.number().int() })),
  /** kcat -J lines produced to a topic, a chunk at a time; bad lines are reported by number. Audited. */
  'topics/import': call(
    ConnectionRef.extend({
      topic: z.string().min(1),
      lines: z.array(z.string().max(16 * 1024 * 1024)).max(5000),
      firstLine: z.number().int().min(1),
      keepPartitions: z.boolean().default(true),
      session: z.string().min(1).optional(),
    }),
    z.object({ produced: z.number().int(), errors: z.array(z.object({ line: z.number().int(), message: z.string() })) }),
  ),
  'topics/describe': call(ConnectionRef.extend({ topic: z.string().min(1) }), TopicDetail),
  'topics/create': call(NewTopic, Empty),
  /** Deletes a topic and all its records; the name typed again is the confirmation. Audited. */
  'topics/delete': call(ConnectionRef.extend({ topic: z.string().min(1), confirm: z.string() }), Empty),
  'groups/list': call(ConnectionRef, z.array(GroupSummary)),
  'groups/describe': call(ConnectionRef.extend({ groupId: z.string().min(1) }), GroupDetail),
  /** What a reset would do, per partition: the current offset, the new one, how many records are read again or skipped. */
  'groups/plan-reset': call(ConnectionRef.extend({ groupId: z.string().min(1), strategy: ResetStrategy }).merge(ResetScope), ResetPlan),
  /** Applies the offsets the user confirmed; refused while the group has members. Audited, with the offsets before. */
  'groups/reset': call(
    ConnectionRef.extend({
      groupId: z.string().min(1),
      offsets: z.array(z.object({ topic: z.string(), partition: z.number().int(), offset: z.string().regex(/^\d+$/) })).min(1),
      description: z.string().max(500),
    }),
    z.object({ auditId: z.number().int(), before: z.array(z.object({ topic: z.string(), partition: z.number().int(), offset: z.string().nullable() })) }),
  ),
  /** Deletes an empty group; the name typed again is the confirmation. */
  'groups/delete': call(ConnectionRef.extend({ groupId: z.string().min(1), confirm: z.string() }), Empty),
  'dead-letters/stop': call(z.object({ runId: z.string().min(1) }), z.object({ stopping: z.boolean() })),
  /** What users did that moved or sent messages: redrives, moves, publishes, appends. Newest first. */
  'audit/list': call(
    z.object({ actions: z.array(z.string()).optional(), text: z.string().max(500).optional(), before: z.number().int().optional(), limit: z.number().int().min(1).max(500) }),
    z.object({ entries: z.array(z.object({ id: z.number().int(), at: z.string(), action: z.string(), detail: z.json() })), more: z.boolean() }),
  ),
  'read-models/list': call(Empty, z.object({ path: z.string(), models: z.array(ReadModelInfo) })),
  /** Writes a finished run's state as a table, with the run's last position as checkpoint. */
  'read-models/save': call(RunRef.extend({ name: ReadModelName }), ReadModelInfo),
  /** Runs the saved code from checkpoint + 1 to the end on the saved source, from the saved state. */
  'read-models/continue': stream(z.object({ name: z.string().min(1) }), z.never(), z.object({ processed: z.number(), info: ReadModelInfo })),
  'read-models/query': call(
    z.object({ sql: z.string().trim().min(1, { message: 'Type a query' }).max(100_000), offset: z.number().int().nonnegative(), limit: z.number().int().min(1).max(1000) }),
    QueryResult,
  ),
  /** Every long operation: running, finished, failed or cancelled (newest first). */
  /**
   * The job an import runs as: its first item names the session that `topics/import` and
   * `store/import` chunks carry; it ends when all `lines` have arrived, and Cancel refuses the next chunk.
   */
  'imports/run': stream(
    ConnectionRef.extend({
      into: z.discriminatedUnion('kind', [z.object({ kind: z.literal('topic'), topic: z.string().min(1) }), z.object({ kind: z.literal('store') })]),
      file: z.string().max(500),
      lines: z.number().int().nonnegative(),
    }),
    z.object({ session: z.string() }),
    z.object({ lines: z.number().int(), written: z.number().int(), badLines: z.number().int() }),
  ),
  'jobs/list': call(Empty, z.array(Job)),
  /** One job and what it was asked (a search's filter and range), for a view that takes it back. */
  'jobs/get': call(z.object({ id: z.string().min(1) }), z.object({ job: Job, params: z.record(z.string(), z.unknown()) })),
  /** The job list again whenever it changes (a batch per change, at most a few a second) until cancelled. */
  'jobs/watch': stream(Empty, z.array(Job), Empty),
  'jobs/cancel': call(z.object({ id: z.string().min(1) }), z.object({ cancelling: z.boolean() })),
  'jobs/dismiss': call(z.object({ id: z.string().min(1) }), Empty),
  /**
   * Takes back a job that went on without its view: the items it kept (the newest 10,000, with
   * how many older ones were dropped), then new ones, and its result. Items and result have the
   * shapes of the job's own method; the caller checks them against that method's schema.
   */
  'jobs/attach': stream(z.object({ id: z.string().min(1) }), z.unknown(), z.object({ method: z.string(), dropped: z.number(), result: z.unknown() })),
  'read-models/delete': call(z.object({ name: z.string().min(1) }), Empty),
  ...rabbitContract,
  ...redisContract,
  ...traceContract,
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type CallMethod = { [M in Method]: Contract[M]['kind'] extends 'call' ? M : never }[Method];
export type StreamMethod = { [M in Method]: Contract[M]['kind'] extends 'stream' ? M : never }[Method];

export type ParamsOf<M extends Method> = z.input<Contract[M]['params']>;
export type ParsedParamsOf<M extends Method> = z.output<Contract[M]['params']>;
export type ResultOf<M extends Method> = z.output<Contract[M]['result']>;
export type ItemOf<M extends StreamMethod> = Contract[M] extends StreamSpec<z.ZodType, infer I, z.ZodType> ? z.output<I> : never;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export type Progress = z.infer<typeof ReadProgress>;
export { ReadProgress as Progress };
export { ReadProgress, ReadSummary, TestResult };
