// Redis through Rewind's adapter against the plain libraries, on the same data in the same run:
//
// - stream read: a 1,000,000-entry stream (fields `type` and a small JSON `data`, written with
//   ioredis pipelines, kept between runs), read to its end by the core's RedisAdapter (`read()` from
//   the start, every entry made into the envelope the records table shows) against a plain ioredis
//   XRANGE loop with the same page size (500) that does nothing with the entries. Rates compared.
// - failed page: a BullMQ queue holding 1,000,000 failed jobs (added with addBulk and failed by a
//   real BullMQ worker; kept between runs), its first page of 100 failed jobs as Rewind lists it
//   (`read()` of the queue's failed state, limit 100) against BullMQ's own
//   `queue.getJobs(['failed'], 0, 99)`. Times compared: Rewind's over BullMQ's.
//
// Runs alternate (and which goes first); medians are compared.
// Usage: node bench/redis.mjs [entries=1000000] [failedJobs=1000000]   (needs `bash scripts/redis.sh start`;
// its data goes to database 1 of the test Redis, REWIND_BENCH_REDIS_DB picks another)
// The last line is read by a check: `stream read Xx ioredis, failed page Yx bullmq`.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleCore } from './core-bundle.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const { Redis } = require('ioredis');
const { Queue, Worker } = require('bullmq');

const PORT = Number(process.env.REWIND_REDIS_PORT ?? 6390);
// Its own database: a million job keys in the tests' database would slow every listing there.
const DB = Number(process.env.REWIND_BENCH_REDIS_DB ?? 1);
const RUNS = 5;
const PAGE_RUNS = 21;
const entries = Number(process.argv[2] ?? 1_000_000);
const failedJobs = Number(process.argv[3] ?? 1_000_000);
const STREAM = `bench-stream-${entries}`;
const QUEUE = `bench-failed-${failedJobs}`;
const PREFIX = 'benchq';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const redis = new Redis({ port: PORT, host: '127.0.0.1', db: DB });

async function ensureStream() {
  if ((await redis.xlen(STREAM)) === entries) return;
  await redis.del(STREAM);
  const t0 = performance.now();
  for (let i = 0; i < entries; i += 5_000) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(entries, i + 5_000); j++) p.xadd(STREAM, '*', 'type', j % 2 ? 'OrderPlaced' : 'OrderPaid', 'data', `{"order":${j},"amount":${j % 1000}}`);
    await p.exec();
  }
  console.log(`wrote ${fmt(entries)} stream entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function ensureFailedQueue() {
  const connection = { host: '127.0.0.1', port: PORT, db: DB, maxRetriesPerRequest: null };
  const queue = new Queue(QUEUE, { connection, prefix: PREFIX });
  if ((await queue.getFailedCount()) >= failedJobs) return queue;
  await queue.obliterate({ force: true });
  const t0 = performance.now();
  for (let i = 0; i < failedJobs; i += 2_000) {
    await queue.addBulk(Array.from({ length: Math.min(2_000, failedJobs - i) }, (_, k) => ({ name: 'charge', data: { order: i + k, amount: (i + k) % 1000 }, opts: { attempts: 1 } })));
  }
  const worker = new Worker(
    QUEUE,
    async (job) => {
      throw new Error(`card ${job.data.order} declined`);
    },
    { connection, prefix: PREFIX, concurrency: 500 },
  );
  for (;;) {
    const failed = await queue.getFailedCount();
    if (failed >= failedJobs) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await worker.close();
  console.log(`a BullMQ worker failed ${fmt(failedJobs)} jobs in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return queue;
}

const { RedisAdapter } = bundleCore('redis', "export { RedisAdapter } from './src/sources/redis/redis-adapter';", { external: ['ioredis', 'bullmq'] });
const adapter = new RedisAdapter({ id: 'bench', kind: 'redis', name: 'bench', host: '127.0.0.1', port: PORT, tls: false, username: '', hasPassword: false, database: DB, prefix: PREFIX }, null);
const read = async (resource, limit) => {
  let n = 0;
  const summary = await adapter.read({
    target: { type: 'source', resource },
    from: { type: 'start' },
    limit,
    signal: new AbortController().signal,
    onBatch: (b) => (n += b.length),
    onProgress: () => undefined,
  });
  return { n, summary };
};

await ensureStream();
const queue = await ensureFailedQueue();
await adapter.listResources(new AbortController().signal);

// Stream read to the end.
const rewindStream = async () => {
  const t0 = performance.now();
  const { n } = await read(STREAM, entries);
  if (n !== entries) throw new Error(`Rewind read ${n} entries, not ${entries}`);
  return entries / ((performance.now() - t0) / 1000);
};
const plainStream = async () => {
  const t0 = performance.now();
  const client = new Redis({ port: PORT, host: '127.0.0.1', db: DB });
  let n = 0;
  let start = '-';
  for (;;) {
    const page = await client.xrange(STREAM, start, '+', 'COUNT', 500);
    n += page.length;
    if (page.length < 500) break;
    start = `(${page.at(-1)[0]}`;
  }
  client.disconnect();
  if (n !== entries) throw new Error(`ioredis read ${n} entries, not ${entries}`);
  return entries / ((performance.now() - t0) / 1000);
};
const streamRates = { rewind: [], ioredis: [] };
for (let r = 0; r < RUNS; r++) {
  for (const who of r % 2 ? ['ioredis', 'rewind'] : ['rewind', 'ioredis']) {
    const rate = who === 'rewind' ? await rewindStream() : await plainStream();
    streamRates[who].push(rate);
    console.log(`stream run ${r + 1} ${who.padEnd(7)} ${fmt(rate)} entries/s`);
  }
}

// The first page of 100 failed jobs.
const failedName = `${QUEUE} · failed`;
const rewindPage = async () => {
  const t0 = performance.now();
  const { n } = await read(failedName, 100);
  if (n !== 100) throw new Error(`Rewind listed ${n} failed jobs, not 100`);
  return performance.now() - t0;
};
const bullPage = async () => {
  const t0 = performance.now();
  const jobs = await queue.getJobs(['failed'], 0, 99);
  if (jobs.length !== 100) throw new Error(`BullMQ listed ${jobs.length} failed jobs, not 100`);
  return performance.now() - t0;
};
const pageTimes = { rewind: [], bullmq: [] };
for (let r = 0; r < PAGE_RUNS; r++) {
  for (const who of r % 2 ? ['bullmq', 'rewind'] : ['rewind', 'bullmq']) pageTimes[who].push(who === 'rewind' ? await rewindPage() : await bullPage());
}
// The first of each warms the connection and the script cache; the medians leave them out.
const pageRewind = median(pageTimes.rewind.slice(1));
const pageBull = median(pageTimes.bullmq.slice(1));

await adapter.close();
await queue.close();
redis.disconnect();
const streamRewind = median(streamRates.rewind);
const streamPlain = median(streamRates.ioredis);
console.log(`stream: Rewind ${fmt(streamRewind)} entries/s, ioredis ${fmt(streamPlain)} entries/s (medians of ${RUNS})`);
console.log(`failed page of 100 (of ${fmt(failedJobs)}): Rewind ${pageRewind.toFixed(1)} ms, BullMQ getJobs ${pageBull.toFixed(1)} ms (medians of ${PAGE_RUNS - 1})`);
console.log(`stream read ${(streamRewind / streamPlain).toFixed(2)}x ioredis, failed page ${(pageRewind / pageBull).toFixed(2)}x bullmq`);
