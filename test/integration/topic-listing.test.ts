import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { kcatProduceLines } from '../tools/kafka-tools';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Listing a cluster's topics straight after 200 were created, while their leaders are still
 * being elected: every listing succeeds, with every topic and its counts.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let kafkaId: string;
const prefix = unique('many');
const names = Array.from({ length: 200 }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-listing-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  admin = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
});

afterAll(async () => {
  await context.close();
  await admin.deleteTopics({ topics: names }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('the topic list of a busy cluster', () => {
  it('lists 200 topics created a moment ago, every time, with their partitions and counts', async () => {
    // Not waiting for leaders: the listing runs while the broker is still electing them.
    await admin.createTopics({ topics: names.map((topic, i) => ({ topic, numPartitions: 1 + (i % 3) })), waitForLeaders: false });
    for (let round = 0; round < 3; round++) {
      const { resources } = await client.call('resources/list', { connectionId: kafkaId });
      const mine = resources.filter((r) => r.type === 'kafka-topic' && r.name.startsWith(prefix));
      expect(mine).toHaveLength(200);
      for (const [i, r] of mine.entries()) if (r.type === 'kafka-topic') expect(r.partitions).toHaveLength(1 + (i % 3));
    }
    kcatProduceLines(names[7]!, ['a', 'b', 'c'], { partition: 0 });
    const { resources } = await client.call('resources/list', { connectionId: kafkaId });
    const seventh = resources.find((r) => r.name === names[7]);
    expect(seventh?.type === 'kafka-topic' && seventh.records).toEqual({ value: 3, exact: true });
  }, 120_000);
});
