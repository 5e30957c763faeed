import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { EXAMPLES } from '../../src/projections/examples';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { AMQP_URL, KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

const balances = EXAMPLES.find((e) => e.name === 'Account balances')!.source;
const picky = balances.replace(
  'MoneyWithdrawn: (s: Balance, e) => ({',
  "MoneyWithdrawn: (s: Balance, e) => { if (e.data.amount > 300) throw new Error('limit exceeded: ' + e.data.amount); return s; }, Unused: (s: Balance, e) => ({",
);

let dir: string;
let context: AppContext;
let client: RewindClient;
let conn: ChannelModel;
let ch: Channel;
let admin: Admin;
const orders = unique('rewind-orders');
const ordersDlq = `${orders}.dlq`;
const quorumDlq = `${unique('rewind-quorum')}.dlq`;
const paymentsDlt = `${unique('rewind-payments')}.DLT`;
let rabbitId: string;
let kafkaId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-dlq-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);

  // RabbitMQ: three orders rejected by a consumer, dead-lettered by the broker itself.
  conn = await amqp.connect(AMQP_URL);
  ch = await conn.createChannel();
  await ch.assertQueue(ordersDlq, { durable: true });
  await ch.assertQueue(orders, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': ordersDlq } });
  await ch.assertQueue(quorumDlq, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 5 } });
  for (const n of [1, 2, 3]) ch.sendToQueue(orders, Buffer.from(JSON.stringify({ order: n })), { type: 'OrderPlaced', messageId: `order-${n}` });
  for (let i = 0; i < 3; i++) {
    const m = await waitForMessage(ch, orders);
    ch.nack(m, false, false);
  }
  await waitForDepth(ch, ordersDlq, 3);

  // Kafka: a dead-letter topic as Spring Kafka writes it.
  const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: paymentsDlt, numPartitions: 2 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  for (const n of [1, 2, 3]) {
    await producer.send({
      topic: paymentsDlt,
      messages: [
        {
          key: `p-${n}`,
          value: JSON.stringify({ payment: n }),
          timestamp: String(Date.now() - (3 - n) * 1000),
          headers: { 'kafka_dlt-exception-fqcn': 'java.lang.IllegalStateException', 'kafka_dlt-exception-message': `card declined ${n}`, 'kafka_dlt-original-topic': 'payments' },
        },
      ],
    });
  }
  await producer.disconnect();

  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'rabbit', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'kafka', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;

  // The store: a subscription that parks the big withdrawals.
  await client.call('subscriptions/save', { connectionId: 'local', name: 'balances', code: picky, maxAttempts: 2 });
  await client.stream('subscriptions/catch-up', { connectionId: 'local', name: 'balances' });
});

