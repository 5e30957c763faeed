import type { Redis } from 'ioredis';
import { RewindError, toApiError } from '../../model/errors';
import type { DeadLetter } from '../../model/dead-letters';
import type { z } from 'zod';
import type { PlanRow, RedriveFailure, RedrivePlan, RedriveProgress } from '../../model/redrive';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import { sleep, type RedriveRequest, type SourceRedriveOutcome } from '../source-adapter';
import { jobDeath, jobToEnvelope } from './bull-job';
import { loadJobs } from './bull-queues';
import type { QueueLayout } from './bull-layout';
import { openLibrary } from './job-library';
import type { RedisConnection } from './redis-connection';

/** What retrying needs from its adapter: the connection, the prefix, and the envelope rules. */
export interface RetryContext {
  connection: RedisConnection;
  prefix: string;
  rules(): readonly EnvelopeRule[];
}

/** A queue's failed state, as the dead-letter view points at it. */
export interface FailedJobs {
  /** The resource's name, as the view shows it. */
  name: string;
  queue: string;
  /** Which library wrote the queue: the one that retries its jobs. */
  family: QueueLayout['family'];
}

/** The most rows a dry run lists; the count covers them all. */
const PLAN_ROWS = 2_000;

/**
 * A BullMQ queue's failed jobs are its dead letters. Retrying goes through BullMQ's own
 * `Job.retry('failed')` (its Lua script moves the job back to waiting atomically), so a job is
 * never in two states and never lost; a job that left the failed state meanwhile is named, not moved.
 */
export class BullDeadLetters {
  constructor(private readonly ctx: RetryContext) {}

  async peek(failed: FailedJobs, limit: number) {
    const { queue, key, base } = this.keys(failed);
    return this.ctx.connection.run(async (redis) => {
      const ids = await redis.zrevrange(key, 0, limit - 1);
      const depth = await redis.zcard(key);
      const messages: DeadLetter[] = [];
      for (const [i, { job, logs }] of (await loadJobs(redis, base, ids, true)).entries()) {
        if (job) messages.push({ id: job.id, envelope: jobToEnvelope(job, failed.name, String(i), undefined, this.ctx.rules(), logs), death: jobDeath(job, queue) });
      }
      return {
        messages,
        depth: { value: depth, exact: true },
        note: `Failed jobs of queue ${queue}, newest first. Retrying moves them back to waiting through BullMQ (Job.retry): a worker runs them again.`,
      };
    });
  }

  async plan(failed: FailedJobs, request: RedriveRequest): Promise<RedrivePlan> {
    this.onlyRetry(request);
    const { queue, key } = this.keys(failed);
    return this.ctx.connection.run(async (redis) => {
      const ids = await this.selected(redis, key, request);
      const shown = ids.slice(0, PLAN_ROWS);
      const scores = shown.length ? await redis.zmscore(key, ...shown) : [];
      const rows: PlanRow[] = shown.map((id, i) => ({
        id,
        where: `job ${id}`,
        messageId: id,
        target: `waiting in ${queue}`,
        routes: [queue],
        problem: scores[i] === null ? 'no longer failed: retried or removed since it was listed' : null,
        redrivenBefore: null,
      }));
      const movable = rows.filter((r) => r.problem === null).length;
      return {
        rows,
        perTarget: [{ target: `waiting in ${queue}`, count: ids.length, routes: [queue], problem: null }],
        total: ids.length,
        movable,
        repeated: 0,
        note: `${ids.length} failed job${ids.length === 1 ? '' : 's'} would go back to waiting in ${queue} (BullMQ's Job.retry); a worker then runs ${ids.length === 1 ? 'it' : 'them'} again with ${ids.length === 1 ? 'its' : 'their'} data as it is.`,
      };
    });
  }

  async redrive(failed: FailedJobs, request: RedriveRequest, run: { signal: AbortSignal; onProgress(p: RedriveProgress): void }): Promise<SourceRedriveOutcome> {
    this.onlyRetry(request);
    const { queue: name, key } = this.keys(failed);
    let ids = await this.ctx.connection.run((redis) => this.selected(redis, key, request));
    // "All" means what the user confirmed in the dry run, not what failed since.
    if ('all' in request.selection && request.confirmedCount !== undefined) ids = ids.slice(0, request.confirmedCount);
    const library = openLibrary(this.ctx.connection, this.ctx.prefix, name, failed.family);
    const failures: z.infer<typeof RedriveFailure>[] = [];
    const movedIds: string[] = [];
    let looked = 0;
    let uncertain = 0;
    const inBothPlaces: z.infer<typeof RedriveFailure>[] = [];
    let stoppedBy: SourceRedriveOutcome['stoppedBy'] = 'done';
    let error: SourceRedriveOutcome['error'] = null;
    const gap = request.options.ratePerSecond ? 1_000 / request.options.ratePerSecond : 0;
    const report = () => run.onProgress({ looked, moved: movedIds.length, failed: failures.length, total: ids.length, inFlight: 0 });
    report();
    try {
      for (const id of ids) {
        if (run.signal.aborted) {
          stoppedBy = 'cancelled';
          break;
        }
        looked += 1;
        try {
          const result = await library.retry(id);
          if (result === 'retried') movedIds.push(id);
          else failures.push({ where: `job ${id}`, messageId: id, reason: result === 'gone' ? 'removed since it was listed' : 'no longer failed: retried or removed since it was listed' });
        } catch (e) {
          const api = toApiError(this.ctx.connection.classify(e));
          if (api.code === 'network' || api.code === 'timeout') {
            // The script may or may not have run before the connection went: its state says, and is not guessed.
            uncertain += 1;
            inBothPlaces.push({ where: `job ${id}`, messageId: id, reason: `the connection dropped while it was retried: look at its state (${api.message})` });
            stoppedBy = 'error';
            error = api;
            break;
          }
          failures.push({ where: `job ${id}`, messageId: id, reason: api.message });
        }
        if (looked % 20 === 0) report();
        if (gap) await sleep(gap, run.signal);
      }
    } finally {
      await library.close();
    }
    report();
    return { looked, moved: movedIds.length, failures, duplicates: 0, uncertain, inBothPlaces, stoppedBy, error, movedIds };
  }

  private keys(failed: FailedJobs): { queue: string; key: string; base: string } {
    const base = `${this.ctx.prefix}:${failed.queue}`;
    return { queue: failed.queue, key: `${base}:failed`, base };
  }

  private onlyRetry(request: RedriveRequest): void {
    if (request.target.kind !== 'origin') throw new RewindError('invalid_input', 'Failed jobs go back to waiting in their own queue');
  }

  /** The ids picked, or every failed job now, newest first. */
  private async selected(redis: Redis, key: string, request: RedriveRequest): Promise<string[]> {
    return 'ids' in request.selection ? [...new Set(request.selection.ids)] : redis.zrevrange(key, 0, -1);
  }
}
