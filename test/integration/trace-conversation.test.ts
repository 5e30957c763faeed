import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { TraceItem, TraceMember, TraceRequest } from '../../src/model/trace';
import { traceKeyOf } from '../../src/model/trace';
import { cloudEventsNpmKafka, nserviceBusMessages } from '../tools/envelope-inputs';
import { REDIS_PORT } from '../tools/bull-workers';
import { createTopic, deleteTopics, kcatProduce, kcatProduceLines } from '../tools/kafka-tools';
import { AMQP_URL } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { startApp, type AppUnderTest } from './app-under-test';

/**
 * One conversation spread by real producers (issue 21): an NServiceBus-shaped command and its reply
 * (RelatedTo) on a RabbitMQ stream, CloudEvents from the npm SDK on an orders topic (the correlation
 * extension; one delivered twice; a version skipped), plain headers written by kcat on a payments
 * topic (one caused by a message that does not exist), a BullMQ job a real worker failed, and an
 * event in the local store. The trace finds every member and every finding, and nothing else.
 */
let app: AppUnderTest;
let client: RewindClient;
let kafkaId: string;
let rabbitId: string;
let redisId: string;
let conn: ChannelModel;
let ch: ConfirmChannel;
const orders = unique('trace-orders');
const payments = unique('trace-payments');
const crowd = unique('trace-crowd');
const stream = unique('trace-commands');
const queueName = unique('trace-charges');
const C = `conv-${randomUUID()}`;
const OTHER = `conv-${randomUUID()}`;
const REDIS_DB = 3;
const ids = {
  command: `cmd-${randomUUID()}`,
  accepted: `acc-${randomUUID()}`,
  placed: `evt-${randomUUID()}`,
  confirmed: `evt-${randomUUID()}`,
  payment: `pay-${randomUUID()}`,
  retried: `pay-${randomUUID()}`,
  invoice: randomUUID(),
};
let jobId: string;

function request(over: Partial<TraceRequest> = {}): TraceRequest {
  const now = Date.now();
  return {
    key: { by: 'correlation', value: C },
    origin: { where: { connectionId: kafkaId, connectionName: 'k', resourceType: 'kafka-topic', resource: orders, vhost: null }, position: '0', partition: 0, time: new Date(now).toISOString() },
    window: { from: new Date(now - 30 * 60_000).toISOString(), to: new Date(now + 30 * 60_000).toISOString() },
    connectionIds: ['local', kafkaId, rabbitId, redisId],
    only: { [kafkaId]: [orders, payments], [rabbitId]: [stream], [redisId]: [`${queueName} · failed`, `${queueName} · completed`] },
    bound: 10_000,
    ...over,
  };
}

async function trace(req: TraceRequest) {
  const items: TraceItem[] = [];
  const summary = await client.stream('trace/run', req, { onBatch: (batch) => items.push(...batch) });
  const members = items.flatMap((i) => (i.kind === 'members' ? i.members : []));
  return { summary, members, items };
}

const idsOf = (members: TraceMember[]) => members.map((m) => m.record.id).sort();

