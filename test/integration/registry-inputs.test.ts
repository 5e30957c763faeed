import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudEventsAmqp, cloudEventsJava, cloudEventsNpmKafka, kurrentEventsAmqp, kurrentEventsKafka, nserviceBusMessages } from '../tools/envelope-inputs';
import { createTopic, deleteTopics, kcatConsume, kcatProduce, type OracleRecord } from '../tools/kafka-tools';
import { AMQP_URL, drain } from '../tools/rabbit-tools';
import {
  avroBenchTopic,
  confluentProtobufRecords,
  loadProtoFolder,
  PROTO_BROKEN,
  PROTO_BROKEN_ERROR,
  PROTO_GOOD,
  protobufjsEncode,
  REGISTRY_URL,
  registryRecords,
  schemaById,
  type RegistrySpec,
} from '../tools/registry-inputs';

/** Every topic this file makes, deleted at the end: leftovers crowd the sidebar of the journeys that run after. */
const made: string[] = [];
const topicMade = (topic: string) => (made.push(topic), topic);
afterAll(() => deleteTopics(made));

/**
 * The test inputs of issue 19, checked against what the brokers and the registry hold: records made by
 * Apicurio's serializers against the real registry, Protobuf by protobufjs, CloudEvents by the official
 * Java and npm SDKs and per the AMQP binding, NServiceBus- and KurrentDB-shaped messages. Rewind's code
 * is not involved: each assertion reads the broker with kcat or amqplib, or the registry over HTTP.
 */
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const header = (r: OracleRecord, name: string) => r.headers.find(([n]) => n === name)?.[1] ?? undefined;
const text = (b: Buffer | null | undefined) => (b ? b.toString('utf8') : b);

const PAYMENT = JSON.stringify({
  type: 'record',
  name: 'Payment',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});
const PAYMENT_KEY = JSON.stringify({ type: 'record', name: 'PaymentKey', namespace: 'shop', fields: [{ name: 'id', type: 'string' }] });
const ORDERS_PROTO = 'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; double amount = 2; }\nmessage Refund { string order_id = 1; }\n';
const KEY_PROTO = 'syntax = "proto3";\npackage shop;\nmessage OrderKey { string id = 1; }\n';
const ORDER_JSON_SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { id: { type: 'string' }, amount: { type: 'number' } },
  required: ['id'],
});

