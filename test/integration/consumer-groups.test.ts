import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { consumerGroupDescribe, consumerGroupList } from '../tools/kafka-cli';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A consumer group made by a real consumer, replayed from a time: the plan first, the reset
 * refused while the consumer runs, applied once it stops, and the lag Kafka's own
 * ConsumerGroupCommand reports agreeing with Rewind's at every step.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let kafka: Kafka;
let kafkaId: string;
const topic = unique('orders');
const group = unique('billing');
const DAY = 86_400_000;
const yesterday8 = (() => {
  const d = new Date(Date.now() - DAY);
  d.setHours(8, 0, 0, 0);
  return d;
})();

async function consumeAll(): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: group });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({ eachMessage: async () => void (++seen === 300 && resolve()) });
  });
  return consumer;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-groups-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  // 150 records two days ago, then 150 from yesterday 09:00: "yesterday 08:00" starts at the second half.
  await producer.send({
    topic,
    messages: Array.from({ length: 300 }, (_, i) => ({ partition: i % 3, value: `r${i}`, timestamp: String(i < 150 ? Date.now() - 2 * DAY : yesterday8.getTime() + 3_600_000 + i * 1000) })),
  });
  await producer.disconnect();
  const consumer = await consumeAll();
  await consumer.disconnect();
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
}, 120_000);

afterAll(async () => {
  await context.close();
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const asOracle = (ps: { topic: string; partition: number; committed: string | null; logEnd: string; lag: number | null }[]) =>
  ps.map((p) => ({ topic: p.topic, partition: p.partition, current: p.committed, logEnd: p.logEnd, lag: p.lag })).sort((a, b) => a.partition - b.partition);

describe('consumer groups', () => {
  it('lists the group with its state, topics and lag, equal to kafka-consumer-groups.sh --describe', async () => {
    const groups = await client.call('groups/list', { connectionId: kafkaId });
    expect(groups.find((g) => g.groupId === group)).toMatchObject({ state: 'Empty', protocolType: 'consumer', topics: [topic], lag: 0 });
    const detail = await client.call('groups/describe', { connectionId: kafkaId, groupId: group });
    expect(asOracle(detail.partitions)).toEqual(consumerGroupDescribe(group));
  });

  it('plans a reset to "yesterday 08:00": per partition, from where to where, and how many are read again', async () => {
    const plan = await client.call('groups/plan-reset', { connectionId: kafkaId, groupId: group, topics: null, strategy: { kind: 'time', at: yesterday8.toISOString() } });
    expect(plan.rows).toHaveLength(3);
    expect(plan.rows.every((r) => r.current === '100')).toBe(true);
    expect(plan.rows.map((r) => r.next)).toEqual(['50', '50', '50']);
    expect(plan.rereads).toBe(150);
    expect(plan.blockedBy).toBeNull();
    // Nothing moved yet.
    expect(consumerGroupDescribe(group).every((p) => p.lag === 0)).toBe(true);
  });

  it('is refused while the consumer runs, naming it; applied once it stops; the lag grows to the replayed count', async () => {
    const plan = await client.call('groups/plan-reset', { connectionId: kafkaId, groupId: group, topics: null, strategy: { kind: 'time', at: yesterday8.toISOString() } });
    const offsets = plan.rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.next }));
    const consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({ eachMessage: async () => undefined });
    try {
      await expect.poll(async () => (await client.call('groups/describe', { connectionId: kafkaId, groupId: group })).state, { timeout: 20_000 }).toBe('Stable');
      const e = await client.call('groups/reset', { connectionId: kafkaId, groupId: group, offsets, description: 'to yesterday 08:00' }).catch((err: unknown) => err);
      expect((e as ApiCallError).code).toBe('conflict');
      expect((e as ApiCallError).message).toMatch(/1 connected member \(rewind-test on /);
    } finally {
      await consumer.disconnect();
    }
    const applied = await client.call('groups/reset', { connectionId: kafkaId, groupId: group, offsets, description: 'to yesterday 08:00' });
    expect(applied.before.map((b) => b.offset)).toEqual(['100', '100', '100']);
    const oracle = consumerGroupDescribe(group);
    expect(oracle.map((p) => p.lag)).toEqual([50, 50, 50]);
    const detail = await client.call('groups/describe', { connectionId: kafkaId, groupId: group });
    expect(detail.lag).toBe(150);
    expect(asOracle(detail.partitions)).toEqual(oracle);

    // And back again: the audit entry holds the offsets before.
    const { entries } = await client.call('audit/list', { actions: ['reset-offsets'], limit: 1 });
    const before = (entries[0]!.detail as { before: { topic: string; partition: number; offset: string }[] }).before;
    await client.call('groups/reset', { connectionId: kafkaId, groupId: group, offsets: before.map((b) => ({ ...b, offset: b.offset })), description: 'back to the offsets before' });
    expect(consumerGroupDescribe(group).map((p) => p.lag)).toEqual([0, 0, 0]);
  }, 60_000);

  it('earliest, latest, shift and exact offsets; times before the first record and after the last', async () => {
    const plan = (strategy: Parameters<typeof client.call<'groups/plan-reset'>>[1]['strategy']) =>
      client.call('groups/plan-reset', { connectionId: kafkaId, groupId: group, topics: [{ topic, partitions: [0] }], strategy });
    expect((await plan({ kind: 'earliest' })).rows[0]).toMatchObject({ partition: 0, next: '0', delta: 100 });
    expect((await plan({ kind: 'latest' })).rows[0]).toMatchObject({ next: '100', delta: 0 });
    expect((await plan({ kind: 'shift', by: -10 })).rows[0]).toMatchObject({ next: '90', delta: 10 });
    expect((await plan({ kind: 'shift', by: 50 })).rows[0]).toMatchObject({ next: '100', note: expect.stringMatching(/past the end/) });
    expect((await plan({ kind: 'offsets', offsets: { [`${topic}:0`]: '42' } })).rows[0]).toMatchObject({ next: '42', delta: 58 });
    expect((await plan({ kind: 'time', at: new Date(Date.now() - 30 * DAY).toISOString() })).rows[0]).toMatchObject({ next: '0', note: expect.stringMatching(/before the first record/) });
    expect((await plan({ kind: 'time', at: new Date(Date.now() + DAY).toISOString() })).rows[0]).toMatchObject({ next: '100', note: expect.stringMatching(/no record at or after/) });
  });

  it('a group that does not exist is not found; deleting needs the name typed again and an empty group', async () => {
    const e = await client.call('groups/describe', { connectionId: kafkaId, groupId: 'no-such-group-here' }).catch((err: unknown) => err);
    expect((e as ApiCallError).code).toBe('not_found');
    const wrong = await client.call('groups/delete', { connectionId: kafkaId, groupId: group, confirm: 'billing' }).catch((err: unknown) => err);
    expect((wrong as ApiCallError).message).toMatch(/Type the group's name/);
    await client.call('groups/delete', { connectionId: kafkaId, groupId: group, confirm: group });
    expect(consumerGroupList()).not.toContain(group);
  });

  it('browsing leaves no group behind', async () => {
    const before = consumerGroupList();
    await client.stream('records/read', { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 1 }, from: { type: 'start' }, limit: 100 });
    await client.stream('projections/rebuild', {
      code: 'export default { init: () => 0, $any: (s) => s + 1 };',
      source: { connectionId: kafkaId, target: { type: 'kafka-topic', topic }, from: { type: 'start' }, to: null },
    });
    expect(consumerGroupList()).toEqual(before);
  });
});
