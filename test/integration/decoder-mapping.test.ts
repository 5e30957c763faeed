import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { encode as cborEncode } from 'cbor-x';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import type { ScanItem } from '../../src/model/topic-scan';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';
import { PROTO_BROKEN, PROTO_BROKEN_ERROR, PROTO_GOOD, protobufjsEncode } from '../tools/registry-inputs';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import avro from 'avsc';
import amqp from 'amqplib';
import { AMQP_URL } from '../tools/rabbit-tools';

/**
 * Values no registry framed, read the way the user says: a topic pointed at a folder of .proto files
 * and a message type (protobufjs wrote the records), a decoder forced for a topic, and what the chain
 * finds on its own (MessagePack, CBOR, gzip'd JSON, schemaless Protobuf). The choice is saved with the
 * connection and survives a restart of the app.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let connectionId: string;
const topics = { proto: unique('map-proto'), packed: unique('map-packed') };

const open = () => {
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
};
const page = async (topic: string): Promise<Envelope[]> =>
  (await client.call('topics/page', { connectionId, topic, partitions: null, from: { type: 'start' }, direction: 'forward', limit: 100 })).records;
const parsed = (e: Envelope | undefined) => JSON.parse(e?.decoded?.text ?? 'null') as unknown;

const ORDERS = [
  { order_id: 'o-1', total: { currency: 'EUR', units: 991, nanos: 0 }, lines: [{ sku: 'A-1', quantity: 2 }], placed_at: { seconds: 1_796_000_000, nanos: 0 }, channel: 1, labels: { vip: 'yes' } },
  { order_id: 'o-2', total: { currency: 'EUR', units: 12, nanos: 500_000_000 }, lines: [], channel: 2 },
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-mapping-'));
  open();
  connectionId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  for (const t of Object.values(topics)) await createTopic(t);
  const values = protobufjsEncode(PROTO_GOOD, 'shop/orders.proto', 'shop.OrderPlaced', ORDERS);
  kcatProduce(
    topics.proto,
    values.map((value, i) => ({ key: `o-${i + 1}`, value })),
  );
  kcatProduce(topics.packed, [
    { key: 'msgpack', value: Buffer.from(msgpackEncode({ kind: 'msgpack', amount: 995, tags: ['a'] })) },
    { key: 'cbor', value: Buffer.from(cborEncode({ kind: 'cbor', amount: 3 })) },
    { key: 'gzip', value: gzipSync(Buffer.from('{"kind":"gzip","amount":999}')) },
    { key: 'json', value: Buffer.from('{"kind":"json","amount":1}') },
  ]);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await deleteTopics(Object.values(topics));
  rmSync(dir, { recursive: true, force: true });
});

describe('a topic pointed at a folder of .proto files', () => {
  it('lists the folder’s message types; a folder with a syntax error names its file and line', async () => {
    const folder = await client.call('decoding/proto-folder', { folder: PROTO_GOOD });
    expect(folder.messageTypes).toEqual(expect.arrayContaining(['shop.OrderPlaced', 'shop.OrderPlaced.Line', 'shop.common.Money', 'shop.payments.PaymentCaptured']));
    await expect(client.call('decoding/proto-folder', { folder: PROTO_BROKEN })).rejects.toThrow(new RegExp(`${PROTO_BROKEN_ERROR.file}, line ${PROTO_BROKEN_ERROR.line}`));
    await expect(client.call('decoding/proto-folder', { folder: join(PROTO_GOOD, 'shop', 'orders.proto') })).rejects.toThrow(/orders\.proto is a file, not a folder/);
    await expect(client.call('decoding/set', { connectionId, resource: topics.proto, choice: { decoder: 'proto-files', folder: PROTO_BROKEN, messageType: 'shop.OrderPlaced' } })).rejects.toThrow(
      /shop\/orders\.proto, line 9/,
    );
    await expect(client.call('decoding/set', { connectionId, resource: topics.proto, choice: { decoder: 'proto-files', folder: PROTO_GOOD, messageType: 'shop.Nope' } })).rejects.toThrow(
      /not a message type/,
    );
  });

  it('before: schemaless Protobuf, field numbers and wire types; after: the message with its names, searchable', async () => {
    const before = await page(topics.proto);
    expect(before[0]!.decoded).toMatchObject({ decoder: 'Protobuf (no schema)' });
    expect(parsed(before[0])).toMatchObject({ '1:len': 'o-1', '2:len': { '1:len': 'EUR', '2:varint': 991 } });
    await client.call('decoding/set', { connectionId, resource: topics.proto, choice: { decoder: 'proto-files', folder: PROTO_GOOD, messageType: 'shop.OrderPlaced' } });
    const after = await page(topics.proto);
    expect(after[0]!.decoded).toMatchObject({ decoder: 'Protobuf', problem: null, why: expect.stringContaining('shop.OrderPlaced') });
    expect(parsed(after[0])).toMatchObject({ order_id: 'o-1', total: { currency: 'EUR', units: '991' }, lines: [{ sku: 'A-1', quantity: 2 }], channel: 'CHANNEL_WEB', labels: { vip: 'yes' } });
    const hits: Envelope[] = [];
    await client.stream(
      'topics/search',
      { connectionId, topic: topics.proto, partitions: null, from: { type: 'start' }, to: null, filter: { json: '$.lines[0].sku == "A-1"' }, limit: 10, isolation: 'read_committed' },
      { onBatch: (items: ScanItem[]) => items.forEach((i) => i.kind === 'hits' && hits.push(...i.records)) },
    );
    expect(hits.map((h) => (parsed(h) as { order_id: string }).order_id)).toEqual(['o-1']);
  });

  it('is kept with the connection: the app restarted reads the topic the same way', async () => {
    await context.close();
    open();
    expect(await client.call('decoding/get', { connectionId, resource: topics.proto })).toMatchObject({ decoder: 'proto-files', messageType: 'shop.OrderPlaced' });
    expect(parsed((await page(topics.proto))[1])).toMatchObject({ order_id: 'o-2', channel: 'CHANNEL_STORE' });
  });
});

describe('the chain on its own, and a decoder forced', () => {
  it('reads MessagePack, CBOR and gzip’d JSON by themselves, and searches them', async () => {
    const rows = new Map((await page(topics.packed)).map((r) => [r.key?.kind === 'text' ? r.key.text : '', r]));
    expect(rows.get('msgpack')!.decoded).toMatchObject({ decoder: 'MessagePack' });
    expect(parsed(rows.get('msgpack'))).toEqual({ kind: 'msgpack', amount: 995, tags: ['a'] });
    expect(rows.get('cbor')!.decoded).toMatchObject({ decoder: 'CBOR' });
    expect(parsed(rows.get('cbor'))).toEqual({ kind: 'cbor', amount: 3 });
    expect(rows.get('gzip')!.decoded).toMatchObject({ decoder: 'gzip → JSON' });
    expect(parsed(rows.get('gzip'))).toEqual({ kind: 'gzip', amount: 999 });
    // JSON needs no decoder beyond itself: it comes as its bytes, with no explanation to carry.
    expect(rows.get('json')!.decoded).toBeUndefined();
    expect(rows.get('json')!.payload.kind).toBe('json');
    const hits: Envelope[] = [];
    await client.stream(
      'topics/search',
      { connectionId, topic: topics.packed, partitions: null, from: { type: 'start' }, to: null, filter: { json: '$.amount > 990' }, limit: 10, isolation: 'read_committed' },
      { onBatch: (items: ScanItem[]) => items.forEach((i) => i.kind === 'hits' && hits.push(...i.records)) },
    );
    expect(hits.map((h) => (h.key?.kind === 'text' ? h.key.text : '')).sort()).toEqual(['gzip', 'msgpack']);
  });

  it('a projection rebuilt over the topic sees what the values mean', async () => {
    const code = `export default { init: () => ({ kinds: [] as string[], total: 0 }), $any: (s, e) => ({ kinds: [...s.kinds, e.data.kind], total: s.total + e.data.amount }) };`;
    const summary = await client.stream(
      'projections/rebuild',
      { code, source: { connectionId, target: { type: 'kafka-topic', topic: topics.packed }, from: { type: 'start' }, to: null } },
      { onBatch: () => undefined },
    );
    expect(summary.processed).toBe(4);
    expect(summary.state).toEqual({ kinds: ['msgpack', 'cbor', 'gzip', 'json'], total: 995 + 3 + 999 + 1 });
  });

  it('a decoder forced for the topic reads every value with it, and says why one is not its kind', async () => {
    await client.call('decoding/set', { connectionId, resource: topics.packed, choice: { decoder: 'cbor' } });
    const rows = new Map((await page(topics.packed)).map((r) => [r.key?.kind === 'text' ? r.key.text : '', r]));
    expect(rows.get('cbor')!.decoded).toMatchObject({ decoder: 'CBOR', why: 'chosen for this topic or queue' });
    expect(rows.get('gzip')!.decoded).toMatchObject({ decoder: 'CBOR', text: null, problem: 'The bytes are not one CBOR value' });
    await client.call('decoding/set', { connectionId, resource: topics.packed, choice: { decoder: 'auto' } });
    expect(await client.call('decoding/get', { connectionId, resource: topics.packed })).toEqual({ decoder: 'auto' });
    expect((await page(topics.packed))[0]!.decoded).toMatchObject({ decoder: 'MessagePack' });
  });
});

describe('RabbitMQ bodies through the same chain', () => {
  const queue = unique('map-queue');
  const stream = unique('map-stream');
  let rabbitId: string;

  beforeAll(async () => {
    rabbitId = (
      await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
    ).id;
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue(queue, { durable: true });
    await ch.assertQueue(stream, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    const [order] = protobufjsEncode(PROTO_GOOD, 'shop/orders.proto', 'shop.OrderPlaced', [ORDERS[0]!]);
    for (const q of [queue, stream]) {
      ch.sendToQueue(q, Buffer.from(msgpackEncode({ kind: 'msgpack', amount: 995 })), { contentType: 'application/msgpack', messageId: 'm-1' });
      ch.sendToQueue(q, Buffer.from(cborEncode({ kind: 'cbor' })), { contentType: 'application/cbor', messageId: 'm-2' });
      ch.sendToQueue(q, order!, { contentType: 'application/x-protobuf', messageId: 'm-3' });
    }
    await ch.waitForConfirms();
    await conn.close();
  }, 60_000);

  afterAll(async () => {
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue).catch(() => undefined);
    await ch.deleteQueue(stream).catch(() => undefined);
    await conn.close();
  });

  const streamRows = async () => {
    const rows: Envelope[] = [];
    await client.stream(
      'records/read',
      { connectionId: rabbitId, target: { type: 'rabbit-stream', vhost: '/', queue: stream }, from: { type: 'start' }, limit: 10 },
      { onBatch: (b: Envelope[]) => rows.push(...b) },
    );
    return new Map(rows.map((r) => [r.id, r]));
  };
  const queueRows = async () => {
    const peek = await client.call('dead-letters/peek', { connectionId: rabbitId, ref: { type: 'rabbit-queue', vhost: '/', name: queue }, limit: 10, acceptRedelivered: true });
    return new Map(peek.messages.map((m) => [m.envelope.id, m.envelope]));
  };

  it('a stream and a classic queue: MessagePack and CBOR by their content type; Protobuf once the queue is mapped to its .proto files', async () => {
    for (const read of [streamRows, queueRows]) {
      const rows = await read();
      expect(rows.get('m-1')!.decoded).toMatchObject({ decoder: 'MessagePack', why: 'content type application/msgpack' });
      expect(parsed(rows.get('m-1'))).toEqual({ kind: 'msgpack', amount: 995 });
      expect(rows.get('m-2')!.decoded).toMatchObject({ decoder: 'CBOR' });
      expect(rows.get('m-3')!.decoded).toMatchObject({ decoder: 'Protobuf (no schema)' });
    }
    for (const q of [queue, stream])
      await client.call('decoding/set', { connectionId: rabbitId, resource: `//${q}`, choice: { decoder: 'proto-files', folder: PROTO_GOOD, messageType: 'shop.OrderPlaced' } });
    for (const read of [streamRows, queueRows]) {
      const rows = await read();
      expect(rows.get('m-3')!.decoded).toMatchObject({ decoder: 'Protobuf', problem: null });
      expect(parsed(rows.get('m-3'))).toMatchObject({ order_id: 'o-1', lines: [{ sku: 'A-1', quantity: 2 }] });
      // The mapping comes before the content type: a MessagePack body is read as an OrderPlaced, and says it is not one.
      expect(rows.get('m-1')!.decoded).toMatchObject({ decoder: 'Protobuf', text: null, problem: expect.stringMatching(/not what the mapping says/) });
    }
  });
});

describe('a connection’s own envelope rules', () => {
  const topic = unique('map-envelope');

  beforeAll(async () => {
    await createTopic(topic);
    kcatProduce(topic, [
      {
        key: 'a',
        headers: ['x-trace-id=trace-1'],
        value: Buffer.from(JSON.stringify({ meta: { msgId: 'm-9', kind: 'OrderShipped', at: '2026-03-01T10:00:00+01:00' }, body: { n: 1 } })),
      },
      // A CloudEvent whose type the team's rule overrides with its own field; the rest stays CloudEvents'.
      { key: 'b', headers: ['ce_specversion=1.0', 'ce_id=ce-1', 'ce_type=com.acme.generic', 'ce_source=/shop'], value: Buffer.from(JSON.stringify({ meta: { kind: 'OrderPaid' } })) },
    ]);
  }, 60_000);
  afterAll(() => deleteTopics([topic]));

  it('are saved with the connection and win over the built-in rules, each field naming the rule', async () => {
    const id = (
      await client.call('connections/save', {
        kind: 'kafka',
        name: 'mapped',
        host: '127.0.0.1',
        port: KAFKA_PORT,
        tls: false,
        username: '',
        sasl: 'none',
        envelopeRules: [
          { field: 'id', from: '$.meta.msgId' },
          { field: 'type', from: '$.meta.kind' },
          { field: 'correlationId', from: 'x-trace-id' },
          { field: 'time', from: '$.meta.at' },
        ],
      })
    ).id;
    expect(await client.call('connections/get', { connectionId: id })).toMatchObject({ envelopeRules: expect.arrayContaining([{ field: 'id', from: '$.meta.msgId' }]) });
    for (const from of ['$.a > 1', '$'])
      await expect(
        client.call('connections/save', { kind: 'kafka', name: 'bad', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none', envelopeRules: [{ field: 'id', from }] }),
      ).rejects.toThrow(/A JSON path to one field/);
    const rows = (await client.call('topics/page', { connectionId: id, topic, partitions: null, from: { type: 'start' }, direction: 'forward', limit: 10 })).records;
    expect(rows[0]).toMatchObject({ id: 'm-9', type: 'OrderShipped', correlationId: 'trace-1', rules: { id: 'your mapping: $.meta.msgId', correlationId: 'your mapping: x-trace-id' } });
    expect(rows[0]!.event).toMatchObject({ format: 'Your mapping', time: '2026-03-01T09:00:00.000Z', timeText: '2026-03-01T10:00:00+01:00' });
    expect(rows[1]).toMatchObject({ id: 'ce-1', type: 'OrderPaid', rules: { type: 'your mapping: $.meta.kind' } });
    expect(rows[1]!.event).toMatchObject({ format: 'CloudEvents 1.0, binary mode', source: '/shop' });
  });
});

describe('Avro without a registry', () => {
  const topic = unique('map-avro');
  const TYPE = {
    type: 'record',
    name: 'Reading',
    fields: [
      { name: 'sensor', type: 'string' },
      { name: 'celsius', type: 'double' },
    ],
  };
  let avsc: string;

  beforeAll(async () => {
    await createTopic(topic);
    const type = avro.Type.forSchema(TYPE as avro.Schema);
    avsc = join(dir, 'reading.avsc');
    writeFileSync(avsc, JSON.stringify(TYPE));
    // An object container file, as avsc's own block encoder writes one (deflate).
    const container = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const encoder = new avro.streams.BlockEncoder(type, { codec: 'deflate' });
      encoder.on('data', (c: Buffer) => chunks.push(c));
      encoder.on('end', () => resolve(Buffer.concat(chunks)));
      encoder.on('error', reject);
      encoder.write({ sensor: 's-1', celsius: 21.5 });
      encoder.write({ sensor: 's-2', celsius: -3 });
      encoder.end();
    });
    kcatProduce(topic, [
      { key: 'bare', value: type.toBuffer({ sensor: 's-9', celsius: 40.25 }) },
      { key: 'container', value: container },
    ]);
  }, 60_000);
  afterAll(() => deleteTopics([topic]));

  it('an object container file is read by the schema in its header; a bare value by the .avsc file the topic is mapped to', async () => {
    const rows = new Map((await page(topic)).map((r) => [r.key?.kind === 'text' ? r.key.text : '', r]));
    expect(rows.get('container')!.decoded).toMatchObject({ decoder: 'Avro container', why: expect.stringContaining('2 Reading values, codec deflate') });
    expect(parsed(rows.get('container'))).toEqual([
      { sensor: 's-1', celsius: 21.5 },
      { sensor: 's-2', celsius: -3 },
    ]);
    await client.call('decoding/set', { connectionId, resource: topic, choice: { decoder: 'avro-file', file: avsc } });
    const mapped = new Map((await page(topic)).map((r) => [r.key?.kind === 'text' ? r.key.text : '', r]));
    expect(mapped.get('bare')!.decoded).toMatchObject({ decoder: 'Avro', why: `mapping: the Avro schema in ${avsc}` });
    expect(parsed(mapped.get('bare'))).toEqual({ sensor: 's-9', celsius: 40.25 });
  });
});
