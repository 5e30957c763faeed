import type { Redis } from 'ioredis';
import type { Envelope } from '../../model/envelope';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import { RewindError } from '../../model/errors';
import { searchJobs } from './job-search';
import type { JobSearch, JobSearchSummary } from './job-search-model';
import { describeQueue } from './bull-queues';
import type { CleanState, QueueInfo } from './queue-model';
import { openLibrary, type JobLibrary } from './job-library';
import type { RedisConnection } from './redis-connection';

/**
 * What a user does to a queue beyond reading it, each through the library that wrote it (its Lua
 * scripts keep a job in exactly one state): promote delayed jobs, remove one job, clean a state.
 * The library's client is opened for the call and closed after it; the queue's meta is not touched.
 */
export class BullActions {
  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
    private readonly rules: () => readonly EnvelopeRule[],
  ) {}

  async info(queue: string): Promise<QueueInfo> {
    return this.connection.run(async (redis) => {
      const found = await describeQueue(redis, this.prefix, queue);
      if (!found.layout) throw new RewindError('unsupported', `Queue ${queue}: ${found.unknown}`);
      const base = `${this.prefix}:${queue}`;
      const [concurrency, max, duration] = await redis.hmget(`${base}:meta`, 'concurrency', 'max', 'duration');
      const { workers, unknown } = await this.workers(redis, queue);
      return {
        queue,
        layout: found.layout.label,
        paused: found.paused,
        counts: found.counts as Record<string, number>,
        workers,
        workersUnknown: unknown,
        globalConcurrency: concurrency ? Number(concurrency) : null,
        rateLimit: max && duration ? { max: Number(max), durationMs: Number(duration) } : null,
      };
    });
  }

  /** Moves delayed jobs to waiting now: the ones named, or all of them. Returns how many moved. */
  async promote(queue: string, ids: string[] | 'all'): Promise<{ promoted: number; failures: { id: string; reason: string }[] }> {
    return this.withLibrary(queue, async (library) => {
      if (ids === 'all') return { promoted: await library.promoteAll(), failures: [] };
      let promoted = 0;
      const failures: { id: string; reason: string }[] = [];
      for (const id of ids) {
        const result = await library.promote(id);
        if (result === 'promoted') promoted += 1;
        else failures.push({ id, reason: result === 'gone' ? 'no such job (removed, or never there)' : 'not delayed any more' });
      }
      return { promoted, failures };
    });
  }

  /** Removes one job (and, for a flow's parent, what its library removes with it). */
  async remove(queue: string, id: string): Promise<{ state: string }> {
    return this.withLibrary(queue, async (library) => {
      const state = await library.remove(id);
      if (state === null) throw new RewindError('not_found', `Queue ${queue} has no job ${id}`, 'Reload the list: it may have been removed already.');
      return { state };
    });
  }

  /** Removes every job of a state (the library's clean with no grace period), in batches; returns how many went. */
  async clean(queue: string, state: CleanState): Promise<{ removed: number }> {
    return this.withLibrary(queue, async (library) => ({ removed: await library.clean(state) }));
  }

  /** Every job of the states asked that matches, hits streamed as found (BullMQ has no search of its own). */
  async search(search: JobSearch, signal: AbortSignal, out: { hits(records: Envelope[]): void; progress(scanned: number, hits: number, total: number): void }): Promise<JobSearchSummary> {
    return this.connection.run(async (redis) => {
      const found = await describeQueue(redis, this.prefix, search.queue);
      if (!found.layout) throw new RewindError('unsupported', `Queue ${search.queue}: ${found.unknown}`);
      return searchJobs(redis, this.prefix, found.layout, search, this.rules(), signal, out);
    });
  }

  private async workers(redis: Redis, queue: string): Promise<{ workers: QueueInfo['workers']; unknown: string | null }> {
    const name = `${this.prefix}:${Buffer.from(queue).toString('base64')}`;
    let list: string;
    try {
      list = (await redis.call('CLIENT', 'LIST')) as string;
    } catch (e) {
      return { workers: [], unknown: `the server would not list its clients (${(e as Error).message})` };
    }
    const workers: QueueInfo['workers'] = [];
    for (const line of list.split('\n')) {
      const f = Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      const client = f['name'] ?? '';
      if (client === name || client.startsWith(`${name}:w:`)) workers.push({ name: client, address: f['addr'] ?? '', ageSeconds: Number(f['age'] ?? 0), idleSeconds: Number(f['idle'] ?? 0) });
    }
    return { workers, unknown: null };
  }

  private async withLibrary<T>(queue: string, fn: (library: JobLibrary) => Promise<T>): Promise<T> {
    const found = await this.connection.run((redis) => describeQueue(redis, this.prefix, queue));
    if (!found.layout) throw new RewindError('unsupported', `Queue ${queue}: ${found.unknown}`, 'Rewind does not act on a layout it does not know.');
    const library = openLibrary(this.connection, this.prefix, queue, found.layout.family);
    try {
      return await fn(library);
    } catch (e) {
      throw this.connection.classify(e);
    } finally {
      await library.close();
    }
  }
}
