import type { Redis } from 'ioredis';
import type { Envelope } from '../../model/envelope';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import { RewindError } from '../../model/errors';
import { ConditionError, holds, parseJsonCondition, type JsonCondition } from '../../model/json-condition';
import { throwIfAborted } from '../source-adapter';
import type { QueueLayout, StateKey } from './bull-layout';
import { jobToEnvelope, type JobHash } from './bull-job';
import { jobIdsAt, loadJobs } from './bull-queues';
import type { JobSearch, JobSearchSummary } from './job-search-model';
import { stateCount } from './queue-read';
import { stateName } from './redis-catalogue';

const PAGE = 200;

/** Where a job stands in a state, in the order Rewind shows it; null when it is not there. */
async function placeOf(redis: Redis, key: string, state: StateKey, id: string): Promise<number | null> {
  if (state.type === 'zset') return state.order === 'newest' ? redis.zrevrank(key, id) : redis.zrank(key, id);
  const at = (await redis.call('LPOS', key, id)) as number | null;
  return at === null ? null : (await redis.llen(key)) - 1 - at;
}

/** The search as one test of a job's hash; what it looks at is read from the hash as Redis holds it. */
function compile(search: JobSearch): (job: JobHash) => boolean {
  const checks: ((job: JobHash) => boolean)[] = [];
  if (search.id) checks.push((j) => j.id === search.id);
  if (search.name) {
    const name = search.name.toLowerCase();
    checks.push((j) => (j.fields['name'] ?? '').toLowerCase().includes(name));
  }
  if (search.text) {
    const text = search.text;
    checks.push((j) => (j.fields['data'] ?? '').includes(text));
  }
  if (search.reason) {
    const reason = search.reason.toLowerCase();
    checks.push((j) => (j.fields['failedReason'] ?? '').toLowerCase().includes(reason));
  }
  const from = search.addedFrom ? Date.parse(search.addedFrom) : null;
  const to = search.addedTo ? Date.parse(search.addedTo) : null;
  if (from !== null || to !== null) {
    checks.push((j) => {
      const t = Number(j.fields['timestamp']);
      return Number.isFinite(t) && (from === null || t >= from) && (to === null || t <= to);
    });
  }
  if (search.json) {
    let condition: JsonCondition;
    try {
      condition = parseJsonCondition(search.json);
    } catch (e) {
      throw new RewindError('invalid_input', `The JSON condition does not read: ${e instanceof ConditionError ? e.message : String(e)}`, 'Write it as $.path op value, such as $.amount > 990.');
    }
    checks.push((j) => {
      const data = j.fields['data'];
      if (data === undefined) return false;
      try {
        return holds(condition, JSON.parse(data));
      } catch {
        return false;
      }
    });
  }
  return (job) => checks.every((c) => c(job));
}

/**
 * Looks at every job of the states asked (BullMQ has no search of its own: the job hashes are
 * read, a page at a time), sending hits as they are found with the progress, until the limit or
 * the end. Hits are envelopes of the state's resource, at their place in it.
 */
export async function searchJobs(
  redis: Redis,
  prefix: string,
  layout: QueueLayout,
  search: JobSearch,
  rules: readonly EnvelopeRule[],
  signal: AbortSignal,
  out: { hits(records: Envelope[]): void; progress(scanned: number, hits: number, total: number): void },
): Promise<JobSearchSummary> {
  const started = performance.now();
  const test = compile(search);
  const base = `${prefix}:${search.queue}`;
  const states = layout.states.filter((s) => search.states.includes(s.state));
  const totals = await Promise.all(states.map((s) => stateCount(redis, `${base}:${s.suffix}`, s)));
  const total = totals.reduce((a, b) => a + b, 0);
  let scanned = 0;
  let hits = 0;
  if (search.id) {
    // One job: found by its hash, and in a state asked for by where it stands in that state.
    const job = (await loadJobs(redis, base, [search.id]))[0]?.job ?? null;
    scanned = 1;
    for (const state of states) {
      const place = job ? await placeOf(redis, `${base}:${state.suffix}`, state, job.id) : null;
      if (job && place !== null && test(job)) {
        hits = 1;
        out.hits([jobToEnvelope(job, stateName(search.queue, state.state), String(place), undefined, rules)]);
        break;
      }
    }
    out.progress(scanned, hits, total);
    return { scanned, hits, total, elapsedMs: performance.now() - started, complete: true };
  }
  for (const [i, state] of states.entries()) {
    for (let place = 0; place < totals[i]!; place += PAGE) {
      throwIfAborted(signal);
      if (hits >= search.limit) return { scanned, hits, total, elapsedMs: performance.now() - started, complete: false };
      const ids = await jobIdsAt(redis, `${base}:${state.suffix}`, state, place, PAGE);
      if (ids.length === 0) break;
      const found: Envelope[] = [];
      for (const [k, { job }] of (await loadJobs(redis, base, ids)).entries()) {
        scanned += 1;
        if (job && test(job) && hits < search.limit) {
          hits += 1;
          found.push(jobToEnvelope(job, stateName(search.queue, state.state), String(place + k), undefined, rules));
        }
      }
      if (found.length) out.hits(found);
      out.progress(scanned, hits, total);
    }
  }
  return { scanned, hits, total, elapsedMs: performance.now() - started, complete: true };
}
