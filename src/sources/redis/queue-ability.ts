import type { Envelope } from '../../model/envelope';
import type { JobSearch, JobSearchSummary } from './job-search-model';
import type { CleanState, QueueInfo } from './queue-model';

/** A BullMQ queue's facts and the actions beyond retrying: promote, remove, clean. */
export interface RedisQueueAbility {
  info(queue: string): Promise<QueueInfo>;
  promote(queue: string, ids: string[] | 'all'): Promise<{ promoted: number; failures: { id: string; reason: string }[] }>;
  remove(queue: string, id: string): Promise<{ state: string }>;
  clean(queue: string, state: CleanState): Promise<{ removed: number }>;
  search(search: JobSearch, signal: AbortSignal, out: { hits(records: Envelope[]): void; progress(scanned: number, hits: number, total: number): void }): Promise<JobSearchSummary>;
}