describe('registry records written by Apicurio’s serializers', () => {
  const topics = { avro: topicMade(unique('reg-avro')), protobuf: topicMade(unique('reg-proto')), json: topicMade(unique('reg-json')) };
  const specs = (mode: 'confluent' | 'headers'): RegistrySpec[] => [
    {
      topic: topics.avro,
      format: 'avro',
      mode,
      value: { schema: PAYMENT },
      key: { schema: PAYMENT_KEY },
      records: [
        { key: { id: 'k1' }, value: { id: 'p-1', amount: 991.5, note: { string: 'rent' } } },
        { key: { id: 'k2' }, value: { id: 'p-2', amount: 3, note: null } },
      ],
    },
    {
      topic: topics.protobuf,
      format: 'protobuf',
      mode,
      value: { schema: ORDERS_PROTO, type: 'shop.Refund' },
      key: { schema: KEY_PROTO },
      records: [{ key: { id: 'o-1' }, value: { orderId: 'o-1' } }],
    },
    { topic: topics.json, format: 'jsonschema', mode, value: { schema: ORDER_JSON_SCHEMA }, records: [{ key: 'j-1', value: { id: 'j-1', amount: 995 } }] },
  ];

  beforeAll(async () => {
    for (const t of Object.values(topics)) await createTopic(t);
  });

  it('in Confluent-compatible mode: magic byte 0 and the 4-byte id the registry’s Confluent API serves, for values and keys', { timeout: 240_000 }, async () => {
    const written = await registryRecords(specs('confluent'));
    expect(written).toHaveLength(4);
    for (const w of written) {
      const held = kcatConsume(w.topic).find((r) => r.offset === w.offset)!;
      expect(held.payload![0]).toBe(0);
      expect(held.payload!.readInt32BE(1)).toBe(w.value!.contentId);
      expect(held.headers.map(([n]) => n)).not.toContain('apicurio.value.globalId');
      const schema = await schemaById(w.value!.contentId);
      expect(schema.status).toBe(200);
      if (w.key) {
        expect(held.key![0]).toBe(0);
        expect(held.key!.readInt32BE(1)).toBe(w.key.contentId);
        expect((await schemaById(w.key.contentId)).status).toBe(200);
      } else {
        expect(text(held.key)).toBe('j-1');
      }
    }
    const [avro, , proto, json] = written;
    expect((await schemaById(avro!.value!.contentId)).body).toMatchObject({ schema: expect.stringContaining('"Payment"') });
    expect((await schemaById(proto!.value!.contentId)).body).toMatchObject({ schemaType: 'PROTOBUF', schema: expect.stringContaining('message Refund') });
    expect((await schemaById(json!.value!.contentId)).body).toMatchObject({ schemaType: 'JSON' });
    // Apicurio 2.4.2 writes no Confluent message indexes: a length-delimited Ref naming the message follows the id.
    const protoValue = kcatConsume(topics.protobuf).find((r) => r.offset === proto!.offset)!.payload!;
    expect(protoValue.subarray(5, 5 + 1 + protoValue[5]!).toString('latin1')).toContain('Refund');
    const jsonValue = kcatConsume(topics.json).find((r) => r.offset === json!.offset)!.payload!;
    expect(JSON.parse(jsonValue.subarray(5).toString())).toEqual({ id: 'j-1', amount: 995 });
  });

  it('in headers mode: the global id in apicurio.value.globalId / apicurio.key.globalId, the bare encoding as the value', { timeout: 240_000 }, async () => {
    const written = await registryRecords(specs('headers'));
    expect(written).toHaveLength(4);
    for (const w of written) {
      const held = kcatConsume(w.topic).find((r) => r.offset === w.offset)!;
      expect(header(held, 'apicurio.value.globalId')!.readBigInt64BE(0)).toBe(BigInt(w.value!.globalId));
      expect((await fetch(`${REGISTRY_URL}/apis/registry/v2/ids/globalIds/${w.value!.globalId}`)).status).toBe(200);
      expect((await schemaById(w.value!.contentId)).status).toBe(200);
      if (w.key) expect(header(held, 'apicurio.key.globalId')!.readBigInt64BE(0)).toBe(BigInt(w.key.globalId));
    }
    const json = kcatConsume(topics.json).at(-1)!;
    expect(JSON.parse(json.payload!.toString())).toEqual({ id: 'j-1', amount: 995 });
    const avro = kcatConsume(topics.avro).at(-1)!;
    expect(text(header(avro, 'apicurio.value.encoding'))).toBe('BINARY');
    expect(avro.payload![0]).toBe(6); // Avro's zigzag length of "p-2", no framing
  });

  it('an unknown id: the registry answers 404', async () => {
    expect((await schemaById(2_000_000_000)).status).toBe(404);
  });
});

describe('Protobuf by protobufjs', () => {
  it('in the Confluent wire format with message indexes, against the registry', { timeout: 60_000 }, async () => {
    const topic = topicMade(unique('reg-proto-confluent'));
    await createTopic(topic);
    const { id } = await confluentProtobufRecords(topic, ORDERS_PROTO, 'shop.Refund', [{ order_id: 'o-9' }], ['o-9']);
    const [held] = kcatConsume(topic);
    expect(held!.payload![0]).toBe(0);
    expect(held!.payload!.readInt32BE(1)).toBe(id);
    expect([...held!.payload!.subarray(5, 7)]).toEqual([2, 2]); // one index, zigzag(1): the second message
    expect((await schemaById(id)).body).toMatchObject({ schemaType: 'PROTOBUF' });
  });

  it('from a folder of .proto files with imports; the broken folder names its file and line', async () => {
    const root = loadProtoFolder(PROTO_GOOD, ['shop/orders.proto', 'shop/payments.proto']);
    expect(root.lookupType('shop.OrderPlaced.Line').fieldsArray.map((f) => f.name)).toEqual(['sku', 'quantity']);
    expect(() => loadProtoFolder(PROTO_BROKEN, ['shop/orders.proto'])).toThrow(new RegExp(`${PROTO_BROKEN_ERROR.file}, line ${PROTO_BROKEN_ERROR.line}`));
    const topic = topicMade(unique('proto-folder'));
    const values = protobufjsEncode(PROTO_GOOD, 'shop/orders.proto', 'shop.OrderPlaced', [
      { order_id: 'o-1', total: { currency: 'EUR', units: 991, nanos: 0 }, lines: [{ sku: 'A-1', quantity: 2 }], placed_at: { seconds: 1_796_000_000, nanos: 0 }, channel: 1, labels: { vip: 'yes' } },
    ]);
    await createTopic(topic);
    kcatProduce(topic, [{ key: 'o-1', value: values[0]! }]);
    const [held] = kcatConsume(topic);
    expect(held!.payload!.equals(values[0]!)).toBe(true);
    expect(root.lookupType('shop.OrderPlaced').decode(held!.payload!).toJSON()).toMatchObject({ order_id: 'o-1', lines: [{ sku: 'A-1', quantity: 2 }] });
  });
});

