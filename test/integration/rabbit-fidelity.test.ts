import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { AMQP_URL, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * RabbitMQ messages published by a raw amqplib channel and by the management API (not by
 * Rewind), read back through Rewind's API: the body byte for byte as the management API's own
 * `get` returns it in base64, every AMQP property, every header field type.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let conn: ChannelModel;
let rabbitId: string;
const classic = unique('rewind-fid-classic');
const stream = unique('rewind-fid-stream');
const AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');

async function management(path: string, body: unknown): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:15672/api${path}`, { method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

type MgmtMessage = { payload: string; payload_encoding: string; properties: Record<string, unknown> };
/** The management API's own view of the head of a queue, requeued. */
const managementGet = async (queue: string, count: number) =>
  (await management(`/queues/%2F/${encodeURIComponent(queue)}/get`, { count, ackmode: 'ack_requeue_true', encoding: 'base64' })) as MgmtMessage[];

const body = (e: Envelope): Buffer => {
  const p = e.payload;
  if (p.kind === 'binary') return Buffer.from(p.base64, 'base64');
  if (p.kind === 'text' || p.kind === 'json') return Buffer.from(p.text, 'utf8');
  return Buffer.alloc(0);
};
const prop = (e: Envelope, name: string) => e.properties.find((p) => p.name === name)?.value ?? null;
const header = (e: Envelope, name: string) => e.headers.find((h) => h.name === name);

const PROPERTIES = {
  contentType: 'application/octet-stream',
  contentEncoding: 'identity',
  messageId: 'm-1',
  correlationId: 'c-1',
  type: 'OrderPlaced',
  appId: 'billing',
  userId: 'guest',
  timestamp: 1_700_000_000,
  deliveryMode: 2,
  priority: 5,
  replyTo: 'replies',
  expiration: '600000',
};
const HEADERS = {
  long: 123,
  big: 2 ** 40,
  float: 1.5,
  dec: { '!': 'decimal', value: { places: 2, digits: 12345 } },
  ts: { '!': 'timestamp', value: 1_700_000_000 },
  bytes: Buffer.from([0x00, 0xff]),
  table: { a: 1, b: 'x', when: { '!': 'timestamp', value: 1_600_000_000 } },
  arr: [1, 'two', { c: true }],
  bool: true,
  nul: null,
  str: 'héllo',
};
const BODY = Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x7b, 0x7d]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-rfid-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue(classic, { durable: true });
  await ch.assertQueue(stream, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  ch.sendToQueue(classic, BODY, { ...PROPERTIES, headers: HEADERS } as never);
  // RabbitMQ 3.10 closes the connection when a decimal header goes into a stream (its AMQP 1.0
  // conversion fails): streams get every other type.
  const { dec: _dec, ...streamHeaders } = HEADERS;
  ch.sendToQueue(stream, BODY, { ...PROPERTIES, headers: streamHeaders } as never);
  await ch.waitForConfirms();
  await ch.close();
  // A second message as the management UI's "Publish message" makes it.
  await management('/exchanges/%2F/amq.default/publish', {
    routing_key: classic,
    payload: 'plain text from the UI',
    payload_encoding: 'string',
    properties: { headers: { via: 'management' }, content_type: 'text/plain' },
  });
});

afterAll(async () => {
  await context.close();
  const ch = await conn.createChannel();
  for (const q of [classic, stream]) await ch.deleteQueue(q).catch(() => undefined);
  await conn.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectTheMessage(e: Envelope, { decimal = true, nested = true } = {}) {
  expect(body(e)).toEqual(BODY);
  expect(Object.fromEntries(e.properties.map((p) => [p.name, p.value]))).toEqual({
    content_type: 'application/octet-stream',
    content_encoding: 'identity',
    delivery_mode: '2',
    priority: '5',
    correlation_id: 'c-1',
    reply_to: 'replies',
    expiration: '600000',
    message_id: 'm-1',
    timestamp: '2023-11-14T22:13:20.000Z',
    type: 'OrderPlaced',
    user_id: 'guest',
    app_id: 'billing',
  });
  const typed = Object.fromEntries(e.headers.map((h) => [h.name, { value: h.value, type: h.type, binary: h.binary ?? false }]));
  const { dec, table, arr, ...others } = typed;
  // 2 places of 12345: the exact decimal (the management API itself shows 2.12345).
  expect(dec).toEqual(decimal ? { value: '123.45', type: 'decimal', binary: false } : undefined);
  expect(table).toEqual(nested ? { value: '{"a":1,"b":"x","when":"2020-09-13T12:26:40.000Z"}', type: 'table', binary: false } : undefined);
  expect(arr).toEqual(nested ? { value: '[1,"two",{"c":true}]', type: 'array', binary: false } : undefined);
  expect(others).toEqual({
    long: { value: '123', type: 'integer', binary: false },
    big: { value: '1099511627776', type: 'integer', binary: false },
    float: { value: '1.5', type: 'float', binary: false },
    ts: { value: '2023-11-14T22:13:20.000Z', type: 'timestamp', binary: false },
    bytes: { value: 'AP8=', type: 'bytes', binary: true },
    bool: { value: 'true', type: 'boolean', binary: false },
    nul: { value: null, type: 'void', binary: false },
    str: { value: 'héllo', type: 'string', binary: false },
  });
}

describe('RabbitMQ messages read back as the broker holds them', () => {
  it('a classic queue, peeked: body equal to the management API get, every property and header type', async () => {
    const oracle = await managementGet(classic, 2);
    const peek = await client.call('dead-letters/peek', { connectionId: rabbitId, ref: { type: 'rabbit-queue', vhost: '/', name: classic }, limit: 2, acceptRedelivered: true });
    expect(peek.messages).toHaveLength(2);
    peek.messages.forEach((m, i) => expect(body(m.envelope).toString('base64')).toBe(oracle[i]!.payload));
    expectTheMessage(peek.messages[0]!.envelope);
    const fromUi = peek.messages[1]!.envelope;
    expect(fromUi.payload).toMatchObject({ kind: 'text', text: 'plain text from the UI' });
    expect(prop(fromUi, 'content_type')).toBe('text/plain');
    expect(header(fromUi, 'via')).toEqual({ name: 'via', value: 'management', type: 'string' });
    // The management API's properties agree with ours where it renders them faithfully.
    const p = oracle[0]!.properties;
    expect([p.message_id, p.correlation_id, p.type, p.app_id, p.priority, p.delivery_mode, p.timestamp]).toEqual(['m-1', 'c-1', 'OrderPlaced', 'billing', 5, 2, 1_700_000_000]);
  });

  it('a stream queue, read by offset: the same bytes, properties and types', async () => {
    const items: Envelope[] = [];
    await client.stream(
      'records/read',
      { connectionId: rabbitId, target: { type: 'rabbit-stream', vhost: '/', queue: stream }, from: { type: 'start' }, limit: 10 },
      { onBatch: (b) => items.push(...b) },
    );
    expect(items).toHaveLength(1);
    expect(items[0]!.position).toBe('0');
    // A stream stores messages as AMQP 1.0, whose application properties hold simple values only:
    // RabbitMQ keeps no nested table or array there, so there is none to show.
    expectTheMessage(items[0]!, { decimal: false, nested: false });
  });
});
