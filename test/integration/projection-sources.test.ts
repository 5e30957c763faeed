import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ParamsOf } from '../../src/api/contract';
import { EXAMPLES } from '../../src/projections/examples';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { KafkaAdapter } from '../../src/sources/kafka/kafka-adapter';
import type { WireEvent } from '../../src/model/wire';
import { mergedTopic, topicRange, type TopicCursor } from '../../src/sources/kafka/topic-merge';
import { AMQP_URL, KAFKA_BOOTSTRAP, KAFKA_PORT, kafkaProfile, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

const balances = EXAMPLES.find((e) => e.name === 'Account balances')!.source;
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let amqpConn: ChannelModel;
const topic = unique('rewind-proj-topic');
const queue = unique('rewind-proj-stream');
const spread = unique('rewind-proj-spread');
let kafkaId: string;
let rabbitId: string;
let demoCount: number;

async function rebuild(params: ParamsOf<'projections/rebuild'>) {
  const updates: string[] = [];
  const summary = await client.stream('projections/rebuild', params, { onBatch: (items) => items.forEach((i) => updates.push(i.kind)) });
  return { summary, updates };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-proj-src-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  const events = context.store.readAll(1, 100_000);
  demoCount = events.length;

  // The demo events, copied to a Kafka topic and a RabbitMQ stream with their types.
  const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: events.map((e) => ({ key: e.streamId, value: e.data, headers: { type: e.eventType }, timestamp: String(Date.parse(e.recordedAt)) })) });
  // The same events dealt round-robin over three partitions, so no partition alone tells the story.
  await admin.createTopics({ topics: [{ topic: spread, numPartitions: 3 }], waitForLeaders: true });
  await producer.send({
    topic: spread,
    messages: events.map((e, i) => ({ partition: i % 3, key: e.streamId, value: e.data, headers: { type: e.eventType }, timestamp: String(Date.parse(e.recordedAt)) })),
  });
  await producer.disconnect();
  amqpConn = await amqp.connect(AMQP_URL);
  const ch = await amqpConn.createConfirmChannel();
  await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  for (const e of events) ch.sendToQueue(queue, Buffer.from(e.data), { type: e.eventType, timestamp: Math.floor(Date.parse(e.recordedAt) / 1000) });
  await ch.waitForConfirms();
  await ch.close();

  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
});

