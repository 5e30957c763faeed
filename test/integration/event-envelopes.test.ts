import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { cloudEventsAmqp, cloudEventsJava, cloudEventsNpmKafka, cloudEventsNpmKafkaBatch, kurrentEventsKafka, nserviceBusMessages, nserviceBusTime } from '../tools/envelope-inputs';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';
import { AMQP_URL } from '../tools/rabbit-tools';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Records as other software writes them, read by Rewind as the events they carry (issue 19): the
 * CloudEvents Java and npm SDKs on Kafka in both modes, the CloudEvents AMQP binding on RabbitMQ with
 * both prefixes and in structured mode, NServiceBus- and KurrentDB-shaped messages, a hand-rolled
 * envelope under Spring's class header, and a record that claims CloudEvents without an id (kcat).
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let kafkaId: string;
let rabbitId: string;
let conn: ChannelModel;
let ch: ConfirmChannel;
const topic = unique('envelopes');
const stream = unique('envelopes-stream');

const TIME_OFFSET = '2026-03-01T10:15:30.250+02:00';
const TIME_UTC = '2026-03-01T08:15:30.250Z';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-envelopes-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  await createTopic(topic);
  const ce = { source: '/shop/orders', subject: 'order-7', time: TIME_OFFSET, datacontenttype: 'application/json', data: { order: 'o-7', amount: 12 } };
  const extensions = { correlationid: 'corr-7', causationid: 'cause-7', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tenant: 'eu' };
  await cloudEventsJava(topic, [
    { ...ce, id: 'java-bin', type: 'com.acme.order.placed', mode: 'binary', key: 'o-7', extensions },
    { ...ce, id: 'java-str', type: 'com.acme.order.placed', mode: 'structured', extensions },
  ]);
  await cloudEventsNpmKafka(topic, [
    { ...ce, id: 'npm-bin', type: 'com.acme.order.shipped', mode: 'binary', extensions },
    { ...ce, id: 'npm-str', type: 'com.acme.order.shipped', mode: 'structured', extensions },
  ]);
  await kurrentEventsKafka(topic, [{ stream: 'order-8', eventType: 'OrderPaid', eventId: 'kurrent-1', data: { amount: 3 }, correlationId: 'corr-8', causationId: 'cause-8' }]);
  kcatProduce(topic, [
    // Spring's class header beside a team's own envelope in the value: the envelope names the event.
    {
      key: 'o-9',
      headers: ['__TypeId__=java.util.LinkedHashMap'],
      value: Buffer.from(JSON.stringify({ eventId: 'hand-1', eventType: 'OrderCancelled', occurredAt: '2026-03-02T00:00:00Z', source: 'orders-svc', correlationId: 'corr-9', data: { order: 'o-9' } })),
    },
    // snake_case twin, with epoch milliseconds.
    { key: 'o-10', value: Buffer.from(JSON.stringify({ event_id: 'hand-2', event_type: 'order_refunded', timestamp: 1772409600000, causation_id: 'cause-10', payload: {} })) },
    // Claims to be a CloudEvent, without the id the spec requires.
    { key: 'o-11', headers: ['ce_specversion=1.0', 'ce_type=com.acme.broken', 'ce_source=/x'], value: Buffer.from('{}') },
  ]);

  await cloudEventsNpmKafkaBatch(topic, [
    { id: 'batch-1', type: 'com.acme.order.placed', source: '/shop', time: '2026-03-01T10:00:00+01:00', data: { order: 'o-1' } },
    { id: 'batch-2', type: 'com.acme.order.paid', source: '/pay', time: '2026-03-01T11:00:00Z', data: { order: 'o-1', amount: 5 } },
  ]);

  conn = await amqp.connect(AMQP_URL);
  ch = await conn.createConfirmChannel();
  await ch.assertQueue(stream, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  await cloudEventsAmqp(ch, stream, [
    { ...ce, id: 'amqp-colon', type: 'com.acme.order.placed', mode: 'binary', prefix: 'cloudEvents:', extensions },
    { ...ce, id: 'amqp-underscore', type: 'com.acme.order.placed', mode: 'binary', prefix: 'cloudEvents_', timeAsTimestamp: true, extensions },
    { ...ce, id: 'amqp-str', type: 'com.acme.order.placed', mode: 'structured', extensions },
  ]);
  nserviceBusMessages(ch, stream, [
    { messageType: 'Sales.Messages.Events.OrderPlaced', body: { orderId: 'o-12' }, messageId: 'nsb-1', conversationId: 'conv-1', relatedTo: 'nsb-0', timeSent: new Date('2026-03-03T04:05:06.789Z') },
  ]);
  await ch.waitForConfirms();
}, 240_000);

