import { z } from 'zod';

/** Which dead letters: all of them, or the ones picked (by the ids the peek gave them). */
export const RedriveSelection = z.union([z.object({ all: z.literal(true) }), z.object({ ids: z.array(z.string().min(1)).min(1).max(100_000) })]);
export type RedriveSelection = z.infer<typeof RedriveSelection>;

/**
 * Where they go: each one back to its own origin, or one place the user picks. For RabbitMQ the
 * origin is the queue the message died in (its latest `x-death` queue, through the default
 * exchange), so no other queue gets a copy; `origin-route` sends it through the exchange and
 * routing keys it was first published with, which reaches every queue bound to them.
 */
export const RedriveTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('origin') }),
  z.object({ kind: z.literal('origin-route') }),
  z.object({ kind: z.literal('exchange'), exchange: z.string(), routingKey: z.string() }),
  z.object({ kind: z.literal('queue'), queue: z.string().min(1) }),
  z.object({ kind: z.literal('topic'), topic: z.string().min(1) }),
]);
export type RedriveTarget = z.infer<typeof RedriveTarget>;

export const RedriveOptions = z.object({
  /** RabbitMQ: put back the per-message TTL it moved to x-death (it may expire again at once). */
  restoreTtl: z.boolean().default(false),
  /** Messages per second at most, to spare a fragile consumer; null: as fast as the broker confirms. */
  ratePerSecond: z.number().int().min(1).max(1_000_000).nullable().default(null),
  /** Kafka: partition by key (the default partitioner), or the partition the record came from. */
  partitioning: z.enum(['key', 'original']).default('key'),
  /** Kafka: keep each record's timestamp, or let the broker stamp it anew. */
  keepTimestamp: z.boolean().default(true),
});
export type RedriveOptions = z.infer<typeof RedriveOptions>;

export const PlanRow = z.object({
  /** The id the selection uses. */
  id: z.string(),
  /** Place in the queue, partition/offset, or position. */
  where: z.string(),
  messageId: z.string().nullable(),
  /** Where it would go, in words ("exchange orders, key order.created"). */
  target: z.string().nullable(),
  /** What would receive it now: queues, or topic/partition. */
  routes: z.array(z.string()),
  /** Why it would not move (no origin recorded, the exchange is gone, it routes nowhere). */
  problem: z.string().nullable(),
  /** Kafka: when these offsets were redriven before, from the audit log. */
  redrivenBefore: z.string().nullable(),
  /** Kafka: what it goes back as: its original, still in its topic, or the dead letter's copy and what was left out. */
  note: z.string().nullable().optional(),
  /** Queues the route also reaches besides the one the message died in: each would get a copy. */
  alsoReaches: z.array(z.string()).optional(),
});
export type PlanRow = z.infer<typeof PlanRow>;

export const RedrivePlan = z.object({
  rows: z.array(PlanRow),
  perTarget: z.array(z.object({ target: z.string(), count: z.number().int(), routes: z.array(z.string()), problem: z.string().nullable(), alsoReaches: z.array(z.string()).optional() })),
  /** How many the redrive will look at (the selection, or the depth now). */
  total: z.number().int().nonnegative(),
  /** How many of the rows shown would move. */
  movable: z.number().int().nonnegative(),
  /** How many of the rows were redriven before (Kafka): the run asks for `repeat`. */
  repeated: z.number().int().nonnegative(),
  note: z.string(),
});
export type RedrivePlan = z.infer<typeof RedrivePlan>;

export const RedriveFailure = z.object({ where: z.string(), messageId: z.string().nullable(), reason: z.string() });

export const RedriveProgress = z.object({ looked: z.number().int(), moved: z.number().int(), failed: z.number().int(), total: z.number().int(), inFlight: z.number().int() });
export type RedriveProgress = z.infer<typeof RedriveProgress>;

export const RedriveOutcome = z.object({
  looked: z.number().int(),
  moved: z.number().int(),
  failures: z.array(RedriveFailure),
  /** Known to be at the target and still in the dead-letter queue (the removal could not be made after a dropped connection). */
  duplicates: z.number().int(),
  /** Perhaps in both places: in flight when the connection dropped, and could not be settled by looking. */
  uncertain: z.number().int(),
  /** Each message counted in `duplicates` or `uncertain`: where it was, its id, and why. */
  inBothPlaces: z.array(RedriveFailure).default([]),
  /** After a dropped connection: what was in flight and was settled on a fresh one. */
  settled: z.object({ moved: z.number().int(), notSent: z.number().int(), uncertain: z.number().int() }).nullable().default(null),
  /** The count the user confirmed in the dry run. */
  confirmedCount: z.number().int().nullable().default(null),
  /** The outcome in words; says so whenever it differs from what was confirmed. */
  summary: z.string().default(''),
  stoppedBy: z.enum(['done', 'cancelled', 'emptied', 'error']),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
  /** The audit entry that records this run. */
  auditId: z.number().int().nullable(),
});
export type RedriveOutcome = z.infer<typeof RedriveOutcome>;