afterAll(async () => {
  await context.close();
  await admin.deleteTopics({ topics: [topic, spread] }).catch(() => undefined);
  await admin.disconnect();
  const ch = await amqpConn.createChannel();
  await ch.deleteQueue(queue).catch(() => undefined);
  await amqpConn.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('projections over any source', () => {
  it('give identical state from the local store, a Kafka topic and a RabbitMQ stream', async () => {
    const local = await rebuild({ code: balances, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: null } });
    const fromKafka = await rebuild({ code: balances, source: { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, to: null } });
    const fromRabbit = await rebuild({ code: balances, source: { connectionId: rabbitId, target: { type: 'rabbit-stream', vhost: '/', queue }, from: { type: 'start' }, to: null } });
    expect(local.summary.processed).toBe(demoCount);
    expect(fromKafka.summary.processed).toBe(demoCount);
    expect(fromRabbit.summary.processed).toBe(demoCount);
    expect(local.summary.partitions).toBe(8);
    expect(fromKafka.summary.state).toEqual(local.summary.state);
    expect(fromRabbit.summary.state).toEqual(local.summary.state);
    expect(local.updates[0]).toBe('started');
  });

  it('travels in time over a Kafka run exactly as a rebuild up to that offset', async () => {
    const full = await rebuild({ code: balances, source: { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, to: null } });
    for (const offset of [0, 40, 77]) {
      const at = await client.call('projections/state-at', { runId: full.summary.runId, position: offset });
      const upTo = await rebuild({ code: balances, source: { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, to: String(offset) } });
      expect(at.state).toEqual(upTo.summary.state);
      expect(at.event?.position).toBe(offset);
    }
    const outside = await client.call('projections/state-at', { runId: full.summary.runId, position: 10_000 }).catch((e: Error) => e);
    expect((outside as Error).message).toBe(`Pick a position from 0 to ${demoCount - 1}`);
  });

  it('diffs two versions of a projection per partition', async () => {
    const buggy = balances.replace('MoneyWithdrawn: (s: Balance, e) => ({ ...s, balance: s.balance - e.data.amount }),', 'MoneyWithdrawn: (s: Balance) => s,');
    expect(buggy).not.toBe(balances);
    const source = { connectionId: 'local', target: { type: 'store-all' as const }, from: { type: 'start' as const }, to: null };
    const left = await rebuild({ code: buggy, source });
    const right = await rebuild({ code: balances, source });
    const diff = await client.call('projections/diff', { leftRunId: left.summary.runId, rightRunId: right.summary.runId });
    expect(diff.partitioned).toBe(true);
    const changed = diff.rows.filter((r) => r.status === 'changed');
    expect(changed.length).toBe(diff.counts.changed);
    expect(changed.length).toBeGreaterThan(0);
    const row = changed[0]!;
    const l = (left.summary.state as Record<string, { balance: number }>)[row.key]!;
    const r = (right.summary.state as Record<string, { balance: number }>)[row.key]!;
    expect(row.changes).toContainEqual({ path: 'balance', left: l.balance, right: r.balance });
  });

  it('cancels a rebuild at once', async () => {
    const slow = `export default { init: () => 0, when: { $dummy: (s) => s }, $any: (s) => { const t = Date.now(); while (Date.now() - t < 50) {} return s + 1; } };`;
    const controller = new AbortController();
    const started = Date.now();
    const pending = client.stream(
      'projections/rebuild',
      { code: slow, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: null } },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    const e = await pending.catch((err: { code?: string }) => err);
    expect((e as { code: string }).code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rebuilds a whole Kafka topic, its partitions merged in time order, and travels in time over it', async () => {
    const whole = { connectionId: kafkaId, target: { type: 'kafka-topic' as const, topic: spread }, from: { type: 'start' as const }, to: null };
    const local = await rebuild({ code: balances, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: null } });
    const run = await rebuild({ code: balances, source: whole });
    expect(run.summary.processed).toBe(demoCount);
    expect(run.summary.state).toEqual(local.summary.state);
    expect(run.summary.ordering).toBe('3 partitions merged in timestamp order; positions number the records in that order.');

    // The demo's times rise with its positions, so the merged order is the store's order.
    for (const n of [1, 70, demoCount - 3]) {
      const at = await client.call('projections/state-at', { runId: run.summary.runId, position: n });
      const upTo = await rebuild({ code: balances, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: String(n) } });
      expect(at.state).toEqual(upTo.summary.state);
      const stored = context.store.readAll(n, 1)[0]!;
      expect(at.event).toMatchObject({ position: n, type: stored.eventType, version: Math.floor((n - 1) / 3), id: `${spread}/${(n - 1) % 3}@${Math.floor((n - 1) / 3)}` });
    }
  });

  it('starts a whole topic from an offset per partition, or from a time', async () => {
    const source = (from: ParamsOf<'projections/rebuild'>['source']['from']) => ({ connectionId: kafkaId, target: { type: 'kafka-topic' as const, topic: spread }, from, to: null });
    const offsets = await rebuild({ code: balances, source: source({ type: 'offsets', value: { '0': '10', '2': '5' } }) });
    expect(offsets.summary.processed).toBe(demoCount - 15);
    const sixty = context.store.readAll(60, 1)[0]!;
    const byTime = await rebuild({ code: balances, source: source({ type: 'time', value: sixty.recordedAt }) });
    expect(byTime.summary.processed).toBe(demoCount - 59);

    const noSuch = await rebuild({ code: balances, source: source({ type: 'offsets', value: { '7': '1' } }) }).catch((e: Error) => e);
    expect((noSuch as Error).message).toBe(`${spread} has no partition 7 (it has 3)`);
    // To: the last merged record, as the store's To is its last position.
    const bounded = await rebuild({ code: balances, source: { ...source({ type: 'start' }), to: '40' } });
    const local = await rebuild({ code: balances, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: '40' } });
    expect(bounded.summary.processed).toBe(40);
    expect(bounded.summary.state).toEqual(local.summary.state);
  });

  it('saves a whole-topic run as a read model and continues it from the next offset of each partition', async () => {
    const whole = { connectionId: kafkaId, target: { type: 'kafka-topic' as const, topic: spread }, from: { type: 'start' as const }, to: null };
    const run = await rebuild({ code: balances, source: whole });
    const saved = await client.call('read-models/save', { runId: run.summary.runId, name: 'spread_balances' });
    const perPartition = Math.ceil(demoCount / 3);
    expect(saved.source.resume).toEqual({ '0': String(perPartition), '1': String(Math.ceil((demoCount - 1) / 3)), '2': String(Math.ceil((demoCount - 2) / 3)) });
    expect(saved.checkpoint).toBe(demoCount);

    const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: spread,
      messages: [0, 1, 2, 2].map((p, i) => ({ partition: p, key: 'account-A-17', value: JSON.stringify({ accountId: 'A-17', amount: 10 + i }), headers: { type: 'MoneyDeposited' } })),
    });
    await producer.disconnect();

    // A run stopped at record 30 resumes right after it: ten records from each partition.
    const partial = await rebuild({ code: balances, source: { ...whole, to: '30' } });
    const partialSaved = await client.call('read-models/save', { runId: partial.summary.runId, name: 'spread_partial' });
    expect(partialSaved.source.resume).toEqual({ '0': '10', '1': '10', '2': '10' });

    const next = await client.stream('read-models/continue', { name: 'spread_balances' });
    expect(next.processed).toBe(4);
    expect(next.info.checkpoint).toBe(demoCount + 4);
    expect(next.info.source.resume!['2']).toBe(String(Math.ceil((demoCount - 2) / 3) + 2));
    const fresh = await rebuild({ code: balances, source: whole });
    const rows = await client.call('read-models/query', { sql: 'SELECT key, state FROM spread_balances', offset: 0, limit: 100 });
    expect(Object.fromEntries(rows.rows.map(([k, st]) => [k, JSON.parse(String(st))]))).toEqual(fresh.summary.state);
  });

  it('replays a stretch of a merged topic from the nearest cursor exactly as the full merge had it', async () => {
    const adapter = new KafkaAdapter(kafkaProfile(), null);
    try {
      const signal = new AbortController().signal;
      const ranges = await adapter.partitionRanges(spread, { type: 'start' }, signal);
      const cursors: TopicCursor[] = [{ seq: 0, next: new Map(ranges.map((r) => [r.partition, r.start])) }];
      const all: WireEvent[] = [];
      for await (const batch of mergedTopic(adapter, spread, ranges, cursors[0]!, signal, { cursorEvery: 10, onCursor: (c) => cursors.push(c) })) all.push(...batch);
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
      // One every ten, and one where it ended.
      expect(cursors.length).toBe(1 + Math.ceil(all.length / 10));
      expect(cursors[cursors.length - 1]!.seq).toBe(all.length);
      const stretch = await topicRange(adapter, spread, ranges, cursors, 55, 70, signal);
      expect(stretch).toEqual(all.slice(54, 70));
    } finally {
      await adapter.close();
    }
  });

  it('gives projections whole message bodies, beyond the record view’s preview, from Kafka and RabbitMQ', async () => {
    const body = JSON.stringify({ blob: 'x'.repeat(300 * 1024) });
    const bigTopic = unique('rewind-proj-big');
    const bigQueue = unique('rewind-proj-big-stream');
    const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
    await admin.createTopics({ topics: [{ topic: bigTopic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: bigTopic, messages: [{ value: body, headers: { type: 'Big' } }] });
    await producer.disconnect();
    const ch = await amqpConn.createConfirmChannel();
    await ch.assertQueue(bigQueue, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    ch.sendToQueue(bigQueue, Buffer.from(body), { type: 'Big' });
    await ch.waitForConfirms();
    try {
      const code = 'export default { init: () => 0, when: { Big: (s, e) => e.data.blob.length } };';
      for (const source of [
        { connectionId: kafkaId, target: { type: 'kafka-partition' as const, topic: bigTopic, partition: 0 }, from: { type: 'start' as const }, to: null },
        { connectionId: rabbitId, target: { type: 'rabbit-stream' as const, vhost: '/', queue: bigQueue }, from: { type: 'start' as const }, to: null },
      ]) {
        const run = await rebuild({ code, source });
        expect(run.summary.state).toBe(300 * 1024);
      }
    } finally {
      await admin.deleteTopics({ topics: [bigTopic] }).catch(() => undefined);
      await ch.deleteQueue(bigQueue).catch(() => undefined);
      await ch.close();
    }
  });

  it('lists the events that touched a partition for broker runs too, by reading them again', async () => {
    const local = await rebuild({ code: balances, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: null } });
    const byPartition = await rebuild({ code: balances, source: { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, to: null } });
    const byTopic = await rebuild({ code: balances, source: { connectionId: kafkaId, target: { type: 'kafka-topic', topic: spread }, from: { type: 'start' }, to: null } });
    const expected = await client.call('projections/partition', { runId: local.summary.runId, key: 'A-17' });
    expect(expected.positions.length).toBeGreaterThan(3);
    // Offsets start at 0 where positions start at 1; the merged topic numbers records as the store does.
    const fromPartition = await client.call('projections/partition', { runId: byPartition.summary.runId, key: 'A-17' });
    expect(fromPartition.positions).toEqual(expected.positions.map((p) => p - 1));
    expect(fromPartition.state).toEqual(expected.state);
    const fromTopic = await client.call('projections/partition', { runId: byTopic.summary.runId, key: 'A-17', limit: 3 });
    expect(fromTopic).toMatchObject({ positions: expected.positions.slice(0, 3), truncated: true });
  });
});
