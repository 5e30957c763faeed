import { z } from 'zod';
import { Envelope } from '../model/envelope';
import { JobSearch, JobSearchSummary } from '../sources/redis/job-search-model';
import { CleanState, QueueInfo, QueueRef } from '../sources/redis/queue-model';
import { DeadLetterMove, GroupPositionPlan, GroupRef, GroupTarget, PendingEntry, PendingSelection, StreamGroups, StreamId, StreamRef } from '../sources/redis/stream-groups-model';

/** Redis streams' consumer groups: pending entries, claims, positions, and the dead-letter move. Spread into `contract` (contract.ts). */

const call = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R) => ({ kind: 'call' as const, params, result });
const stream = <P extends z.ZodType, I extends z.ZodType, R extends z.ZodType>(params: P, item: I, result: R) => ({ kind: 'stream' as const, params, item, result });

const Name = z.string().min(1).max(200);

export const redisContract = {
  /** A stream's length, ends and consumer groups with their consumers, pending counts, lag and position. */
  'redis/stream-groups': call(StreamRef, StreamGroups),
  /** A group's pending entries (XPENDING), oldest first; only those delivered at least `minDeliveries` times when given. */
  'redis/pending': call(
    GroupRef.extend({ minDeliveries: z.number().int().min(1).optional(), consumer: Name.optional(), limit: z.number().int().min(1).max(10_000) }),
    z.object({ entries: z.array(PendingEntry), total: z.number().int(), walked: z.number().int() }),
  ),
  /** Gives pending entries to another consumer (XCLAIM) if idle at least `minIdleMs`. Audited. */
  'redis/claim': call(GroupRef.extend({ ids: z.array(StreamId).min(1).max(10_000), consumer: Name, minIdleMs: z.number().int().min(0) }), z.object({ claimed: z.array(z.string()) })),
  /** What setting the group's last-delivered id would do; nothing changes. */
  'redis/plan-group-position': call(GroupRef.extend({ target: GroupTarget }), GroupPositionPlan),
  /** Sets the group's last-delivered id, if it is still where the preview found it (`expectFrom`). Audited; undone by setting `from` back. */
  'redis/set-group-position': call(
    GroupRef.extend({ id: z.union([StreamId, z.literal('0-0')]), expectFrom: z.string().min(1) }),
    z.object({ from: z.string(), to: z.string(), auditId: z.number().int() }),
  ),
  /**
   * Moves pending entries to `<stream>:dlq` with where they came from and why; each is written and
   * acknowledged in one transaction. Items: progress. Cancelling stops between entries. Audited.
   */
  'redis/dead-letter': stream(
    GroupRef.extend({ selection: PendingSelection, reason: z.string().trim().min(1, { message: 'Say why they are dead letters' }).max(500) }),
    z.object({ done: z.number().int(), total: z.number().int(), moved: z.number().int() }),
    DeadLetterMove,
  ),
  /** A queue's version, state counts, connected workers, global concurrency and rate limit. */
  'redis/queue': call(QueueRef, QueueInfo),
  /** Delayed jobs to waiting now, through BullMQ (`ids` null: all of them). Audited. */
  'redis/promote': call(
    QueueRef.extend({ ids: z.array(Name).min(1).max(10_000).nullable() }),
    z.object({ promoted: z.number().int(), failures: z.array(z.object({ id: z.string(), reason: z.string() })) }),
  ),
  /** Removes one job through BullMQ; `confirm` is its id typed again. Audited. */
  'redis/remove-job': call(QueueRef.extend({ id: Name, confirm: z.string() }), z.object({ state: z.string() })),
  /** Removes every job of a state through BullMQ; `confirm` is the queue's name typed again. Audited. */
  'redis/clean': call(QueueRef.extend({ state: CleanState, confirm: z.string() }), z.object({ removed: z.number().int() })),
  /** Searches a queue's jobs by id, name, text or a JSON condition on the data, failure reason and time added; hits stream as found, with progress. */
  'redis/search-jobs': stream(
    JobSearch,
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('hits'), records: z.array(Envelope) }),
      z.object({ kind: z.literal('progress'), scanned: z.number().int(), hits: z.number().int(), total: z.number().int() }),
    ]),
    JobSearchSummary,
  ),
} as const;
