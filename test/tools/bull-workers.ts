/**
 * Queues written by the real libraries, never by Rewind: BullMQ (the current one and older majors
 * installed side by side as npm aliases) and Bull 4. Workers fail the jobs a test says, with the
 * library's own failure bookkeeping (failedReason, stack trace, attempts).
 */
import Bull from 'bull';
import * as bullmq6 from 'bullmq';
import * as bullmq3 from 'bullmq-v3';
import * as bullmq4 from 'bullmq-v4';
import * as bullmq5 from 'bullmq-v5';

export const REDIS_PORT = Number(process.env.REWIND_REDIS_PORT ?? 6390);
export type Library = 'bullmq' | 'bullmq-v5' | 'bullmq-v4' | 'bullmq-v3' | 'bull';
export const LIBRARIES: Library[] = ['bullmq', 'bullmq-v5', 'bullmq-v4', 'bullmq-v3', 'bull'];

type Processor = (job: { id?: string | number; name: string; data: Record<string, unknown> }) => Promise<unknown>;

export interface TestQueue {
  add(name: string, data: Record<string, unknown>, opts?: { delay?: number; attempts?: number; priority?: number }): Promise<string>;
  addBulk(jobs: { name: string; data: Record<string, unknown> }[]): Promise<void>;
  /** Runs a worker until `until` holds (checked on the library's own counts), then stops it. */
  work(processor: Processor, until: (counts: Record<string, number>) => boolean, timeoutMs?: number): Promise<Record<string, number>>;
  counts(): Promise<Record<string, number>>;
  pause(): Promise<void>;
  close(): Promise<void>;
}

const connection = () => ({ host: '127.0.0.1', port: REDIS_PORT, maxRetriesPerRequest: null });
const mods = { bullmq: bullmq6, 'bullmq-v5': bullmq5, 'bullmq-v4': bullmq4, 'bullmq-v3': bullmq3 } as const;

async function waitFor(check: () => Promise<Record<string, number>>, until: (c: Record<string, number>) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await check();
    if (until(c)) return c;
    if (Date.now() > deadline) throw new Error(`the worker did not get there in ${timeoutMs} ms: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function openQueue(library: Library, name: string, prefix: string): TestQueue {
  if (library === 'bull') return bullQueue(name, prefix);
  const m = mods[library] as typeof bullmq6;
  const queue = new m.Queue(name, { connection: connection(), prefix });
  const counts = async () => (await queue.getJobCounts()) as Record<string, number>;
  return {
    async add(jobName, data, opts) {
      return String((await queue.add(jobName, data, { attempts: 1, ...opts })).id);
    },
    async addBulk(jobs) {
      await queue.addBulk(jobs.map((j) => ({ ...j, opts: { attempts: 1 } })));
    },
    async work(processor, until, timeoutMs = 30_000) {
      const worker = new m.Worker(name, (job) => processor(job as never), { connection: connection(), prefix, concurrency: 20 });
      worker.on('error', () => undefined);
      try {
        return await waitFor(counts, until, timeoutMs);
      } finally {
        await worker.close();
      }
    },
    counts,
    pause: () => queue.pause(),
    close: () => queue.close(),
  };
}

function bullQueue(name: string, prefix: string): TestQueue {
  const queue = new Bull(name, { redis: { host: '127.0.0.1', port: REDIS_PORT }, prefix });
  const counts = async () => (await queue.getJobCounts()) as unknown as Record<string, number>;
  return {
    async add(jobName, data, opts) {
      return String((await queue.add(jobName, data, { attempts: 1, ...opts })).id);
    },
    async addBulk(jobs) {
      await queue.addBulk(jobs.map((j) => ({ ...j, opts: { attempts: 1 } })));
    },
    async work(processor, until, timeoutMs = 30_000) {
      // Bull's process() cannot be stopped alone: the queue is closed and opened again for the next worker.
      const worker = new Bull(name, { redis: { host: '127.0.0.1', port: REDIS_PORT }, prefix });
      void worker.process('*', 20, (job) => processor(job as never));
      try {
        return await waitFor(counts, until, timeoutMs);
      } finally {
        await worker.close();
      }
    },
    counts,
    pause: () => queue.pause(),
    close: () => queue.close(),
  };
}
