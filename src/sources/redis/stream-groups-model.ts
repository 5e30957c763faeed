import { z } from 'zod';

/** What crosses the API for a Redis stream's consumer groups and its dead letters (browser-safe). */

const Id = z.string().regex(/^\d+-\d+$/, { message: 'A stream id is written as milliseconds-sequence, such as 1700000000000-0' });

export const StreamConsumer = z.object({
  name: z.string(),
  pending: z.number().int(),
  /** Since it last read or claimed. */
  idleMs: z.number().int(),
  /** Since it last read with success (Redis 7.2+); null where the server does not say. */
  inactiveMs: z.number().int().nullable(),
});

export const StreamGroup = z.object({
  name: z.string(),
  consumers: z.array(StreamConsumer),
  pending: z.number().int(),
  lastDeliveredId: z.string(),
  /** Redis 7: how many entries the group has read, and how many it has not (null when Redis cannot tell, after a deletion). */
  entriesRead: z.number().int().nullable(),
  lag: z.number().int().nullable(),
});
export type StreamGroup = z.infer<typeof StreamGroup>;

export const StreamGroups = z.object({
  stream: z.string(),
  length: z.number().int(),
  firstId: z.string().nullable(),
  lastId: z.string().nullable(),
  groups: z.array(StreamGroup),
  /** Where this stream's dead letters go: `<stream>:dlq`. */
  dlq: z.string(),
});
export type StreamGroups = z.infer<typeof StreamGroups>;

export const PendingEntry = z.object({
  id: z.string(),
  consumer: z.string(),
  idleMs: z.number().int(),
  deliveries: z.number().int(),
});
export type PendingEntry = z.infer<typeof PendingEntry>;

/** Pending entries picked by hand, or every one delivered at least this many times. */
export const PendingSelection = z.union([z.object({ ids: z.array(Id).min(1).max(100_000) }), z.object({ minDeliveries: z.number().int().min(1).max(1_000_000) })]);
export type PendingSelection = z.infer<typeof PendingSelection>;

export const DeadLetterMove = z.object({
  looked: z.number().int(),
  moved: z.number().int(),
  /** Entries not moved and why (no longer pending, gone from the stream). */
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
  dlq: z.string(),
  stoppedBy: z.enum(['done', 'cancelled', 'error']),
  error: z.string().nullable(),
});
export type DeadLetterMove = z.infer<typeof DeadLetterMove>;

export const GroupPositionPlan = z.object({
  group: z.string(),
  from: z.string(),
  to: z.string(),
  /** Entries after the new position: what the group would read (again, or skip when it moves forward). */
  toRead: z.object({ value: z.number().int(), exact: z.boolean() }),
  /** Entries the move skips (forward) or makes the group read again (back). */
  moved: z.object({ value: z.number().int(), exact: z.boolean() }),
  direction: z.enum(['forward', 'back', 'none']),
});
export type GroupPositionPlan = z.infer<typeof GroupPositionPlan>;

export const StreamRef = z.object({ connectionId: z.string().min(1), stream: z.string().min(1) });
export const GroupRef = StreamRef.extend({ group: z.string().min(1) });
export const GroupTarget = z.union([z.object({ id: z.union([Id, z.literal('$'), z.literal('0')]) }), z.object({ time: z.iso.datetime({ offset: true }) })]);
export { Id as StreamId };
