import { z } from 'zod';
import { Envelope } from './envelope';

/**
 * The most members one trace holds (each kept with a 1 KB preview, in the core and in the tab): the
 * bound a user may raise to, and the one given by default.
 */
export const TRACE_BOUND_MAX = 200_000;
export const TRACE_BOUND_DEFAULT = 10_000;

/** What a trace follows: the correlation id the message carries, or the trace id of its `traceparent`. */
export const TraceKey = z
  .object({
    by: z.enum(['correlation', 'trace']),
    value: z.string().min(1).max(1_000),
  })
  // A trace id is hex, written in lower case by the W3C format: one typed in upper case is the same id.
  .transform((k) => (k.by === 'trace' ? { ...k, value: k.value.toLowerCase() } : k));
export type TraceKey = z.infer<typeof TraceKey>;

/** Where a member lives, enough to open it in its own view. */
export const TraceWhere = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  /** The resource's type as the sidebar lists it (kafka-topic, rabbit-queue, store-all, source…). */
  resourceType: z.string(),
  resource: z.string(),
  /** RabbitMQ: the queue's vhost. */
  vhost: z.string().nullable(),
});
export type TraceWhere = z.infer<typeof TraceWhere>;

export const TraceMember = z.object({
  where: TraceWhere,
  record: Envelope,
  /** Why this step is marked as dead: it sits in a dead-letter place, or its headers say it died. Null: it did not. */
  dead: z.string().nullable(),
});
export type TraceMember = z.infer<typeof TraceMember>;

export const TraceRequest = z.object({
  key: TraceKey,
  /** The message the trace starts from, for the trace's title and its time. */
  origin: z.object({ where: TraceWhere, position: z.string(), partition: z.number().int().nullable(), time: z.iso.datetime({ offset: true }).nullable() }),
  /** Kafka topics, streams and queues are read between these times (found by time, not read whole); the store through its index. */
  window: z
    .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
    .refine((w) => Date.parse(w.from) <= Date.parse(w.to), { message: "The window's start is after its end." })
    // Kafka's timestamps count from 1970: before it, a time means nothing to a broker (and -1 would mean "the latest").
    .refine((w) => Date.parse(w.from) >= 0, { message: 'The window starts before 1970: no broker keeps a time before it.' }),
  /** The connections to look in; each traceable resource of each is looked at. */
  connectionIds: z.array(z.string().min(1)).min(1).max(50),
  /** Per connection, the only topics, streams or queues to look in (by name); a connection not named here: every one it has. */
  only: z.record(z.string(), z.array(z.string().min(1)).max(10_000)).optional(),
  /** The trace stops at this many members and says so. */
  bound: z.number().int().min(1).max(TRACE_BOUND_MAX).default(TRACE_BOUND_DEFAULT),
});
export type TraceRequest = z.infer<typeof TraceRequest>;

/** How looking in one connection went. */
export const TraceSourceState = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  kind: z.string(),
  state: z.enum(['looking', 'done', 'failed', 'stopped']),
  /** Resources looked in, and how many there are. */
  resourcesDone: z.number().int(),
  resources: z.number().int(),
  /** Records read (or found through an index). */
  scanned: z.number().int(),
  found: z.number().int(),
  /** Why it failed or what was left out (a resource gone, a window Kafka no longer keeps). */
  message: z.string().nullable(),
});
export type TraceSourceState = z.infer<typeof TraceSourceState>;

/** A member a finding points at: its place. */
export const MemberRef = z.object({ where: TraceWhere, position: z.string(), partition: z.number().int().nullable() });
export type MemberRef = z.infer<typeof MemberRef>;

export const FindingKind = z.enum(['duplicate', 'orphan', 'version-gap', 'version-repeat', 'out-of-order']);
export type FindingKind = z.infer<typeof FindingKind>;

export const Finding = z.object({
  kind: FindingKind,
  /** One sentence a user reads. */
  text: z.string(),
  refs: z.array(MemberRef),
});
export type Finding = z.infer<typeof Finding>;

export const TraceItem = z.discriminatedUnion('kind', [z.object({ kind: z.literal('members'), members: z.array(TraceMember) }), z.object({ kind: z.literal('source'), source: TraceSourceState })]);
export type TraceItem = z.infer<typeof TraceItem>;

export const TraceSummary = z.object({
  members: z.number().int(),
  sources: z.array(TraceSourceState),
  /** The bound was reached: there may be more members. */
  bounded: z.boolean(),
  findings: z.array(Finding),
  elapsedMs: z.number(),
  notes: z.array(z.string()),
});
export type TraceSummary = z.infer<typeof TraceSummary>;

/** The first line of an exported trace (JSON lines): what was traced and what was found; each member follows on its own line. */
export const TraceFileHead = z.object({
  rewindTrace: z.literal(1),
  request: TraceRequest,
  summary: TraceSummary,
});
export type TraceFileHead = z.infer<typeof TraceFileHead>;

/** The 32 hex digits of a W3C `traceparent`'s trace id, or null when the header is not one. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  const m = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}/.exec((traceparent ?? '').trim().toLowerCase());
  return m && !/^0+$/.test(m[1]!) ? m[1]! : null;
}

/** What a trace from this message follows: its correlation id, else its trace id; null when it has neither. */
export function traceKeyOf(record: Envelope): TraceKey | null {
  if (record.correlationId) return { by: 'correlation', value: record.correlationId };
  const trace = traceIdOf(record.event?.traceparent);
  return trace ? { by: 'trace', value: trace } : null;
}

/** Whether a record belongs to the conversation the key names. */
export function belongsTo(record: Envelope, key: TraceKey): boolean {
  return key.by === 'correlation' ? record.correlationId === key.value : traceIdOf(record.event?.traceparent) === key.value;
}

/** A member's time: the time the event gives itself, else the source's timestamp. */
export function memberTime(record: Envelope): string | null {
  return record.event?.time ?? record.timestamp;
}
