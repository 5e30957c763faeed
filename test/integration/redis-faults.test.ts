import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { inMemoryClient } from './in-memory-client';

/**
 * A Redis server of the test's own (AOF on, so a restart keeps what it had), shut down in the
 * middle of a retry of failed jobs and of a DLQ redrive: nothing is lost, and the outcome says
 * what moved. What the server holds afterwards is counted with BullMQ and XLEN, not with Rewind.
 */
const PORT = 6391;
let dir: string;
let dataDir: string;
let server: ChildProcess | null = null;
let context: AppContext;
let client: RewindClient;
let connectionId: string;

async function startServer() {
  server = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const probe = new Redis({ port: PORT, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the test redis-server did not start');
}

async function stopServer() {
  // No reconnecting: the server going away is the point.
  const r = new Redis({ port: PORT, host: '127.0.0.1', retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  await r.call('SHUTDOWN').catch(() => undefined);
  r.disconnect();
  await new Promise((resolve) => (server?.exitCode !== null ? resolve(null) : server.once('exit', resolve)));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-redis-faults-'));
  dataDir = mkdtempSync(join(tmpdir(), 'rewind-redis-faults-data-'));
  await startServer();
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  connectionId = (await client.call('connections/save', { kind: 'redis', name: 'faulty', host: '127.0.0.1', port: PORT, tls: false, username: '', database: 0, prefix: 'bull' })).id;
}, 30_000);
afterAll(async () => {
  await context.close();
  if (server && server.exitCode === null) await stopServer();
  rmSync(dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Redis going away in the middle', () => {
  it('a retry of failed jobs stops with what moved, and after a restart every job is failed or waiting, none lost', async () => {
    const { Queue, Worker } = await import('bullmq');
    const connection = { host: '127.0.0.1', port: PORT, maxRetriesPerRequest: null };
    const queue = new Queue('payments', { connection });
    await queue.addBulk(Array.from({ length: 400 }, (_, i) => ({ name: 'charge', data: { i } })));
    const worker = new Worker(
      'payments',
      async () => {
        throw new Error('gateway down');
      },
      { connection, concurrency: 50 },
    );
    while ((await queue.getFailedCount()) < 400) await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    await queue.close();

    const ref = { type: 'source' as const, name: 'payments · failed' };
    await client.call('resources/list', { connectionId });
    // 100 a second, so the server goes away part way through.
    const running = client.stream('dead-letters/redrive', { connectionId, ref, selection: { all: true }, target: { kind: 'origin' }, options: { ratePerSecond: 100 }, confirmedCount: 400 });
    await new Promise((r) => setTimeout(r, 1_500));
    await stopServer();
    const outcome = await running;
    expect(outcome.stoppedBy).toBe('error');
    expect(outcome.error?.code).toBe('network');
    expect(outcome.moved).toBeGreaterThan(50);
    expect(outcome.moved).toBeLessThan(400);
    expect(outcome.summary).toContain(`${outcome.moved}`);

    await startServer();
    const after = new Queue('payments', { connection });
    const counts = await after.getJobCounts('failed', 'waiting');
    await after.close();
    expect(counts['failed']! + counts['waiting']!).toBe(400);
    // What the outcome counts as moved is waiting now; the one in flight, if any, is named as uncertain.
    expect(counts['waiting']! - outcome.moved).toBeGreaterThanOrEqual(0);
    expect(counts['waiting']! - outcome.moved).toBeLessThanOrEqual(outcome.uncertain);
  }, 60_000);

  it('a DLQ redrive stops with what moved, and after a restart each entry is in the stream or the DLQ, never both', async () => {
    const redis = new Redis({ port: PORT, host: '127.0.0.1' });
    for (let i = 0; i < 500; i += 100) {
      const p = redis.pipeline();
      for (let j = i; j < i + 100; j++) p.xadd('shipments:dlq', '*', 'data', JSON.stringify({ n: j }), 'x-original-stream', 'shipments', 'x-original-id', `1-${j}`, 'x-reason', 'poison');
      await p.exec();
    }
    redis.disconnect();
    const ref = { type: 'source' as const, name: 'shipments:dlq' };
    await client.call('resources/list', { connectionId });
    const running = client.stream('dead-letters/redrive', { connectionId, ref, selection: { all: true }, target: { kind: 'origin' }, options: { ratePerSecond: 100 }, confirmedCount: 500 });
    await new Promise((r) => setTimeout(r, 1_500));
    await stopServer();
    const outcome = await running;
    expect(outcome.stoppedBy).toBe('error');
    expect(outcome.moved).toBeGreaterThan(50);
    expect(outcome.moved).toBeLessThan(500);

    await startServer();
    const check = new Redis({ port: PORT, host: '127.0.0.1' });
    const back = (await check.xrange('shipments', '-', '+')) as [string, string[]][];
    const left = (await check.xrange('shipments:dlq', '-', '+')) as [string, string[]][];
    check.disconnect();
    const ids = (entries: [string, string[]][]) => entries.map(([, f]) => f[f.indexOf('x-original-id') + 1]);
    expect(back.length + left.length).toBe(500);
    expect(new Set([...ids(back), ...ids(left)]).size).toBe(500);
    expect(back.length).toBe(outcome.moved);
  }, 60_000);
});
