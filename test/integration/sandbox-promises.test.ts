import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ParamsOf } from '../../src/api/contract';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * What the projection sandbox promises, each one tested through the API as the UI calls it:
 * a time limit on every entry into user code, a memory limit that counts all memory the code can
 * take, limits the user sets only within bounds the core enforces, and a cancel that never ends
 * the process.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
const topic = unique('rewind-sandbox-topic');
let kafkaId: string;

const store = { connectionId: 'local', target: { type: 'store-all' as const }, from: { type: 'start' as const }, to: null };
const fast = { perEventMs: 300, memoryMb: 128 };

async function failureOf(params: ParamsOf<'projections/rebuild'>, onUpdate?: (kind: string) => void): Promise<{ error: ApiCallError; ms: number }> {
  const started = Date.now();
  const e = await client.stream('projections/rebuild', params, { onBatch: (items) => items.forEach((i) => onUpdate?.(i.kind)) }).then(
    () => new Error('the run finished normally'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiCallError);
  return { error: e as ApiCallError, ms: Date.now() - started };
}

/** Runs until the first handler error, stops the run, and returns the error's message. */
async function firstHandlerError(code: string): Promise<string> {
  const controller = new AbortController();
  let message: string | null = null;
  const run = client.stream(
    'projections/rebuild',
    { code, source: store, limits: fast },
    {
      signal: controller.signal,
      onBatch: (items) => items.forEach((i) => i.kind === 'handler-error' && (message ??= i.failure.message)),
    },
  );
  run.catch(() => undefined);
  await expect.poll(() => message, { timeout: 10_000 }).not.toBeNull();
  controller.abort();
  return message!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-sandbox-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: 3000 }, (_, i) => ({ partition: i % 3, key: `k${i % 7}`, value: JSON.stringify({ n: i }) })) });
  await producer.disconnect();
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
});

afterAll(async () => {
  await context.close();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('memory: the limit counts everything user code can hold', () => {
  it('a projection cannot keep 2 GB of Uint8Arrays outside the heap cap', async () => {
    const code = `export default { init: () => [], $any: (s) => { for (let i = 0; i < 20; i++) s.push(new Uint8Array(100 * 1024 * 1024).fill(1)); return s; } };`;
    // The first allocation is refused as a handler error, which pauses the run for a decision.
    expect(await firstHandlerError(code)).toMatch(/Uint8Array is not available in projections/);
  });

  it.each([
    ['ArrayBuffer', 'new ArrayBuffer(2 ** 31)'],
    ['SharedArrayBuffer', 'new SharedArrayBuffer(2 ** 31)'],
    ['DataView', 'new DataView(null)'],
    ['WebAssembly.Memory', 'new WebAssembly.Memory({ initial: 30000 })'],
    ['Atomics', 'Atomics.wait'],
  ])('%s is not reachable from a projection', async (name, expr) => {
    const code = `export default { init: () => 0, $any: (s) => { const x = ${expr}; return s + 1; } };`;
    expect(await firstHandlerError(code)).toContain(`${name.split('.')[0]} is not available in projections`);
  });

  it('a heap bomb still stops at the cap with a limit error', async () => {
    const code = `export default { init: () => [], $any: (s) => { for (;;) s.push('x'.repeat(1 << 20) + Math.random()); } };`;
    const { error } = await failureOf({ code, source: store, limits: { perEventMs: 10_000, memoryMb: 64 } });
    expect(error.code).toBe('limit');
    expect(error.message).toMatch(/more than 64 MB/);
  });
});

describe('time: every entry into user code is under the limit', () => {
  it('a state whose toJSON never returns stops the run with a limit error', async () => {
    const code = `export default { init: () => ({ n: 0 }), $any: (s) => ({ n: s.n + 1, toJSON() { for (;;) {} } }) };`;
    const { error, ms } = await failureOf({ code, source: store, limits: fast });
    expect(error.code).toBe('limit');
    expect(error.message).toMatch(/longer than/);
    expect(ms).toBeLessThan(25_000);
  });

  it('a toJSON that loops in a snapshot of a broker run stops with a limit error', async () => {
    const code = `let calls = 0; export default { init: () => ({ n: 0 }), $any: (s) => ({ n: s.n + 1, toJSON() { if (++calls > 0) for (;;) {} return {}; } }) };`;
    const { error, ms } = await failureOf({ code, source: { connectionId: kafkaId, target: { type: 'kafka-topic', topic }, from: { type: 'start' }, to: null }, limits: fast });
    expect(error.code).toBe('limit');
    expect(ms).toBeLessThan(30_000);
  });

  it('a partitionBy that loops after the run stops the partition view and time travel with a limit error', async () => {
    // The run itself calls partitionBy once per event; any call after that loops.
    const last = context.store.lastPosition();
    const code = `let calls = 0; export default { init: () => 0, partitionBy: (e) => { if (++calls > ${last}) for (;;) {} return e.streamId; }, $any: (s) => s + 1 };`;
    const summary = await client.stream('projections/rebuild', { code, source: store, limits: fast });
    expect(summary.processed).toBe(last);
    const started = Date.now();
    const e = await client.call('projections/partition', { runId: summary.runId, key: 'account-A-17' }).catch((err: unknown) => err);
    expect((e as ApiCallError).code).toBe('limit');
    expect(Date.now() - started).toBeLessThan(10_000);

    const again = await client.stream('projections/rebuild', { code, source: store, limits: fast });
    const e2 = await client.call('projections/state-at', { runId: again.runId, position: 5 }).catch((err: unknown) => err);
    expect((e2 as ApiCallError).code).toBe('limit');
  });

  it('a top-level loop in the module is stopped while loading', async () => {
    const { error } = await failureOf({ code: `for (;;) {} export default { init: () => 0 };`, source: store, limits: fast });
    expect(['limit', 'invalid_input']).toContain(error.code);
    expect(error.message).toMatch(/longer than|timed out/i);
  });
});

describe('limits: the user sets them within bounds the core enforces', () => {
  it.each([
    [{ perEventMs: 60_000, memoryMb: 256 }, /perEventMs/],
    [{ perEventMs: 1000, memoryMb: 4096 }, /memoryMb/],
    [{ perEventMs: 1, memoryMb: 256 }, /perEventMs/],
  ])('refuses %j', async (limits, field) => {
    const e = await client.stream('projections/rebuild', { code: 'export default { init: () => 0 };', source: store, limits }).catch((err: unknown) => err);
    expect((e as ApiCallError).code).toBe('invalid_input');
    expect((e as ApiCallError).message).toMatch(field);
  });
});

describe('cancel', () => {
  it('cancelling a whole-topic Kafka rebuild before its first batch ends the call, not the process', async () => {
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on('unhandledRejection', onRejection);
    try {
      for (let i = 0; i < 3; i++) {
        // Cancel the moment the run has started and not one record has reached it.
        const controller = new AbortController();
        const pending = client.stream(
          'projections/rebuild',
          { code: 'export default { init: () => 0, $any: (s) => s + 1 };', source: { connectionId: kafkaId, target: { type: 'kafka-topic', topic }, from: { type: 'start' }, to: null } },
          { signal: controller.signal, onBatch: (items) => items.some((u) => u.kind === 'started') && controller.abort() },
        );
        const e = await pending.catch((err: unknown) => err);
        expect((e as ApiCallError).code).toBe('cancelled');
      }
      await new Promise((r) => setTimeout(r, 1500));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
