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
import { AMQP_URL, KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

const balances = EXAMPLES.find((e) => e.name === 'Account balances')!.source;
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let amqpConn: ChannelModel;
const topic = unique('rewind-proj-topic');
const queue = unique('rewind-proj-stream');
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
  await producer.disconnect();
  amqpConn = await amqp.connect(AMQP_URL);
  const ch = await amqpConn.createConfirmChannel();
  await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  for (const e of events) ch.sendToQueue(queue, Buffer.from(e.data), { type: e.eventType, timestamp: Math.floor(Date.parse(e.recordedAt) / 1000) });
  await ch.waitForConfirms();
  await ch.close();

  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  rabbitId = (await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })).id;
});

afterAll(async () => {
  await context.close();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
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
    const pending = client.stream('projections/rebuild', { code: slow, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: null } }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const e = await pending.catch((err: { code?: string }) => err);
    expect((e as { code: string }).code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
