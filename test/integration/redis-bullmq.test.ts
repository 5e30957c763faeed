import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import type { Resource } from '../../src/model/resources';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { LIBRARIES, openQueue, REDIS_PORT, type Library } from '../tools/bull-workers';
import { inMemoryClient } from './in-memory-client';

/**
 * BullMQ and Bull queues as their own libraries wrote them, read through the API: each version's
 * layout, failed jobs as dead letters with why they died, retried by Rewind and then completed by
 * a real worker of that version.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let redis: Redis;
let connectionId: string;
const prefix = `rw${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-redis-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  redis = new Redis(REDIS_PORT, '127.0.0.1');
  const saved = await client.call('connections/save', { kind: 'redis', name: 'test redis', host: '127.0.0.1', port: REDIS_PORT, tls: false, username: '', database: 0, prefix });
  connectionId = saved.id;
});
afterAll(async () => {
  await context.close();
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function resources(): Promise<Extract<Resource, { type: 'source' }>[]> {
  const listed = await client.call('resources/list', { connectionId });
  return listed.resources.filter((r): r is Extract<Resource, { type: 'source' }> => r.type === 'source');
}

async function read(resource: string, from: { type: 'start' } | { type: 'last' } | { type: 'position'; value: string } | { type: 'time'; value: string }, limit: number) {
  const rows: Envelope[] = [];
  const summary = await client.stream('records/read', { connectionId, target: { type: 'source', resource }, from, limit }, { onBatch: (items) => rows.push(...items) });
  return { rows, summary };
}

const header = (e: Envelope, name: string) => e.headers.find((h) => h.name === name)?.value ?? null;

const FAILING = (job: { name: string; data: Record<string, unknown> }) => {
  const n = Number(job.data['order']);
  if (n % 3 === 0) throw new Error(`card 4000${n} declined for order ${n}`);
  if (n % 3 === 1) throw new TypeError(`Cannot read properties of undefined (reading 'sku${n}')`);
  return Promise.resolve({ charged: n });
};

const EXPECTED_LAYOUT: Record<Library, RegExp> = {
  bullmq: /^BullMQ 6\./,
  'bullmq-v5': /^BullMQ 5\./,
  'bullmq-v4': /^BullMQ 4\./,
  'bullmq-v3': /^BullMQ 3\./,
  bull: /^Bull \(no meta\.version/,
};

describe.each(LIBRARIES)('a queue written by %s', (library) => {
  const name = `orders-${library}`;
  it('is found with its version, its counts per state, and its failed jobs as dead letters that say why', async () => {
    const queue = openQueue(library, name, prefix);
    try {
      await queue.addBulk(Array.from({ length: 30 }, (_, i) => ({ name: i % 2 ? 'charge' : 'refund', data: { order: i, amount: i * 10 } })));
      await queue.add('later', { order: 99 }, { delay: 3_600_000 });
      const counts = await queue.work(FAILING, (c) => c['failed'] === 20 && c['completed'] === 10);
      expect(counts).toMatchObject({ failed: 20, completed: 10, delayed: 1 });

      const mine = (await resources()).filter((r) => r.name.startsWith(`${name} · `));
      expect(mine.length).toBeGreaterThan(0);
      const group = mine[0]!.group!;
      expect(group.slice(name.length + 2)).toMatch(EXPECTED_LAYOUT[library]);
      const count = (state: string) => mine.find((r) => r.name === `${name} · ${state}`)?.items?.value;
      expect([count('failed'), count('completed'), count('delayed'), count('waiting')]).toEqual([20, 10, 1, 0]);
      expect(mine.find((r) => r.name === `${name} · failed`)?.deadLetter).toBe(true);

      // The failed state in the records table: newest first, with the data as the value and the reason as a field.
      const failed = await read(`${name} · failed`, { type: 'start' }, 100);
      expect(failed.rows).toHaveLength(20);
      expect(failed.summary.next).toBeNull();
      const orders = failed.rows.map((r) => (JSON.parse(r.payload.kind === 'json' ? r.payload.text : '{}') as { order: number }).order);
      expect(orders.every((o) => o % 3 !== 2)).toBe(true);
      const first = failed.rows.find((r) => r.payload.kind === 'json' && JSON.parse(r.payload.text).order === 3)!;
      expect(first.type).toBe('charge');
      expect(header(first, 'failed reason')).toBe('card 40003 declined for order 3');
      expect(header(first, 'attempts made')).toBe('1');
      expect(header(first, 'stack trace')).toContain('Error: card 40003 declined');
      const finished = failed.rows.map((r) => header(r, 'finished')!);
      expect([...finished].sort().reverse()).toEqual(finished);

      // Paging: two of ten, the second page going on from the first's next.
      const p1 = await read(`${name} · failed`, { type: 'start' }, 10);
      const p2 = await read(`${name} · failed`, { type: 'position', value: p1.summary.next! }, 10);
      expect([...p1.rows, ...p2.rows].map((r) => r.key)).toEqual(failed.rows.map((r) => r.key));

      const listed = await client.call('dead-letters/list', {});
      const source = listed.sources.find((s) => s.connectionId === connectionId && s.ref.name === `${name} · failed`);
      expect(source?.depth).toEqual({ value: 20, exact: true });
      const peek = await client.call('dead-letters/peek', { connectionId, ref: source!.ref, limit: 100 });
      expect(peek.messages).toHaveLength(20);
      const reasons = new Set(peek.messages.map((m) => m.death.reason?.replace(/\d+/g, '#')));
      expect(reasons).toEqual(new Set(['card # declined for order #', "Cannot read properties of undefined (reading 'sku#')"]));
      expect(peek.messages.find((m) => m.death.reason?.startsWith('Cannot'))?.death.kafka?.exceptionClass).toBe('TypeError');
    } finally {
      await queue.close();
    }
  });

  it('has its failed jobs retried by Rewind (one group, then the rest) and completed by a real worker of its version', async () => {
    const queue = openQueue(library, name, prefix);
    try {
      const ref = { type: 'source' as const, name: `${name} · failed` };
      const peek = await client.call('dead-letters/peek', { connectionId, ref, limit: 100 });
      const typeErrors = peek.messages.filter((m) => m.death.kafka?.exceptionClass === 'TypeError').map((m) => m.id);
      expect(typeErrors).toHaveLength(10);
      const plan = await client.call('dead-letters/plan', { connectionId, ref, selection: { ids: typeErrors }, target: { kind: 'origin' }, options: {} });
      expect(plan).toMatchObject({ total: 10, movable: 10 });
      const outcome = await client.stream(
        'dead-letters/redrive',
        { connectionId, ref, selection: { ids: typeErrors }, target: { kind: 'origin' }, options: {}, confirmedCount: 10 },
        { onBatch: () => undefined },
      );
      expect(outcome).toMatchObject({ looked: 10, moved: 10, failures: [], stoppedBy: 'done' });
      expect(await queue.counts()).toMatchObject({ failed: 10, waiting: 10 });
      // A job already retried is named, not moved twice.
      const again = await client.stream(
        'dead-letters/redrive',
        { connectionId, ref, selection: { ids: typeErrors.slice(0, 2) }, target: { kind: 'origin' }, options: {}, confirmedCount: 2 },
        { onBatch: () => undefined },
      );
      expect(again.moved).toBe(0);
      expect(again.failures.map((f) => f.reason)).toEqual(['no longer failed: retried or removed since it was listed', 'no longer failed: retried or removed since it was listed']);

      const all = await client.stream(
        'dead-letters/redrive',
        { connectionId, ref, selection: { all: true }, target: { kind: 'origin' }, options: {}, confirmedCount: 10 },
        { onBatch: () => undefined },
      );
      expect(all).toMatchObject({ looked: 10, moved: 10, stoppedBy: 'done' });
      // The fixed worker of the same version takes every retried job and completes it.
      const done = await queue.work(
        () => Promise.resolve('ok'),
        (c) => c['completed'] === 30 && c['failed'] === 0,
      );
      expect(done).toMatchObject({ completed: 30, failed: 0, waiting: 0, delayed: 1 });
      const audit = await client.call('audit/list', { actions: ['redrive'], limit: 10 });
      expect(audit.entries.filter((e) => JSON.stringify(e.detail).includes(`${name} · failed`)).length).toBeGreaterThanOrEqual(3);
      // The queue's version is left as its library wrote it.
      const groups = (await resources()).filter((r) => r.name.startsWith(`${name} · `)).map((r) => r.group);
      expect(groups[0]!.slice(name.length + 2)).toMatch(EXPECTED_LAYOUT[library]);
    } finally {
      await queue.close();
    }
  });
});

describe('queues Rewind cannot or need not read as they look', () => {
  it('names a queue of a version it does not know, never shows it empty, and says so when it is opened', async () => {
    // No BullMQ 9 exists to write it: the meta is what such a queue would carry.
    await redis.hset(`${prefix}:future:meta`, 'version', 'bullmq:9.1.0');
    await redis.set(`${prefix}:future:id`, '12');
    const future = (await resources()).find((r) => r.name === 'future')!;
    expect(future).toMatchObject({ kind: 'layout not known', items: null });
    expect(future.group).toContain('layout not known');
    const refused = await read('future', { type: 'start' }, 10).catch((e: Error & { code: string; hint?: string }) => e);
    expect(refused).toMatchObject({ code: 'unsupported', message: expect.stringContaining('BullMQ 9.1.0: a layout Rewind does not know yet') });
  });

  it('shows a paused queue as paused (BullMQ 6 keeps its jobs in wait, 5 moves them to paused)', async () => {
    for (const library of ['bullmq', 'bullmq-v5'] as const) {
      const name = `paused-${library}`;
      const queue = openQueue(library, name, prefix);
      await queue.pause();
      await queue.addBulk([
        { name: 'a', data: { n: 1 } },
        { name: 'b', data: { n: 2 } },
      ]);
      const mine = (await resources()).filter((r) => r.name.startsWith(`${name} · `));
      expect(mine[0]!.group).toContain(', paused)');
      const waitingOrPaused = mine.filter((r) => r.name.endsWith('· waiting') || r.name.endsWith('· paused')).reduce((n, r) => n + (r.items?.value ?? 0), 0);
      expect(waitingOrPaused).toBe(2);
      await queue.close();
    }
  });

  it('keeps a 10 MB job whole in Redis and ships only a preview of it', async () => {
    const queue = openQueue('bullmq', 'big', prefix);
    try {
      const blob = 'x'.repeat(10 * 1024 * 1024);
      await queue.add('huge', { blob }, { delay: 3_600_000 });
      const { rows } = await read('big · delayed', { type: 'start' }, 10);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.payload).toMatchObject({ kind: 'text', truncated: true, bytes: blob.length + 11 });
      expect(rows[0]!.payload.kind === 'text' && rows[0]!.payload.text.length).toBeLessThanOrEqual(64 * 1024);
    } finally {
      await queue.close();
    }
  });
});

describe('acting on a queue through BullMQ', () => {
  it('promotes delayed jobs (one, then all) and a real worker runs them', async () => {
    for (const library of ['bullmq', 'bullmq-v4', 'bull'] as const) {
      const name = `promote-${library}`;
      const queue = openQueue(library, name, prefix);
      try {
        const ids = [];
        for (let i = 0; i < 5; i++) ids.push(await queue.add('remind', { n: i }, { delay: 3_600_000 }));
        const one = await client.call('redis/promote', { connectionId, queue: name, ids: [ids[0]!] });
        expect(one).toEqual({ promoted: 1, failures: [] });
        expect(await queue.counts()).toMatchObject({ delayed: 4, waiting: 1 });
        const again = await client.call('redis/promote', { connectionId, queue: name, ids: [ids[0]!] });
        expect(again).toEqual({ promoted: 0, failures: [{ id: ids[0], reason: 'not delayed any more' }] });
        expect(await client.call('redis/promote', { connectionId, queue: name, ids: null })).toMatchObject({ promoted: 4 });
        const done = await queue.work(
          () => Promise.resolve('sent'),
          (c) => c['completed'] === 5,
        );
        expect(done).toMatchObject({ completed: 5, delayed: 0 });
      } finally {
        await queue.close();
      }
    }
  });

  it('removes a job and cleans a state only when the id or the queue is typed again', async () => {
    const name = 'tidy';
    const queue = openQueue('bullmq', name, prefix);
    try {
      await queue.addBulk(Array.from({ length: 12 }, (_, i) => ({ name: 'x', data: { order: i } })));
      await queue.work(FAILING, (c) => c['failed'] === 8 && c['completed'] === 4);
      const { rows } = await read(`${name} · failed`, { type: 'start' }, 1);
      const id = rows[0]!.key!.kind === 'text' ? rows[0]!.key!.text : '';
      const wrong = await client.call('redis/remove-job', { connectionId, queue: name, id, confirm: 'nope' }).catch((e: Error & { code: string }) => e);
      expect(wrong).toMatchObject({ code: 'invalid_input' });
      expect(await client.call('redis/remove-job', { connectionId, queue: name, id, confirm: id })).toEqual({ state: 'failed' });
      expect(await queue.counts()).toMatchObject({ failed: 7 });
      const refused = await client.call('redis/clean', { connectionId, queue: name, state: 'failed', confirm: 'tid' }).catch((e: Error & { code: string }) => e);
      expect(refused).toMatchObject({ code: 'invalid_input' });
      expect(await client.call('redis/clean', { connectionId, queue: name, state: 'failed', confirm: name })).toEqual({ removed: 7 });
      expect(await queue.counts()).toMatchObject({ failed: 0, completed: 4 });
      const audit = await client.call('audit/list', { actions: ['job-remove', 'queue-clean'], limit: 5 });
      expect(audit.entries.map((e) => e.action)).toEqual(['queue-clean', 'job-remove']);
    } finally {
      await queue.close();
    }
  });

  it("says which workers are connected, and the queue's global concurrency and rate limit", async () => {
    const name = 'busy';
    const { Queue, Worker } = await import('bullmq');
    const connection = { host: '127.0.0.1', port: REDIS_PORT, maxRetriesPerRequest: null };
    const queue = new Queue(name, { connection, prefix });
    await queue.setGlobalConcurrency(3);
    await queue.setGlobalRateLimit(50, 1000);
    const worker = new Worker(name, async () => 'ok', { connection, prefix, name: 'mailer-1' });
    await worker.waitUntilReady();
    try {
      const info = await client.call('redis/queue', { connectionId, queue: name });
      expect(info).toMatchObject({ queue: name, layout: expect.stringMatching(/^BullMQ 6\./), paused: false, globalConcurrency: 3, rateLimit: { max: 50, durationMs: 1000 }, workersUnknown: null });
      expect(info.workers.map((w) => w.name)).toContain(`${prefix}:${Buffer.from(name).toString('base64')}:w:mailer-1`);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it("shows a flow's parent waiting for its children, naming the one that failed", async () => {
    const { FlowProducer, Worker } = await import('bullmq');
    const connection = { host: '127.0.0.1', port: REDIS_PORT, maxRetriesPerRequest: null };
    const flow = new FlowProducer({ connection, prefix });
    const tree = await flow.add({
      name: 'ship-order',
      queueName: 'orders-flow',
      data: { order: 7 },
      children: [
        { name: 'charge', queueName: 'steps', data: { step: 'charge' } },
        { name: 'pack', queueName: 'steps', data: { step: 'pack' } },
      ],
    });
    const worker = new Worker(
      'steps',
      async (job) => {
        if (job.data.step === 'charge') throw new Error('card declined');
        return 'packed';
      },
      { connection, prefix },
    );
    try {
      const charge = tree.children!.find((c) => c.job.name === 'charge')!.job.id!;
      for (let i = 0; i < 100 && (await redis.zscore(`${prefix}:steps:failed`, charge)) === null; i++) await new Promise((r) => setTimeout(r, 100));
      const { rows } = await read('orders-flow · waiting-children', { type: 'start' }, 10);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.headers.filter((h) => h.name === 'waiting for').map((h) => h.value)).toEqual([`${prefix}:steps:${charge} (failed: card declined)`]);
    } finally {
      await worker.close();
      await flow.close();
    }
  });
});

describe("a job's logs", () => {
  it('are shown with the job, as its worker wrote them', async () => {
    const { Queue, Worker } = await import('bullmq');
    const connection = { host: '127.0.0.1', port: REDIS_PORT, maxRetriesPerRequest: null };
    const queue = new Queue('logged', { connection, prefix });
    await queue.add('charge', { order: 1 }, { attempts: 1 });
    const worker = new Worker(
      'logged',
      async (job) => {
        await job.log('charging card 4242');
        await job.log('gateway said 502');
        throw new Error('gateway down');
      },
      { connection, prefix },
    );
    try {
      while ((await queue.getFailedCount()) < 1) await new Promise((r) => setTimeout(r, 50));
      const { rows } = await read('logged · failed', { type: 'start' }, 10);
      expect(rows[0]!.headers.filter((h) => h.name.startsWith('log ')).map((h) => [h.name, h.value])).toEqual([
        ['log 1', 'charging card 4242'],
        ['log 2', 'gateway said 502'],
      ]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});

describe('searching a queue', () => {
  it('finds jobs by name, text, a JSON condition on the data, failure reason, time and id, streaming hits with progress', async () => {
    const name = 'searchable';
    const queue = openQueue('bullmq', name, prefix);
    try {
      await queue.addBulk(Array.from({ length: 3_000 }, (_, i) => ({ name: i % 2 ? 'charge' : 'refund', data: { order: i, amount: i % 1000, country: i % 3 ? 'DE' : 'FR' } })));
      await queue.work(FAILING, (c) => c['failed'] === 2_000 && c['completed'] === 1_000, 60_000);
      const search = async (query: Record<string, unknown>) => {
        const progress: number[] = [];
        const hits: Envelope[] = [];
        const summary = await client.stream(
          'redis/search-jobs',
          { connectionId, queue: name, states: ['failed', 'completed'], limit: 10_000, ...query },
          { onBatch: (items) => items.forEach((i) => (i.kind === 'hits' ? hits.push(...i.records) : progress.push(i.scanned))) },
        );
        return { summary, hits, progress };
      };
      const data = (e: Envelope) => JSON.parse(e.payload.kind === 'json' ? e.payload.text : '{}') as { order: number; amount: number; country: string };
      const json = await search({ json: '$.amount > 990' });
      expect(json.summary).toMatchObject({ scanned: 3_000, total: 3_000, complete: true });
      expect(json.hits.map((h) => data(h).order).sort((a, b) => a - b)).toEqual(Array.from({ length: 3_000 }, (_, i) => i).filter((i) => i % 1000 > 990));
      expect(json.progress.length).toBeGreaterThan(5);
      const both = await search({ name: 'CHARGE', reason: 'declined', json: '$.country == "FR"' });
      expect(both.hits.map((h) => data(h).order).sort((a, b) => a - b)).toEqual(Array.from({ length: 3_000 }, (_, i) => i).filter((i) => i % 2 === 1 && i % 3 === 0));
      expect(both.hits.every((h) => h.type === 'charge' && data(h).country === 'FR')).toBe(true);
      const text = await search({ text: '"order":1234,' });
      expect(text.hits.map((h) => data(h).order)).toEqual([1234]);
      expect(text.hits[0]!.resource).toBe(`${name} · failed`);
      const byId = await search({ id: text.hits[0]!.key!.kind === 'text' ? text.hits[0]!.key!.text : '' });
      expect(byId.hits.map((h) => [h.resource, h.position])).toEqual([[`${name} · failed`, text.hits[0]!.position]]);
      const limited = await search({ reason: 'declined', limit: 10 });
      expect(limited.summary).toMatchObject({ hits: 10, complete: false });
      const later = await search({ addedFrom: new Date(Date.now() + 60_000).toISOString() });
      expect(later.hits).toEqual([]);
      const wrong = await search({ json: '$.amount >' }).catch((e: Error & { code: string }) => e);
      expect(wrong).toMatchObject({ code: 'invalid_input' });
    } finally {
      await queue.close();
    }
  }, 90_000);
});
