import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A broker that stops answering in the middle of a read or a rebuild: the user must get a
 * `network` error in bounded time, every time, never a request that hangs.
 */
const pidFile = join(process.env.REWIND_CACHE ?? join(homedir(), '.cache', 'rewind'), 'kafka-3.9.1', `run-${KAFKA_PORT}`, 'broker.pid');
const brokerPid = () => Number(readFileSync(pidFile, 'utf8').trim());
/** What STALL_MS promises, plus room for a slow machine. */
const BOUND_MS = 30_000;

let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let kafkaId: string;
const topic = unique('rewind-faults');

async function failureWithin(p: Promise<unknown>): Promise<{ error: ApiCallError; ms: number }> {
  const started = Date.now();
  const e = await p.then(
    () => new Error('it finished normally'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiCallError);
  return { error: e as ApiCallError, ms: Date.now() - started };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-faults-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  // About 30 MB: more than a rebuild's first fetches hold, so the broker is still needed when it stops.
  for (let b = 0; b < 40; b++) {
    await producer.send({ topic, messages: Array.from({ length: 5000 }, (_, i) => ({ key: `k${i % 50}`, value: JSON.stringify({ n: b * 5000 + i, pad: 'x'.repeat(120) }) })) });
  }
  await producer.disconnect();
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
});

afterAll(async () => {
  process.kill(brokerPid(), 'SIGCONT');
  await context.close();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Kafka broker that stops answering', () => {
  it('ends a read in progress with a network error in bounded time', async () => {
    let frozen = false;
    try {
      const { error, ms } = await failureWithin(
        client.stream(
          'records/read',
          { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, limit: 50_000 },
          {
            onBatch: () => {
              if (frozen) return;
              frozen = true;
              process.kill(brokerPid(), 'SIGSTOP');
            },
          },
        ),
      );
      expect(frozen).toBe(true);
      expect(error.code).toBe('network');
      expect(error.message).toMatch(/stopped answering|Lost the broker/);
      expect(error.hint).toMatch(/running and reachable/);
      expect(ms).toBeLessThan(BOUND_MS);
      console.log(`read failed ${ms} ms after the broker froze: ${error.message}`);
    } finally {
      process.kill(brokerPid(), 'SIGCONT');
    }
    // Once it answers again, the same connection reads again.
    const again = await client.stream('records/read', { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'position', value: '49990' }, limit: 10 });
    expect(again.count).toBe(10);
  });

  it('ends a rebuild in progress with a network error in bounded time', async () => {
    let frozen = false;
    const code = `export default { init: () => 0, $any: (s) => s + 1 };`;
    try {
      const { error, ms } = await failureWithin(
        client.stream(
          'projections/rebuild',
          { code, source: { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, to: null } },
          {
            onBatch: (updates) => {
              if (frozen || !updates.some((u) => u.kind === 'progress')) return;
              frozen = true;
              process.kill(brokerPid(), 'SIGSTOP');
            },
          },
        ),
      );
      expect(frozen).toBe(true);
      expect(error.code).toBe('network');
      expect(ms).toBeLessThan(BOUND_MS + 5_000);
      console.log(`rebuild failed after ${ms} ms: ${error.message}`);
    } finally {
      process.kill(brokerPid(), 'SIGCONT');
    }
  });

  it('a broker that is gone (connection refused mid-read) is a network error within seconds', async () => {
    const script = join(__dirname, '..', '..', 'scripts', 'kafka.sh');
    let stopped = false;
    try {
      const { error, ms } = await failureWithin(
        client.stream(
          'records/read',
          { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, limit: 50_000 },
          {
            onBatch: () => {
              if (stopped) return;
              stopped = true;
              process.kill(brokerPid(), 'SIGKILL');
            },
          },
        ),
      );
      expect(error.code).toBe('network');
      expect(ms).toBeLessThan(10_000);
      console.log(`read failed ${ms} ms after the broker was killed: ${error.message}`);
    } finally {
      execFileSync('bash', [script, 'start'], { stdio: 'ignore' });
    }
  }, 120_000);
});
