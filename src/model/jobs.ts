import { z } from 'zod';

/** Where the jobs panel's Open goes: the view the job belongs to. */
export const JobPlace = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('topic'), connectionId: z.string(), topic: z.string() }),
  z.object({ kind: z.literal('subscription'), connectionId: z.string(), name: z.string() }),
  z.object({ kind: z.literal('read-models'), name: z.string() }),
  z.object({ kind: z.literal('dead-letters') }),
  z.object({ kind: z.literal('groups'), connectionId: z.string() }),
  z.object({ kind: z.literal('projection') }),
  /** A read of a queue, stream or the store: the resource's tab, by its type and name in the sidebar. */
  z.object({ kind: z.literal('records'), connectionId: z.string(), resourceType: z.string(), name: z.string() }),
  /** A conversation's trace: its tab, attached to the job. */
  z.object({ kind: z.literal('trace') }),
  /** An event catalogue: its tab, attached to the job. */
  z.object({ kind: z.literal('catalogue') }),
  z.object({ kind: z.literal('none') }),
]);
export type JobPlace = z.infer<typeof JobPlace>;

/** A long operation as the jobs panel shows it. The core owns it; a renderer only watches. */
export const Job = z.object({
  id: z.string(),
  method: z.string(),
  title: z.string(),
  place: JobPlace,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** Keeps running when the view that started it closes (a search, a catch-up, a redrive). */
  survivesClose: z.boolean(),
  /** True while no view is attached: when it ends, the panel leaves a notice. */
  detached: z.boolean(),
  done: z.number(),
  total: z.number().nullable(),
  exact: z.boolean(),
  /** Items (or events) per second over the run so far; null before there is a rate to speak of. */
  rate: z.number().nullable(),
  etaMs: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** One sentence: what it found or did, or why it failed. */
  outcome: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;