afterAll(async () => {
  await ch?.deleteQueue(stream).catch(() => undefined);
  await conn?.close().catch(() => undefined);
  await context?.close();
  await deleteTopics([topic]);
  rmSync(dir, { recursive: true, force: true });
});

async function kafkaRecords(): Promise<Map<string, Envelope>> {
  const page = await client.call('topics/page', { connectionId: kafkaId, topic, partitions: null, from: { type: 'start' }, direction: 'forward', limit: 50 });
  return byKey(page.records);
}

async function streamMessages(): Promise<Map<string, Envelope>> {
  const rows: Envelope[] = [];
  await client.stream(
    'records/read',
    { connectionId: rabbitId, target: { type: 'rabbit-stream', vhost: '/', queue: stream }, from: { type: 'start' }, limit: 50 },
    { onBatch: (b: Envelope[]) => rows.push(...b) },
  );
  return byKey(rows);
}

/** Rows by what names them to a reader: the event id, else the record key. */
function byKey(rows: Envelope[]): Map<string, Envelope> {
  return new Map(rows.map((r) => [r.id ?? (r.key?.kind === 'text' ? r.key.text : r.position), r]));
}

describe('a CloudEvents batch (the npm SDK’s events, in the JSON batch format)', () => {
  it('is shown as its events, each with its own attributes', async () => {
    const page = await client.call('topics/page', { connectionId: kafkaId, topic, partitions: null, from: { type: 'start' }, direction: 'forward', limit: 50 });
    const batch = page.records.find((r) => r.event?.format.includes('batch'))!;
    expect(batch.event).toMatchObject({ format: 'CloudEvents 1.0, batch of 2 events', contentType: 'application/cloudevents-batch+json' });
    expect(batch.event!.batch).toEqual([
      // The SDK writes each time in UTC.
      { id: 'batch-1', type: 'com.acme.order.placed', source: '/shop', subject: null, time: '2026-03-01T09:00:00.000Z', timeText: '2026-03-01T09:00:00.000Z', data: '{"order":"o-1"}' },
      { id: 'batch-2', type: 'com.acme.order.paid', source: '/pay', subject: null, time: '2026-03-01T11:00:00.000Z', timeText: '2026-03-01T11:00:00.000Z', data: '{"order":"o-1","amount":5}' },
    ]);
  });
});

