import type { Redis } from 'ioredis';
import { RewindError } from '../../model/errors';
import type { ReadStart } from '../../model/resources';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import { throwIfAborted, type ReadOptions } from '../source-adapter';
import type { StateKey } from './bull-layout';
import { jobToEnvelope } from './bull-job';
import { jobIdsAt, loadJobs, waitingFor } from './bull-queues';

const PAGE = 100;

/** How many jobs a state holds now. */
export async function stateCount(redis: Redis, key: string, state: StateKey): Promise<number> {
  return state.type === 'list' ? redis.llen(key) : redis.zcard(key);
}

/** The first place a read of a state shows: jobs are read by their place in the state's order, not by time. */
function firstPlace(from: ReadStart, total: number, limit: number): number {
  if (from.type === 'start') return 0;
  if (from.type === 'last') return Math.max(0, total - limit);
  if (from.type === 'position' && /^\d+$/.test(from.value)) return Number(from.value);
  if (from.type === 'time') throw new RewindError('unsupported', 'Jobs are read by their place in the state, not by a time', 'Read from the start, or type a place such as 0 or 100.');
  throw new RewindError('invalid_input', `"${from.type === 'position' ? from.value : ''}" is not a place in the state`, 'Type a place such as 0 or 100 (0 is the first job shown).');
}

/**
 * Reads the jobs of one state of a queue in the state's own order (the next to run first, the
 * newest failure first), a page at a time; each job's place is its position.
 */
export async function readState(redis: Redis, base: string, resource: string, state: StateKey, options: ReadOptions, rules: readonly EnvelopeRule[]) {
  const key = `${base}:${state.suffix}`;
  const total = await stateCount(redis, key, state);
  let place = firstPlace(options.from, total, options.limit);
  const end = Math.min(total, place + options.limit);
  let count = 0;
  const notes: string[] = [];
  let gone = 0;
  while (place < end) {
    throwIfAborted(options.signal);
    const ids = await jobIdsAt(redis, key, state, place, Math.min(PAGE, end - place));
    if (ids.length === 0) break;
    const jobs = await loadJobs(redis, base, ids, true);
    const envelopes = [];
    for (const [i, { job, logs }] of jobs.entries()) {
      if (job === null) gone += 1;
      else {
        const envelope = jobToEnvelope(job, resource, String(place + i), options.previewBytes, rules, logs);
        // A flow's parent says which children it still waits for, and which of them failed.
        if (state.state === 'waiting-children') for (const child of await waitingFor(redis, base, job.id)) envelope.headers.push({ name: 'waiting for', value: child });
        envelopes.push(envelope);
      }
    }
    place += ids.length;
    count += envelopes.length;
    options.onBatch(envelopes);
    options.onProgress({ done: count, total: end - firstPlace(options.from, total, options.limit), exact: false });
  }
  // Jobs move between states while they are read: one that left is skipped, and said.
  if (gone) notes.push(`${gone} job${gone === 1 ? '' : 's'} left this state or were removed while it was read`);
  return { count, next: place < total ? String(place) : null, end: String(total), ...(notes.length ? { notes } : {}) };
}
