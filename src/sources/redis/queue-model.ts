import { z } from 'zod';

/** What crosses the API about one BullMQ (or Bull) queue and the actions on it (browser-safe). */

export const QueueWorker = z.object({
  /** The worker's client name (BullMQ names it after the queue; `:w:` and the worker's name when it has one). */
  name: z.string(),
  address: z.string(),
  /** Seconds since it connected, and since its last command. */
  ageSeconds: z.number().int(),
  idleSeconds: z.number().int(),
});

export const QueueInfo = z.object({
  queue: z.string(),
  layout: z.string(),
  paused: z.boolean(),
  counts: z.record(z.string(), z.number().int()),
  workers: z.array(QueueWorker),
  /** Why workers could not be listed (CLIENT LIST refused): the list is then empty for that reason, not because there are none. */
  workersUnknown: z.string().nullable(),
  /** BullMQ's global concurrency and rate limit (kept in `meta`), null when not set. */
  globalConcurrency: z.number().int().nullable(),
  rateLimit: z.object({ max: z.number().int(), durationMs: z.number().int() }).nullable(),
});
export type QueueInfo = z.infer<typeof QueueInfo>;

export const QueueRef = z.object({ connectionId: z.string().min(1), queue: z.string().min(1) });
export const CleanState = z.enum(['completed', 'failed', 'delayed', 'waiting', 'prioritized', 'paused']);
export type CleanState = z.infer<typeof CleanState>;