describe('CloudEvents on Kafka, written by the official SDKs', () => {
  it('binary and structured mode from Java and npm show the same envelope, with the event time and not the record time', async () => {
    const rows = await kafkaRecords();
    for (const [id, mode] of [
      ['java-bin', 'binary'],
      ['java-str', 'structured'],
      ['npm-bin', 'binary'],
      ['npm-str', 'structured'],
    ] as const) {
      const r = rows.get(id);
      expect(r, id).toBeDefined();
      expect(r!.event?.format, id).toBe(`CloudEvents 1.0, ${mode} mode`);
      expect([r!.type, r!.correlationId, r!.causationId], id).toEqual([id.startsWith('java') ? 'com.acme.order.placed' : 'com.acme.order.shipped', 'corr-7', 'cause-7']);
      expect([r!.event?.source, r!.event?.subject, r!.event?.traceparent], id).toEqual(['/shop/orders', 'order-7', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']);
      // The SDKs may normalise the offset; the instant is the same, and it is not the record's own time.
      expect(r!.event?.time, id).toBe(TIME_UTC);
      // The npm SDK sets the record's time to the event's; the Java SDK leaves the producer's.
      if (id.startsWith('java')) expect(r!.timestamp, id).not.toBe(TIME_UTC);
      expect(r!.event?.extensions.find((x) => x.name === 'tenant')?.value, id).toBe('eu');
      expect(r!.rules?.type, id).toMatch(mode === 'binary' ? /^CloudEvents, binary mode, Kafka header ce_type$/ : /^CloudEvents, structured mode, attribute type$/);
    }
    expect(rows.get('npm-str')!.rules?.format).toBe('header content-type: application/cloudevents+json');
    expect(rows.get('java-bin')!.rules?.format).toBe('Kafka header ce_specversion');
    // The Java SDK writes the key it was given; the binding reads it as the partition key.
    expect(rows.get('java-bin')!.event?.partitionKey).toBe('o-7');
    expect(rows.get('java-bin')!.event?.contentType).toBe('application/json');
  });

  it('a record that claims CloudEvents without an id says what is wrong', async () => {
    const r = (await kafkaRecords()).get('o-11')!;
    expect(r.event?.format).toBe('CloudEvents 1.0, binary mode');
    expect(r.id).toBeNull();
    expect(r.type).toBe('com.acme.broken');
    expect(r.event?.problem).toMatch(/no id/);
  });
});

describe('envelopes in the payload and framework headers', () => {
  it("a hand-rolled envelope names the event, and Spring's class header is kept as the payload's Java class", async () => {
    const rows = await kafkaRecords();
    const r = rows.get('hand-1')!;
    expect([r.type, r.correlationId, r.event?.source, r.event?.time, r.event?.javaClass]).toEqual(['OrderCancelled', 'corr-9', 'orders-svc', '2026-03-02T00:00:00.000Z', 'java.util.LinkedHashMap']);
    expect(r.rules?.type).toBe('payload field eventType (an envelope in the payload)');
    const snake = rows.get('hand-2')!;
    expect([snake.type, snake.causationId, snake.event?.time]).toEqual(['order_refunded', 'cause-10', '2026-03-02T00:00:00.000Z']);
  });

  it('a KurrentDB event forwarded to Kafka: id and type from its item, correlation and causation from its metadata', async () => {
    const r = (await kafkaRecords()).get('kurrent-1')!;
    expect([r.type, r.correlationId, r.causationId]).toEqual(['OrderPaid', 'corr-8', 'cause-8']);
    expect(r.rules?.correlationId).toBe('header $correlationId (EventStoreDB metadata)');
  });
});

describe('CloudEvents and NServiceBus on RabbitMQ', () => {
  it("binary mode with either prefix, a time as an AMQP timestamp, and structured mode show the same fields as Kafka's", async () => {
    const rows = await streamMessages();
    for (const id of ['amqp-colon', 'amqp-underscore', 'amqp-str']) {
      const r = rows.get(id);
      expect(r, id).toBeDefined();
      expect(r!.event?.format, id).toBe(`CloudEvents 1.0, ${id === 'amqp-str' ? 'structured' : 'binary'} mode`);
      expect([r!.type, r!.correlationId, r!.causationId, r!.event?.source, r!.event?.subject], id).toEqual(['com.acme.order.placed', 'corr-7', 'cause-7', '/shop/orders', 'order-7']);
    }
    expect(rows.get('amqp-colon')!.event?.time).toBe(TIME_UTC);
    expect(rows.get('amqp-colon')!.event?.timeText).toBe(TIME_OFFSET);
    expect(rows.get('amqp-colon')!.rules?.id).toBe('CloudEvents, binary mode, AMQP application property cloudEvents:id');
    // An AMQP timestamp holds whole seconds.
    expect(rows.get('amqp-underscore')!.event?.time).toBe('2026-03-01T08:15:30.000Z');
    expect(rows.get('amqp-underscore')!.rules?.time).toMatch(/cloudEvents_time \(an AMQP timestamp\)$/);
    expect(rows.get('amqp-underscore')!.event?.contentType).toBe('application/json');
  });

  it('an NServiceBus message: its ids, conversation, related-to and its own time format', async () => {
    const r = (await streamMessages()).get('nsb-1')!;
    expect(r.event?.format).toBe('NServiceBus headers');
    expect([r.type, r.correlationId, r.causationId]).toEqual(['Sales.Messages.Events.OrderPlaced', 'nsb-1', 'nsb-0']);
    expect(r.event?.time).toBe('2026-03-03T04:05:06.789Z');
    expect(r.event?.timeText).toBe(nserviceBusTime(new Date('2026-03-03T04:05:06.789Z'), 123));
  });
});
