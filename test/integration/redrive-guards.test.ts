import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatConsume, kcatProduceLines } from '../tools/kafka-tools';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A Kafka dead-letter topic keeps its records after a redrive, so the core itself must refuse to
 * send the same records twice: for a redrive of all as for a pick, and for two redrives at once.
 * The DLT is written by kcat with Spring Kafka's origin header.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let kafkaId: string;
const origin = unique('guard-origin');
const dlt = unique('guard-origin-dlt');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-guards-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  await createTopic(origin);
  await createTopic(dlt);
});

afterAll(async () => {
  await context.close();
  await deleteTopics([origin, dlt]);
  rmSync(dir, { recursive: true, force: true });
});

const redriveAll = (repeat?: boolean) =>
  client.stream('dead-letters/redrive', {
    connectionId: kafkaId,
    ref: { type: 'kafka-topic', name: dlt },
    selection: { all: true },
    target: { kind: 'origin' },
    confirmedCount: 1_000,
    ...(repeat ? { repeat } : {}),
  });

describe('the repeat guard holds in the core for every selection', () => {
  it('two redrives of all at once: one runs, the other is refused; each record reaches the origin once', async () => {
    // 1,000 records with Spring's origin header (kcat writes the header on every line: -H).
    const { spawnSync } = await import('node:child_process');
    const lines = Array.from({ length: 1_000 }, (_, i) => `{"n":${i}}`).join('\n') + '\n';
    const out = spawnSync('kcat', ['-b', `127.0.0.1:${KAFKA_PORT}`, '-P', '-t', dlt, '-H', `kafka_dlt-original-topic=${origin}`, '-X', 'linger.ms=20'], { input: lines });
    expect(out.status).toBe(0);
    const results = await Promise.allSettled([redriveAll(), redriveAll()]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(String(refused[0]!.reason)).toMatch(/A redrive of .* is running|redriven before/);
    expect(kcatConsume(origin)).toHaveLength(1_000);
  }, 120_000);

  it('a second redrive of all is refused until the user says to repeat it', async () => {
    const again = await redriveAll().catch((e: unknown) => e as Error);
    expect(again).toBeInstanceOf(Error);
    expect((again as Error).message).toMatch(/were redriven before/);
    expect(kcatConsume(origin)).toHaveLength(1_000);
    const repeated = await redriveAll(true);
    expect(repeated.moved).toBe(1_000);
    expect(kcatConsume(origin)).toHaveLength(2_000);
  }, 120_000);

  it('a pick of records that went back before is refused, named by when', async () => {
    kcatProduceLines(dlt, ['{"late":1}']);
    const picked = await client
      .stream('dead-letters/redrive', {
        connectionId: kafkaId,
        ref: { type: 'kafka-topic', name: dlt },
        selection: { ids: ['0:5', '0:1000'] },
        target: { kind: 'origin' },
        confirmedCount: 2,
      })
      .catch((e: unknown) => e as Error);
    expect((picked as Error).message).toMatch(/1 of these records were redriven before/);
  }, 60_000);
});
