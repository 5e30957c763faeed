import Bull from 'bull';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { RewindError } from '../../model/errors';
import type { QueueLayout } from './bull-layout';
import type { CleanState } from './queue-model';
import type { RedisConnection } from './redis-connection';

/** What changes a job, done by the library that wrote the queue (its own Lua scripts), never by hand. */
export interface JobLibrary {
  retry(id: string): Promise<'retried' | 'gone' | 'not-failed'>;
  promote(id: string): Promise<'promoted' | 'gone' | 'not-delayed'>;
  promoteAll(): Promise<number>;
  /** The state the job was in, or null when there was no such job. */
  remove(id: string): Promise<string | null>;
  clean(state: CleanState): Promise<number>;
  close(): Promise<void>;
}

const BULLMQ_CLEAN = { completed: 'completed', failed: 'failed', delayed: 'delayed', waiting: 'wait', prioritized: 'prioritized', paused: 'paused' } as const;
const BULL_CLEAN = { completed: 'completed', failed: 'failed', delayed: 'delayed', waiting: 'wait', prioritized: 'wait', paused: 'paused' } as const;

const CLEAN_BATCH = 10_000;

/** Removes a job that no worker holds; its state before, or null when there was no such job. */
async function removeIdle(id: string, job: { getState(): Promise<string>; remove(): Promise<void> } | null | undefined): Promise<string | null> {
  if (!job) return null;
  const state = await job.getState();
  if (state === 'active') throw new RewindError('conflict', `Job ${id} is being processed by a worker`, 'Wait until it finishes or fails, then remove it.');
  await job.remove();
  return state;
}

/** A library's clean, batch after batch until one comes back short. */
async function cleanAll(batch: () => Promise<number>): Promise<number> {
  let removed = 0;
  for (;;) {
    const n = await batch();
    removed += n;
    if (n < CLEAN_BATCH) return removed;
  }
}

/**
 * The library for a queue's layout: BullMQ for BullMQ queues (with `skipMetasUpdate`, so the
 * queue's meta keeps the version its app wrote), Bull for Bull's (BullMQ's scripts would add
 * BullMQ's meta and events to a Bull queue).
 */
export function openLibrary(connection: RedisConnection, prefix: string, queue: string, family: QueueLayout['family']): JobLibrary {
  // A command fails once the server is gone (after the connection's few reconnects), never waits for ever.
  const options = { ...connection.options(), lazyConnect: false, maxRetriesPerRequest: 1 };
  return family === 'bull' ? bullLibrary(options, prefix, queue) : bullmqLibrary(options, prefix, queue);
}

function bullmqLibrary(options: RedisOptions, prefix: string, name: string): JobLibrary {
  const client = new Redis(options);
  client.on('error', () => undefined);
  const q = new Queue(name, { connection: client, prefix, skipMetasUpdate: true, skipVersionCheck: true });
  q.on('error', () => undefined);
  return {
    async retry(id) {
      const job = await q.getJob(id);
      if (!job) return 'gone';
      try {
        await job.retry('failed');
        return 'retried';
      } catch (e) {
        if (/not in the failed state|-3\b/i.test((e as Error).message)) return 'not-failed';
        throw e;
      }
    },
    async promote(id) {
      const job = await q.getJob(id);
      if (!job) return 'gone';
      try {
        await job.promote();
        return 'promoted';
      } catch (e) {
        if (/not in the delayed state|-3\b/i.test((e as Error).message)) return 'not-delayed';
        throw e;
      }
    },
    async promoteAll() {
      const before = await q.getDelayedCount();
      await q.promoteJobs({ count: 1_000 });
      return before - (await q.getDelayedCount());
    },
    remove: async (id) => removeIdle(id, await q.getJob(id)),
    clean: (state) => cleanAll(async () => (await q.clean(0, CLEAN_BATCH, BULLMQ_CLEAN[state])).length),
    async close() {
      await q.close().catch(() => undefined);
      client.disconnect();
    },
  };
}

function bullLibrary(options: RedisOptions, prefix: string, name: string): JobLibrary {
  const clients: Redis[] = [];
  // Bull makes its clients through this; each is closed with the queue.
  const createClient = (type: string) => {
    // Bull refuses a blocking or subscribing client that retries or checks readiness; Rewind's calls use the plain client.
    const c = new Redis({ ...options, ...(type === 'client' ? {} : { enableReadyCheck: false, maxRetriesPerRequest: null }) });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const q = new Bull(name, { prefix, createClient: createClient as never });
  q.on('error', () => undefined);
  return {
    async retry(id) {
      const job = await q.getJob(id);
      if (!job) return 'gone';
      try {
        await job.retry();
        return 'retried';
      } catch (e) {
        if (/already retried or has not failed/i.test((e as Error).message)) return 'not-failed';
        throw e;
      }
    },
    async promote(id) {
      const job = await q.getJob(id);
      if (!job) return 'gone';
      try {
        await job.promote();
        return 'promoted';
      } catch (e) {
        if (/not in a delayed state/i.test((e as Error).message)) return 'not-delayed';
        throw e;
      }
    },
    async promoteAll() {
      let promoted = 0;
      for (const job of await q.getDelayed()) {
        await job.promote();
        promoted += 1;
      }
      return promoted;
    },
    remove: async (id) => removeIdle(id, await q.getJob(id)),
    clean: (state) => cleanAll(async () => (await q.clean(0, BULL_CLEAN[state] as 'completed', CLEAN_BATCH)).length),
    async close() {
      await q.close().catch(() => undefined);
      for (const c of clients) c.disconnect();
    },
  };
}