afterAll(async () => {
  await context.close();
  for (const q of [orders, ordersDlq, quorumDlq]) await ch.deleteQueue(q).catch(() => undefined);
  await conn.close();
  await admin.deleteTopics({ topics: [paymentsDlt] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function waitForMessage(channel: Channel, queue: string) {
  for (let i = 0; i < 100; i++) {
    const m = await channel.get(queue, { noAck: false });
    if (m) return m;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing arrived on ${queue}`);
}

async function waitForDepth(channel: Channel, queue: string, depth: number) {
  for (let i = 0; i < 100; i++) {
    if ((await channel.checkQueue(queue)).messageCount === depth) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${queue} never held ${depth} messages`);
}

describe('one dead-letter view', () => {
  it('lists RabbitMQ dead-letter queues, Kafka dead-letter topics and parked events together', async () => {
    const { sources, unreachable } = await client.call('dead-letters/list', {});
    expect(unreachable).toEqual([]);
    const parked = context.store.database.prepare("SELECT count(*) FROM parked_events WHERE subscription = 'balances'").pluck().get() as number;
    expect(parked).toBeGreaterThan(0);
    expect(sources.find((s) => s.ref.type === 'store-subscription' && s.ref.name === 'balances')).toMatchObject({
      connectionId: 'local',
      kind: 'store',
      depth: { value: parked, exact: true },
      unavailable: null,
    });
    expect(sources.find((s) => s.ref.name === paymentsDlt)).toMatchObject({ connectionId: kafkaId, kind: 'kafka', depth: { value: 3 } });
    expect(sources.find((s) => s.ref.name === ordersDlq)).toMatchObject({ connectionId: rabbitId, kind: 'rabbitmq', ref: { type: 'rabbit-queue', vhost: '/', name: ordersDlq }, unavailable: null });
    // A quorum DLQ is listed like any other; its redrive takes and acks, so its delivery limit never counts.
    expect(sources.find((s) => s.ref.name === quorumDlq)).toMatchObject({ kind: 'rabbitmq', unavailable: null });
    // Only dead-letter resources: the source queue is not one.
    expect(sources.some((s) => s.ref.name === orders)).toBe(false);
  });

  it('peeks a classic queue only when asked to, since a peek marks messages redelivered', async () => {
    const e = await client.call('dead-letters/peek', { connectionId: rabbitId, ref: { type: 'rabbit-queue', vhost: '/', name: ordersDlq }, limit: 100 }).catch((err: Error) => err);
    expect((e as Error).message).toMatch(/marks each one redelivered/);
    const first = await waitForMessage(ch, ordersDlq);
    expect(first.fields.redelivered).toBe(false);
    ch.nack(first, false, true);
    await waitForDepth(ch, ordersDlq, 3);
  });

  it('peeks a RabbitMQ dead-letter queue with why each message died, and leaves every message in place, in order', async () => {
    const peek = await client.call('dead-letters/peek', { connectionId: rabbitId, ref: { type: 'rabbit-queue', vhost: '/', name: ordersDlq }, limit: 100, acceptRedelivered: true });
    expect(peek.depth).toEqual({ value: 3, exact: true });
    expect(peek.messages.map((m) => m.envelope.id)).toEqual(['order-1', 'order-2', 'order-3']);
    // Each message's place in the queue, not a delivery tag.
    expect(peek.messages.map((m) => m.envelope.position)).toEqual(['1', '2', '3']);
    expect(peek.messages[0]!.death).toMatchObject({ reason: 'rejected', origin: orders, attempts: 1, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), first: { reason: 'rejected', queue: orders } });
    expect(peek.messages[0]!.death.history).toEqual([{ count: 1, reason: 'rejected', queue: orders, exchange: '', routingKeys: [orders], time: expect.any(String), originalExpiration: null }]);
    expect(peek.note).toBe('The first 3 of 3 messages, each put back in its place (none acknowledged); RabbitMQ now marks them redelivered.');

    // The broker still holds all three, first one first.
    expect((await ch.checkQueue(ordersDlq)).messageCount).toBe(3);
    const first = await waitForMessage(ch, ordersDlq);
    expect(first.properties.messageId).toBe('order-1');
    ch.nack(first, false, true);
    await waitForDepth(ch, ordersDlq, 3);

    const two = await client.call('dead-letters/peek', { connectionId: rabbitId, ref: { type: 'rabbit-queue', vhost: '/', name: ordersDlq }, limit: 2, acceptRedelivered: true });
    expect(two.messages.map((m) => m.envelope.id)).toEqual(['order-1', 'order-2']);
    expect((await ch.checkQueue(ordersDlq)).messageCount).toBe(3);
  });

  it('refuses to peek a quorum queue with a delivery limit, where a requeue counts as a delivery', async () => {
    const e = await client
      .call('dead-letters/peek', { connectionId: rabbitId, ref: { type: 'rabbit-queue', vhost: '/', name: quorumDlq }, limit: 10, acceptRedelivered: true })
      .catch((err: Error) => err);
    expect((e as Error).message).toMatch(/is a quorum queue with a delivery limit of 5/);
  });

  it('shows the newest records of a Kafka dead-letter topic with the exception from their headers', async () => {
    const peek = await client.call('dead-letters/peek', { connectionId: kafkaId, ref: { type: 'kafka-topic', name: paymentsDlt }, limit: 2 });
    expect(peek.messages.map((m) => m.death.reason)).toEqual(['java.lang.IllegalStateException: card declined 3', 'java.lang.IllegalStateException: card declined 2']);
    expect(peek.messages[0]!.death.origin).toBe('payments');
    expect(peek.messages[0]!.death.kafka).toMatchObject({ convention: 'spring', topic: 'payments', exceptionClass: 'java.lang.IllegalStateException', message: 'card declined 3' });
    expect(peek.depth.value).toBe(3);
  });

  it('shows parked events with the error that parked them', async () => {
    const peek = await client.call('dead-letters/peek', { connectionId: 'local', ref: { type: 'store-subscription', name: 'balances' }, limit: 500 });
    const parked = await client.call('subscriptions/parked', { connectionId: 'local', name: 'balances' });
    expect(peek.messages.map((m) => Number(m.envelope.position))).toEqual(parked.map((p) => p.position));
    expect(peek.messages[0]!.death).toMatchObject({ reason: expect.stringMatching(/^Error: limit exceeded: \d+$/), origin: 'subscription balances', attempts: 2, at: parked[0]!.parkedAt });
    expect(peek.messages[0]!.envelope.type).toBe('MoneyWithdrawn');
  });

  it('lists a broker that does not answer as unreachable, and still lists the rest', async () => {
    const dead = await client.call('connections/save', { kind: 'rabbitmq', name: 'gone', host: '127.0.0.1', port: 1, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 1 });
    try {
      const { sources, unreachable } = await client.call('dead-letters/list', {});
      expect(unreachable).toEqual([{ connectionId: dead.id, connectionName: 'gone', message: expect.stringMatching(/127\.0\.0\.1:1/) }]);
      expect(sources.some((s) => s.ref.name === ordersDlq)).toBe(true);
    } finally {
      await client.call('connections/delete', { connectionId: dead.id });
    }
  });
});