beforeAll(async () => {
  app = startApp('trace');
  client = app.client;
  kafkaId = await app.kafka();
  rabbitId = await app.rabbit();
  redisId = await app.redis(REDIS_DB);
  await createTopic(orders);
  await createTopic(payments);

  // RabbitMQ: the command, and the reply it caused (NServiceBus's RelatedTo), with another conversation's beside them.
  conn = await amqp.connect(AMQP_URL);
  ch = await conn.createConfirmChannel();
  await ch.assertQueue(stream, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  nserviceBusMessages(ch, stream, [
    { messageType: 'Sales.Messages.Commands.PlaceOrder', body: { order: 'order-7' }, intent: 'Send', messageId: ids.command, conversationId: C, correlationId: C },
    { messageType: 'Sales.Messages.Commands.PlaceOrder', body: { order: 'order-8' }, intent: 'Send', conversationId: OTHER, correlationId: OTHER },
    { messageType: 'Sales.Messages.Events.OrderAccepted', body: { order: 'order-7' }, intent: 'Reply', messageId: ids.accepted, conversationId: C, correlationId: C, relatedTo: ids.command },
  ]);
  await ch.waitForConfirms();

  // Kafka, the CloudEvents npm SDK: OrderPlaced delivered twice (a producer retry), then version 3 of order-7 with no version 2.
  const time = new Date().toISOString();
  const placed = {
    id: ids.placed,
    source: '/orders',
    type: 'com.acme.order.placed',
    subject: 'order-7',
    time,
    data: { order: 'order-7', amount: 12 },
    extensions: { correlationid: C, causationid: ids.accepted, sequence: '1' },
  };
  await cloudEventsNpmKafka(orders, [
    { ...placed, mode: 'binary' },
    { ...placed, mode: 'binary' },
    { id: randomUUID(), source: '/orders', type: 'com.acme.order.placed', subject: 'order-8', data: { order: 'order-8' }, extensions: { correlationid: OTHER, sequence: '1' }, mode: 'binary' },
    {
      id: ids.confirmed,
      source: '/orders',
      type: 'com.acme.order.confirmed',
      subject: 'order-7',
      time: new Date(Date.parse(time) + 1000).toISOString(),
      data: { order: 'order-7' },
      extensions: { correlationid: C, causationid: ids.placed, sequence: '3' },
      mode: 'binary',
    },
  ]);
  // Kafka, kcat with plain headers: the payment, and a retry whose cause was never sent; a record with no ids at all.
  kcatProduce(payments, [
    { key: 'order-7', headers: [`message-id=${ids.payment}`, 'event-type=PaymentRequested', `correlation-id=${C}`, `causation-id=${ids.placed}`], value: Buffer.from('{"amount":12}') },
    { key: 'order-7', headers: [`message-id=${ids.retried}`, 'event-type=PaymentRetried', `correlation-id=${C}`, 'causation-id=ghost-99'], value: Buffer.from('{"amount":12}') },
    { key: 'order-9', value: Buffer.from(`{"note":"mentions ${C} in its text, but carries no ids"}`) },
  ]);

  // BullMQ: the charge, failed by a real worker; another conversation's charge completes.
  const connection = { host: '127.0.0.1', port: REDIS_PORT, db: REDIS_DB, maxRetriesPerRequest: null };
  const queue = new Queue(queueName, { connection });
  jobId = String((await queue.add('charge-card', { eventId: `job-${C}`, eventType: 'ChargeCard', correlationId: C, causationId: ids.payment, data: { amount: 12 } }, { attempts: 1 })).id);
  await queue.add('charge-card', { eventId: `job-${OTHER}`, eventType: 'ChargeCard', correlationId: OTHER, data: { amount: 3 } }, { attempts: 1 });
  const worker = new Worker(
    queueName,
    async (job) => {
      if ((job.data as { correlationId: string }).correlationId === C) throw new Error('card declined');
      return 'ok';
    },
    { connection },
  );
  worker.on('error', () => undefined);
  for (let i = 0; i < 300; i++) {
    const counts = await queue.getJobCounts('failed', 'completed');
    if (counts['failed'] === 1 && counts['completed'] === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await worker.close();
  await queue.close();

  // The local store: the invoice, caused by the payment.
  await client.call('store/append', {
    connectionId: 'local',
    streamId: `invoice-${ids.invoice}`,
    expectedVersion: 'any',
    events: [{ id: ids.invoice, type: 'InvoiceIssued', data: { order: 'order-7' }, metadata: { correlationId: C, causationId: ids.payment } }],
  });
  await client.call('store/append', {
    connectionId: 'local',
    streamId: `invoice-${randomUUID()}`,
    expectedVersion: 'any',
    events: [{ type: 'InvoiceIssued', data: {}, metadata: { correlationId: OTHER } }],
  });
}, 180_000);

afterAll(async () => {
  await ch?.deleteQueue(stream).catch(() => undefined);
  await conn?.close().catch(() => undefined);
  const r = new Redis({ host: '127.0.0.1', port: REDIS_PORT, db: REDIS_DB });
  await r.flushdb();
  r.disconnect();
  await deleteTopics([orders, payments, crowd]);
  await app.close();
});

describe('a conversation across Kafka, RabbitMQ, BullMQ and the store', () => {
  it('finds every member, and only those', async () => {
    const { summary, members } = await trace(request());
    expect(summary.sources.map((s) => [s.connectionName, s.state])).toEqual([
      ['Local event store', 'done'],
      ['k', 'done'],
      ['r', 'done'],
      ['q', 'done'],
    ]);
    expect(idsOf(members)).toEqual([ids.command, ids.accepted, ids.placed, ids.placed, ids.confirmed, ids.payment, ids.retried, `job-${C}`, ids.invoice].sort());
    expect(summary.members).toBe(9);
    const where = Object.fromEntries(members.map((m) => [m.record.id, m.where.resource]));
    expect(where).toEqual({
      [ids.command]: stream,
      [ids.accepted]: stream,
      [ids.placed]: orders,
      [ids.confirmed]: orders,
      [ids.payment]: payments,
      [ids.retried]: payments,
      [`job-${C}`]: `${queueName} · failed`,
      [ids.invoice]: '$all',
    });
    // Causation as each convention writes it: NServiceBus's RelatedTo, the CloudEvents extension, a plain header, the job's envelope, the store's metadata.
    const cause = Object.fromEntries(members.map((m) => [m.record.id, m.record.causationId]));
    expect(cause[ids.accepted]).toBe(ids.command);
    expect(cause[ids.placed]).toBe(ids.accepted);
    expect(cause[`job-${C}`]).toBe(ids.payment);
    expect(cause[ids.invoice]).toBe(ids.payment);
    // The failed job is the dead step, and only it.
    expect(members.filter((m) => m.dead !== null).map((m) => [m.record.id, m.dead])).toEqual([[`job-${C}`, expect.stringContaining('card declined')]]);
    expect(members.find((m) => m.record.id === `job-${C}`)!.record.headers.find((h) => h.name === 'job id')?.value).toBe(jobId);
  }, 120_000);

  it('flags the duplicate, the orphan and the version gap, and nothing else', async () => {
    const { summary } = await trace(request());
    expect(summary.findings.map((f) => f.kind).sort()).toEqual(['duplicate', 'orphan', 'version-gap']);
    const duplicate = summary.findings.find((f) => f.kind === 'duplicate')!;
    expect(duplicate.text).toContain(`Event ${ids.placed} was delivered 2 times`);
    expect(duplicate.text).toContain('the bytes are the same');
    expect(duplicate.refs.map((r) => [r.where.resource, r.position])).toEqual([
      [orders, '0'],
      [orders, '1'],
    ]);
    const orphan = summary.findings.find((f) => f.kind === 'orphan')!;
    expect(orphan.text).toContain('ghost-99');
    expect(orphan.refs.map((r) => [r.where.resource, r.position])).toEqual([[payments, '1']]);
    const gap = summary.findings.find((f) => f.kind === 'version-gap')!;
    expect(gap.text).toBe('order-7: version 1 is followed by 3; version 2 is not in this conversation.');
    expect(gap.refs.map((r) => r.position)).toEqual(['1', '3']);
  }, 120_000);

  it('follows a traceparent where a message has no correlation id', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    kcatProduce(payments, [
      { headers: [`traceparent=00-${traceId}-00f067aa0ba902b7-01`, 'event-type=RefundRequested', 'message-id=r-1'], value: Buffer.from('{}') },
      { headers: [`traceparent=00-${traceId}-b7ad6b7169203331-01`, 'event-type=RefundPaid', 'message-id=r-2'], value: Buffer.from('{}') },
      // What an OpenTelemetry-instrumented producer adds and nothing else.
      { key: 'otel-only', headers: [`traceparent=00-${traceId}-53995c3f42cd8ad8-01`], value: Buffer.from('{"refund":3}') },
    ]);
    // Typed in upper case, the trace id is the same one.
    const { summary, members } = await trace(request({ key: { by: 'trace', value: traceId.toUpperCase() } }));
    expect(members.map((m) => m.record.id ?? (m.record.key?.kind === 'text' ? m.record.key.text : '?')).sort()).toEqual(['otel-only', 'r-1', 'r-2']);
    expect(summary.findings).toEqual([]);
    expect(traceKeyOf(members.find((m) => m.record.id === null)!.record)).toEqual({ by: 'trace', value: traceId });
  }, 120_000);

  it('a connection named twice is looked in once; a window that ends before it starts is refused', async () => {
    const { summary, members } = await trace(request({ connectionIds: [kafkaId, kafkaId], only: { [kafkaId]: [orders, payments, 'no-such-topic'] } }));
    expect(summary.sources).toHaveLength(1);
    expect(members).toHaveLength(5);
    // Kafka alone: the placed event's cause (the reply on RabbitMQ) is not looked for, so both its deliveries are orphans too.
    expect(summary.findings.map((f) => f.kind).sort()).toEqual(['duplicate', 'orphan', 'orphan', 'orphan', 'version-gap']);
    expect(summary.sources[0]!.message).toContain('Not in this connection: no-such-topic.');
    const now = Date.now();
    await expect(trace(request({ window: { from: new Date(now).toISOString(), to: new Date(now - 1000).toISOString() } }))).rejects.toThrow("The window's start is after its end.");
  });

  it('a message with no correlation id and no traceparent has nothing to follow', async () => {
    const page = await client.call('topics/page', { connectionId: kafkaId, topic: payments, partitions: null, isolation: 'read_committed', from: { type: 'start' }, direction: 'forward', limit: 10 });
    const bare = page.records.find((r) => r.key?.kind === 'text' && r.key.text === 'order-9')!;
    expect(bare.id).toBeNull();
    expect(traceKeyOf(bare)).toBeNull();
    const withId = page.records.find((r) => r.id === ids.payment)!;
    expect(traceKeyOf(withId)).toEqual({ by: 'correlation', value: C });
  });

  it('a correlation id shared by 100,000 messages stops at the bound, says so, and a raised bound finds them all', async () => {
    const BIG = `big-${randomUUID()}`;
    await createTopic(crowd, {}, 3);
    for (let i = 0; i < 100_000; i += 25_000)
      kcatProduceLines(
        crowd,
        Array.from({ length: 25_000 }, (_, j) => JSON.stringify({ eventId: `e-${i + j}`, eventType: 'Clicked', correlationId: BIG, data: { n: i + j } })),
      );
    const base = request({ key: { by: 'correlation', value: BIG }, connectionIds: [kafkaId], only: { [kafkaId]: [crowd] } });
    const bounded = await trace({ ...base, bound: 1_000 });
    expect(bounded.summary.bounded).toBe(true);
    expect(bounded.members).toHaveLength(1_000);
    expect(bounded.summary.notes[0]).toContain('stopped at 1,000 messages, its bound');
    expect(bounded.summary.sources[0]!.state).toBe('stopped');
    const all = await trace({ ...base, bound: 200_000 });
    expect(all.summary.bounded).toBe(false);
    expect(all.summary.members).toBe(100_000);
    expect(new Set(all.members.map((m) => m.record.id)).size).toBe(100_000);
    expect(all.summary.findings).toEqual([]);
  }, 240_000);

  it('reads a Redis stream on past 200,000 entries in the window, to the member at its end', async () => {
    const r = new Redis({ host: '127.0.0.1', port: REDIS_PORT, db: REDIS_DB });
    const long = unique('trace-long');
    for (let i = 0; i < 210_000; i += 10_000) {
      const p = r.pipeline();
      for (let j = 0; j < 10_000; j++) p.xadd(long, '*', 'data', JSON.stringify({ n: i + j, correlationId: OTHER }));
      await p.exec();
    }
    await r.xadd(long, '*', 'type', 'StockReserved', 'correlationId', C, 'data', '{"sku":"s-1"}');
    r.disconnect();
    const { summary, members } = await trace(request({ connectionIds: [redisId], only: { [redisId]: [long] } }));
    expect(summary.sources[0]).toMatchObject({ state: 'done', scanned: 210_001, found: 1 });
    expect(members.map((m) => m.record.type)).toEqual(['StockReserved']);
  }, 120_000);
});

describe('a source that goes away mid-trace', () => {
  const PORT = 6393;
  let server: ChildProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rewind-trace-redis-'));
    server = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const r = new Redis({ port: PORT, host: '127.0.0.1', retryStrategy: (n) => (n > 50 ? null : 100) });
    r.on('error', () => undefined);
    // A stream long enough to be read while the server goes: none of it is in the conversation.
    for (let i = 0; i < 300_000; i += 10_000) {
      const p = r.pipeline();
      for (let j = 0; j < 10_000; j++) p.xadd('clicks', '*', 'data', JSON.stringify({ n: i + j, correlationId: OTHER }));
      await p.exec();
    }
    r.disconnect();
  }, 120_000);
  afterAll(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes with the others, and marks that source', async () => {
    const goneId = (await client.call('connections/save', { kind: 'redis', name: 'going', host: '127.0.0.1', port: PORT, tls: false, username: '', database: 0, prefix: 'bull' })).id;
    let killed = false;
    const items: TraceItem[] = [];
    const summary = await client.stream('trace/run', request({ connectionIds: [kafkaId, goneId], only: { [kafkaId]: [orders, payments] } }), {
      onBatch: (batch) => {
        items.push(...batch);
        if (!killed && batch.some((i) => i.kind === 'source' && i.source.connectionId === goneId && i.source.scanned > 0)) {
          killed = true;
          server.kill('SIGKILL');
        }
      },
    });
    expect(killed).toBe(true);
    const gone = summary.sources.find((s) => s.connectionId === goneId)!;
    expect(gone.state).toBe('failed');
    expect(gone.message).toMatch(/connect|closed|reach|ECONNREFUSED|Redis/i);
    expect(summary.sources.find((s) => s.connectionId === kafkaId)!.state).toBe('done');
    expect(summary.members).toBe(5);
    expect(summary.notes.join(' ')).toContain('Not looked in to the end: going');
  }, 120_000);
});
