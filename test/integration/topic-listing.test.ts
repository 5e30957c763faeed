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

describe('topic details, creation and deletion', () => {
  it('creates a topic with configs, describes it as Kafka does, refuses what Kafka refuses, deletes it behind its name', async () => {
    const topic = unique('made-here');
    await client.call('topics/create', { connectionId: kafkaId, topic, partitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'retention.ms': '3600000' } });
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] });
    const set = described.resources[0]!.configEntries.filter((c) => !c.isDefault)
      .map((c) => `${c.configName}=${c.configValue}`)
      .sort();
    expect(set).toEqual(expect.arrayContaining(['cleanup.policy=compact', 'retention.ms=3600000']));

    const detail = await client.call('topics/describe', { connectionId: kafkaId, topic });
    expect(detail.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([0, 1, 2].map((p) => [p, 1, [1], [1]]));
    const marked = detail.configs.filter((c) => !c.isDefault).map((c) => c.name);
    expect(marked).toEqual(expect.arrayContaining(['cleanup.policy', 'retention.ms']));
    expect(detail.configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'compact', source: 'topic' });

    const again = await client.call('topics/create', { connectionId: kafkaId, topic, partitions: 1, replicationFactor: 1 }).catch((e: unknown) => e);
    expect((again as { code: string }).code).toBe('conflict');
    const tooMany = await client.call('topics/create', { connectionId: kafkaId, topic: unique('r3'), partitions: 1, replicationFactor: 3 }).catch((e: unknown) => e);
    expect((tooMany as Error).message).toMatch(/INVALID_REPLICATION_FACTOR/);
    const badName = await client.call('topics/create', { connectionId: kafkaId, topic: 'no spaces', partitions: 1, replicationFactor: 1 }).catch((e: unknown) => e);
    expect((badName as { code: string }).code).toBe('invalid_input');

    const wrong = await client.call('topics/delete', { connectionId: kafkaId, topic, confirm: 'made-here' }).catch((e: unknown) => e);
    expect((wrong as { code: string }).code).toBe('invalid_input');
    expect(await admin.listTopics()).toContain(topic);
    await client.call('topics/delete', { connectionId: kafkaId, topic, confirm: topic });
    await expect.poll(async () => (await admin.listTopics()).includes(topic), { timeout: 15_000 }).toBe(false);
    const audit = await client.call('audit/list', { actions: ['create-topic', 'delete-topic'], text: topic, limit: 10 });
    expect(audit.entries.map((e) => e.action).sort()).toEqual(['create-topic', 'delete-topic']);
  });
});
