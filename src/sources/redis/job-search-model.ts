import { z } from 'zod';

/** A search of a queue's jobs (browser-safe): each condition given must hold. */
export const JobSearch = z.object({
  connectionId: z.string().min(1),
  queue: z.string().min(1),
  states: z.array(z.enum(['waiting', 'active', 'paused', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'])).min(1),
  /** The job's id, exactly. */
  id: z.string().max(200).optional(),
  /** Part of the job's name, any case. */
  name: z.string().max(200).optional(),
  /** Text the job's data holds, as written (case-sensitive). */
  text: z.string().max(1_000).optional(),
  /** A condition on the data as JSON: `$.amount > 990`, `$.user.country == "DE"`. */
  json: z.string().max(1_000).optional(),
  /** Part of the failure reason, any case. */
  reason: z.string().max(1_000).optional(),
  /** When the job was added, from and to (ISO). */
  addedFrom: z.iso.datetime({ offset: true }).optional(),
  addedTo: z.iso.datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(10_000).default(500),
});
export type JobSearch = z.infer<typeof JobSearch>;

export const JobSearchSummary = z.object({
  scanned: z.number().int(),
  hits: z.number().int(),
  /** Jobs the states held when the search began. */
  total: z.number().int(),
  elapsedMs: z.number(),
  /** It stopped at the limit (more may match), or was cancelled, before looking at every job. */
  complete: z.boolean(),
});
export type JobSearchSummary = z.infer<typeof JobSearchSummary>;