describe('a registry that asks for a password', () => {
  const port = 18082;
  const env = { ...process.env, REWIND_REGISTRY_PORT: String(port), REWIND_REGISTRY_AUTH: 'rewind:registry-secret' };
  const script = join(__dirname, '..', '..', 'scripts', 'registry.sh');
  let startedHere = false;

  beforeAll(() => {
    startedHere = spawnSync('bash', [script, 'status'], { env }).status !== 0;
    execFileSync('bash', [script, 'start'], { env, stdio: 'inherit' });
  }, 240_000);
  afterAll(() => {
    if (startedHere) execFileSync('bash', [script, 'stop'], { env, stdio: 'inherit' });
  });

  it('refuses a wrong password with 401 and a Basic challenge, serves the right one, and Apicurio’s serializer writes with it', { timeout: 180_000 }, async () => {
    const url = `http://127.0.0.1:${port}/apis/ccompat/v7/subjects`;
    const wrong = await fetch(url, { headers: { authorization: 'Basic ' + Buffer.from('rewind:nope').toString('base64') } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^basic/i);
    expect((await fetch(url)).status).toBe(401);
    const auth = { username: 'rewind', password: 'registry-secret' };
    const topic = topicMade(unique('reg-auth'));
    await createTopic(topic);
    const [w] = await registryRecords({
      topic,
      format: 'avro',
      mode: 'confluent',
      registry: `http://127.0.0.1:${port}`,
      auth,
      value: { schema: PAYMENT },
      records: [{ key: 'a', value: { id: 'p', amount: 1, note: null } }],
    });
    expect((await schemaById(w!.value!.contentId, { registry: `http://127.0.0.1:${port}`, auth })).status).toBe(200);
    expect((await schemaById(w!.value!.contentId, { registry: `http://127.0.0.1:${port}` })).status).toBe(401);
  });
});

describe('the bench’s Avro topic', () => {
  it('is made once in the registry wire format and found again on a rerun', { timeout: 240_000 }, async () => {
    const topic = topicMade(unique('bench-avro-small'));
    const made = await avroBenchTopic({ topic, count: 3000, partitions: 2 });
    expect(made).toMatchObject({ topic, records: 3000, partitions: 2, made: true });
    const [first] = kcatConsume(topic);
    expect(first!.payload![0]).toBe(0);
    expect(first!.payload!.readInt32BE(1)).toBe(made.schemaId);
    expect((await schemaById(made.schemaId)).body).toMatchObject({ schema: expect.stringContaining('dev.rewind.bench') });
    expect(await avroBenchTopic({ topic, count: 3000, partitions: 2 })).toMatchObject({ records: 3000, made: false, schemaId: made.schemaId });
  });
});

describe('CloudEvents on Kafka', () => {
  it('from the Java SDK: ce_* headers in binary mode (partitionkey as the key, time with its offset), the JSON format in structured mode', { timeout: 120_000 }, async () => {
    const topic = topicMade(unique('ce-java'));
    await createTopic(topic);
    const written = await cloudEventsJava(topic, [
      {
        mode: 'binary',
        id: 'e-1',
        source: '/orders',
        type: 'com.example.order.placed',
        subject: 'order-17',
        time: '2026-12-07T09:30:00.123+05:30',
        data: { amount: 991 },
        extensions: { correlationid: 'c-1', causationid: 'e-0', partitionkey: 'order-17', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      },
      { mode: 'structured', id: 'e-2', source: '/orders', type: 'com.example.order.shipped', time: '2026-12-07T04:00:00Z', data: { amount: 5 }, extensions: { correlationid: 'c-1' } },
    ]);
    expect(written.map((w) => w.offset)).toEqual([0, 1]);
    const [binary, structured] = kcatConsume(topic);
    expect(Object.fromEntries(binary!.headers.map(([n, v]) => [n, text(v)]))).toMatchObject({
      ce_specversion: '1.0',
      ce_id: 'e-1',
      ce_type: 'com.example.order.placed',
      ce_source: '/orders',
      ce_subject: 'order-17',
      ce_time: '2026-12-07T09:30:00.123+05:30',
      ce_correlationid: 'c-1',
      ce_causationid: 'e-0',
      'content-type': 'application/json',
    });
    expect(text(binary!.key)).toBe('order-17');
    expect(text(header(structured!, 'content-type'))).toBe('application/cloudevents+json');
    expect(JSON.parse(structured!.payload!.toString())).toMatchObject({ specversion: '1.0', id: 'e-2', correlationid: 'c-1', data: { amount: 5 } });
  });

  it('from the npm SDK: ce_* headers in binary mode, `application/cloudevents+json; charset=utf-8` in structured mode', { timeout: 60_000 }, async () => {
    const topic = topicMade(unique('ce-npm'));
    await createTopic(topic);
    await cloudEventsNpmKafka(topic, [
      {
        mode: 'binary',
        id: 'n-1',
        source: '/carts',
        type: 'com.example.cart.checked-out',
        time: '2026-12-07T10:00:00+01:00',
        data: { total: 12 },
        datacontenttype: 'application/json',
        extensions: { partitionkey: 'cart-1', correlationid: 'c-9' },
      },
      { mode: 'structured', id: 'n-2', source: '/carts', type: 'com.example.cart.abandoned', data: { total: 3 }, datacontenttype: 'application/json' },
    ]);
    const [binary, structured] = kcatConsume(topic);
    expect(text(header(binary!, 'ce_id'))).toBe('n-1');
    expect(text(header(binary!, 'ce_correlationid'))).toBe('c-9');
    // The npm SDK also writes ce_datacontenttype beside content-type (the Java SDK does not).
    expect(
      binary!.headers
        .map(([n]) => n)
        .filter((n) => n.startsWith('ce_'))
        .sort(),
    ).toEqual(['ce_correlationid', 'ce_datacontenttype', 'ce_id', 'ce_partitionkey', 'ce_source', 'ce_specversion', 'ce_time', 'ce_type']);
    expect(text(header(binary!, 'ce_time'))).toBe('2026-12-07T10:00:00+01:00');
    expect(text(binary!.key)).toBe('cart-1');
    expect(JSON.parse(binary!.payload!.toString())).toEqual({ total: 12 });
    expect(text(header(structured!, 'content-type'))).toBe('application/cloudevents+json; charset=utf-8');
    expect(JSON.parse(structured!.payload!.toString())).toMatchObject({ id: 'n-2', type: 'com.example.cart.abandoned', data: { total: 3 } });
  });

  it('KurrentDB-shaped events carry $correlationId and $causationId', { timeout: 60_000 }, async () => {
    const topic = topicMade(unique('kurrent'));
    await createTopic(topic);
    await kurrentEventsKafka(topic, [{ stream: 'account-A-17', eventType: 'Deposited', data: { amount: 10 }, correlationId: 'c-5', causationId: 'e-4' }]);
    const [held] = kcatConsume(topic);
    expect(text(header(held!, '$correlationId'))).toBe('c-5');
    expect(text(header(held!, '$causationId'))).toBe('e-4');
    expect(JSON.parse(held!.payload!.toString())).toMatchObject({ eventType: 'Deposited', metadata: { $correlationId: 'c-5', $causationId: 'e-4' } });
  });
});

describe('envelopes on RabbitMQ', () => {
  let conn: ChannelModel;
  let ch: ConfirmChannel;
  const queue = unique('ce-amqp');

  beforeAll(async () => {
    conn = await amqp.connect(AMQP_URL);
    ch = await conn.createConfirmChannel();
    await ch.assertQueue(queue, { durable: false, autoDelete: false });
  });
  afterAll(async () => {
    await ch.deleteQueue(queue).catch(() => undefined);
    await conn.close().catch(() => undefined);
  });

  it('CloudEvents per the AMQP binding: cloudEvents: and cloudEvents_ application properties, a timestamp time, and structured mode', async () => {
    await cloudEventsAmqp(ch, queue, [
      {
        mode: 'binary',
        prefix: 'cloudEvents:',
        id: 'a-1',
        source: '/billing',
        type: 'com.example.invoice.issued',
        time: '2026-12-07T08:00:00-05:00',
        data: { n: 1 },
        extensions: { correlationid: 'c-7' },
      },
      { mode: 'binary', prefix: 'cloudEvents_', id: 'a-2', source: '/billing', type: 'com.example.invoice.paid', time: '2026-12-07T13:00:05Z', timeAsTimestamp: true, data: { n: 2 } },
      { mode: 'structured', id: 'a-3', source: '/billing', type: 'com.example.invoice.voided', data: { n: 3 }, datacontenttype: 'application/json' },
    ]);
    const [colon, underscore, structured] = (await drain(ch, queue)) as GetMessage[];
    const h1 = colon!.properties.headers!;
    expect(h1).toMatchObject({
      'cloudEvents:id': 'a-1',
      'cloudEvents:specversion': '1.0',
      'cloudEvents:type': 'com.example.invoice.issued',
      'cloudEvents:time': '2026-12-07T08:00:00-05:00',
      'cloudEvents:correlationid': 'c-7',
    });
    expect(colon!.properties.contentType).toBe('application/json');
    expect(JSON.parse(colon!.content.toString())).toEqual({ n: 1 });
    const h2 = underscore!.properties.headers!;
    expect(h2['cloudEvents_id']).toBe('a-2');
    expect(h2['cloudEvents_time']).toEqual({ '!': 'timestamp', value: Date.parse('2026-12-07T13:00:05Z') / 1000 });
    expect(Object.keys(h2).some((k) => k.startsWith('cloudEvents:'))).toBe(false);
    expect(structured!.properties.contentType).toBe('application/cloudevents+json; charset=utf-8');
    expect(JSON.parse(structured!.content.toString())).toMatchObject({ specversion: '1.0', id: 'a-3', data: { n: 3 } });
  });

  it('NServiceBus-shaped messages: its headers, its time format, and the AMQP properties its transport sets', async () => {
    const [sent] = nserviceBusMessages(ch, queue, [
      { messageType: 'Sales.Messages.Events.OrderPlaced', body: { OrderId: 'o-1' }, relatedTo: 'm-0', timeSent: new Date(Date.UTC(2026, 11, 7, 8, 30, 0, 45)) },
    ]);
    await ch.waitForConfirms();
    const [m] = (await drain(ch, queue)) as GetMessage[];
    const h = m!.properties.headers!;
    expect(h['NServiceBus.TimeSent']).toBe('2026-12-07 08:30:00:045123 Z');
    expect(h['NServiceBus.EnclosedMessageTypes']).toMatch(/^Sales\.Messages\.Events\.OrderPlaced, /);
    expect(h['NServiceBus.RelatedTo']).toBe('m-0');
    expect(m!.properties.messageId).toBe(sent!['NServiceBus.MessageId']);
    expect(m!.properties.correlationId).toBe(h['NServiceBus.CorrelationId']);
    expect(m!.properties.type).toBe('Sales.Messages.Events.OrderPlaced');
  });

  it('KurrentDB-shaped events: $correlationId and $causationId headers', async () => {
    kurrentEventsAmqp(ch, queue, [{ stream: 'cart-C-1001', eventType: 'ItemAdded', data: { sku: 'A' }, correlationId: 'c-8', causationId: 'e-7' }]);
    await ch.waitForConfirms();
    const [m] = (await drain(ch, queue)) as GetMessage[];
    expect(m!.properties.headers).toMatchObject({ $correlationId: 'c-8', $causationId: 'e-7' });
    expect(m!.properties.type).toBe('ItemAdded');
  });
});
