import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import type { ScanItem } from '../../src/model/topic-scan';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';
import { confluentProtobufRecords, registerSchema, REGISTRY_URL, registryRead, registryRecords, type WrittenRecord } from '../tools/registry-inputs';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Records written by Apicurio's own serializers against the real registry (and Protobuf in the
 * Confluent format by protobufjs), read through Rewind's API as a user's Kafka connection with a
 * registry URL reads them: each value decoded, with the schema id, subject, version and format that
 * read it; keys too; a registry that is down, refuses the password or does not know an id leaves
 * the row raw with the reason, never a broken list.
 */
const PAYMENT = JSON.stringify({
  type: 'record',
  name: 'Payment',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'at', type: 'long' },
  ],
});
const PAYMENT_KEY = JSON.stringify({ type: 'record', name: 'PaymentKey', namespace: 'shop', fields: [{ name: 'id', type: 'string' }] });
const ORDERS_PROTO = 'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; double amount = 2; }\nmessage Refund { string order_id = 1; int64 cents = 2; }\n';
const ORDER_JSON_SCHEMA = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'string' }, amount: { type: 'number' } } });

let dir: string;
let context: AppContext;
let client: RewindClient;
const made: string[] = [];
const topicMade = (prefix: string) => {
  const t = unique(prefix);
  made.push(t);
  return t;
};

const save = async (name: string, registry?: { url: string; username?: string; password?: string }) =>
  (
    await client.call('connections/save', {
      kind: 'kafka',
      name,
      host: '127.0.0.1',
      port: KAFKA_PORT,
      tls: false,
      username: '',
      sasl: 'none',
      ...(registry ? { registry: { url: registry.url, username: registry.username ?? '', ...(registry.password !== undefined ? { password: registry.password } : {}) } } : {}),
    })
  ).id;

async function page(connectionId: string, topic: string): Promise<Envelope[]> {
  return (await client.call('topics/page', { connectionId, topic, partitions: null, from: { type: 'start' }, direction: 'forward', limit: 100 })).records;
}

const parsed = (e: Envelope | undefined) => JSON.parse(e?.decoded?.text ?? 'null') as unknown;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-registry-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
});

afterAll(async () => {
  await context?.close();
  await deleteTopics(made);
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['confluent', 'headers'] as const)('Apicurio’s serializers in %s mode', (mode) => {
  const topics = { avro: topicMade(`dec-avro-${mode}`), proto: topicMade(`dec-proto-${mode}`), json: topicMade(`dec-json-${mode}`) };
  let written: WrittenRecord[];
  let connectionId: string;
  const idOf = (w: WrittenRecord['value']) => (mode === 'confluent' ? w!.contentId : w!.globalId);

  beforeAll(async () => {
    for (const t of Object.values(topics)) await createTopic(t);
    written = await registryRecords([
      {
        topic: topics.avro,
        format: 'avro',
        mode,
        value: { schema: PAYMENT },
        key: { schema: PAYMENT_KEY },
        records: [
          { key: { id: 'k1' }, value: { id: 'p-1', amount: 991.5, note: { string: 'rent' }, at: 1_796_000_000_000 } },
          { key: { id: 'k2' }, value: { id: 'p-2', amount: 3, note: null, at: 9_007_199_254_740_994 } },
        ],
      },
      { topic: topics.proto, format: 'protobuf', mode, value: { schema: ORDERS_PROTO, type: 'shop.Refund' }, records: [{ key: 'r-1', value: { orderId: 'o-1', cents: '1250' } }] },
      { topic: topics.json, format: 'jsonschema', mode, value: { schema: ORDER_JSON_SCHEMA }, records: [{ key: 'j-1', value: { id: 'j-1', amount: 995 } }] },
    ]);
    connectionId = await save(`registry ${mode}`, { url: REGISTRY_URL });
  }, 240_000);

  it('shows Avro values and keys as their fields, with schema id, subject, version and format', async () => {
    const rows = await page(connectionId, topics.avro);
    expect(rows).toHaveLength(2);
    const [first, second] = rows;
    expect(first!.decoded).toMatchObject({
      decoder: 'Avro',
      problem: null,
      schema: { format: 'AVRO', id: idOf(written[0]!.value), idKind: mode === 'confluent' ? 'schema id' : 'global id', subject: `${topics.avro}-value`, version: 1 },
    });
    expect(first!.decoded!.why).toMatch(mode === 'confluent' ? /magic byte 0/ : /apicurio\.value\.globalId/);
    expect(parsed(first)).toEqual({ id: 'p-1', amount: 991.5, note: 'rent', at: 1_796_000_000_000 });
    // A long past 2^53 is kept to its last digit (as text), not rounded.
    expect(first!.payload.kind).toBe('binary');
    expect(second!.decoded!.text).toContain('"at":"9007199254740994"');
    expect(first!.keyDecoded).toMatchObject({ decoder: 'Avro', schema: { subject: `${topics.avro}-key` } });
    expect(JSON.parse(first!.keyDecoded!.text!)).toEqual({ id: 'k1' });
  });

  it('shows Protobuf values as their message, named', async () => {
    const [row] = await page(connectionId, topics.proto);
    expect(row!.decoded).toMatchObject({ decoder: 'Protobuf', problem: null, schema: { format: 'PROTOBUF', id: idOf(written[2]!.value), messageType: 'shop.Refund' } });
    expect(parsed(row)).toEqual({ order_id: 'o-1', cents: '1250' });
  });

  it('shows JSON Schema values as their JSON, with the schema that checked them', async () => {
    const [row] = await page(connectionId, topics.json);
    expect(row!.decoded).toMatchObject({ decoder: 'JSON Schema', problem: null, schema: { format: 'JSON', id: idOf(written[3]!.value) } });
    expect(parsed(row)).toEqual({ id: 'j-1', amount: 995 });
  });

  it('searches the decoded values: $.amount > 990 finds the Avro and JSON Schema records over it', async () => {
    for (const [topic, expected] of [
      [topics.avro, ['p-1']],
      [topics.json, ['j-1']],
    ] as const) {
      const hits: Envelope[] = [];
      await client.stream(
        'topics/search',
        { connectionId, topic, partitions: null, from: { type: 'start' }, to: null, filter: { json: '$.amount > 990' }, limit: 100, isolation: 'read_committed' },
        { onBatch: (items: ScanItem[]) => items.forEach((i) => i.kind === 'hits' && hits.push(...i.records)) },
      );
      expect(hits.map((h) => (parsed(h) as { id: string }).id)).toEqual(expected);
    }
  });
});

describe('Protobuf in the Confluent wire format, with message indexes', () => {
  it('reads the message the indexes point to (the second of the file)', async () => {
    const topic = topicMade('dec-proto-indexes');
    await createTopic(topic);
    const { id } = await confluentProtobufRecords(topic, ORDERS_PROTO, 'shop.Refund', [{ order_id: 'o-9', cents: 7 }], ['o-9']);
    const [row] = await page(await save('indexes', { url: REGISTRY_URL }), topic);
    expect(row!.decoded).toMatchObject({ decoder: 'Protobuf', schema: { id, messageType: 'shop.Refund' } });
    expect(parsed(row)).toEqual({ order_id: 'o-9', cents: '7' });
  });
});

describe('what cannot be decoded stays raw, with the reason', () => {
  const topic = topicMade('dec-raw');
  let framed: Buffer;

  beforeAll(async () => {
    await createTopic(topic);
    const [w] = await registryRecords({ topic, format: 'avro', mode: 'confluent', value: { schema: PAYMENT }, records: [{ key: 'a', value: { id: 'p', amount: 1, note: null, at: 0 } }] });
    framed = Buffer.alloc(5);
    framed.writeInt32BE(w!.value!.contentId, 1);
    kcatProduce(topic, [
      // Garbage with a leading 0: an id no registry has.
      { key: 'garbage', value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]) },
      // A known id, then bytes that are not a Payment.
      { key: 'wrong-bytes', value: Buffer.concat([framed, Buffer.from([0xff, 0xff, 0xff])]) },
    ]);
  }, 240_000);

  it('an id the registry does not know, bytes that are not the schema: raw, each with its reason, in a list that still loads', async () => {
    const rows = await page(await save('raw', { url: REGISTRY_URL }), topic);
    expect(rows.map((r) => r.key?.kind === 'text' && r.key.text)).toEqual(['a', 'garbage', 'wrong-bytes']);
    expect(rows[0]!.decoded!.problem).toBeNull();
    expect(rows[1]!.decoded).toMatchObject({ text: null, problem: expect.stringMatching(/does not know schema id 2147483632 \(404\)/) });
    expect(rows[1]!.payload.kind).toBe('binary');
    expect(rows[2]!.decoded).toMatchObject({ decoder: 'Avro', text: null, problem: expect.stringMatching(/not a value of schema id/) });
  });

  it('no registry set: a framed value says to add one', async () => {
    const rows = await page(await save('no registry'), topic);
    expect(rows[0]!.decoded!.problem).toMatch(/No schema registry is set for this connection/);
  });

  it('a registry that is down: raw with "did not answer", the list still loads, and Test connection fails saying so', async () => {
    const down = 'http://127.0.0.1:1';
    const id = await save('down', { url: down });
    const rows = await page(id, topic);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.decoded!.problem).toMatch(/did not answer/);
    await expect(client.call('connections/test', { connectionId: id })).rejects.toThrow(/schema registry at http:\/\/127\.0\.0\.1:1 did not answer/);
    // The status bar asks the broker alone: a registry down is not the broker down.
    expect(await client.call('connections/status', { connectionId: id })).toMatchObject({ reachable: true, error: null });
  });

  it('a registry that goes down mid-read: rows raw with the reason meanwhile, decoded again once it is back', { timeout: 60_000 }, async () => {
    // A loopback relay to the real registry that can be switched off, as a registry restarting is.
    let up = false;
    const relay: Server = createServer((req, res) => {
      if (!up) return req.socket.destroy();
      fetch(`${REGISTRY_URL}${req.url}`)
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => req.socket.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const id = await save('flaky', { url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/apis/ccompat/v7` });
      expect((await page(id, topic))[0]!.decoded!.problem).toMatch(/did not answer/);
      up = true;
      // Asked again once the wait after a failure has passed; meanwhile the list still loads.
      await new Promise((r) => setTimeout(r, 10_500));
      const rows = await page(id, topic);
      expect(rows[0]!.decoded).toMatchObject({ decoder: 'Avro', problem: null });
      expect(parsed(rows[0])).toMatchObject({ id: 'p' });
    } finally {
      relay.close();
    }
  });

  it('Test connection names the registry it reached', async () => {
    const result = await client.call('connections/test', { connectionId: await save('test ok', { url: REGISTRY_URL }) });
    expect(result.details.join('\n')).toMatch(/schema registry at http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7: \d+ subjects?/);
  });
});

describe('the composer writes through the registry', () => {
  it('JSON in, Avro out in the wire format: Apicurio’s own deserializer reads back what was typed; a value that does not fit is refused with its field', { timeout: 180_000 }, async () => {
    const topic = topicMade('dec-compose');
    await createTopic(topic);
    const id = await registerSchema(`${topic}-value`, PAYMENT, 'AVRO');
    const connectionId = await save('compose', { url: REGISTRY_URL });
    expect(await client.call('registry/subjects', { connectionId })).toContain(`${topic}-value`);
    const message = (text: string) => ({
      payload: { format: 'json' as const, text, registry: { subject: `${topic}-value`, version: 'latest' as const } },
      headers: [],
      key: { format: 'text' as const, text: 'c-1' },
    });
    const target = { kind: 'topic' as const, topic, partition: 0 };
    const preview = await client.call('publish/preview', { connectionId, target, message: message('{"id":"c-1","amount":991.5,"note":"typed","at":1796000000000}') });
    expect(preview.encoding).toMatch(new RegExp(`^Avro · schema id ${id} · ${topic}-value v1 · \\d+ bytes$`));
    const wrong = await client.call('publish/preview', { connectionId, target, message: message('{"id":"c-2","amount":"lots","note":null,"at":1}') });
    expect(wrong.problem).toMatch(/amount: "lots" is not double/);
    // A field the schema does not have would be dropped without a word; one it needs is named.
    const typo = await client.call('publish/preview', { connectionId, target, message: message('{"id":"c-3","amount":1,"notes":"typo","at":1}') });
    expect(typo.problem).toMatch(/notes is not a field of the schema/);
    const missing = await client.call('publish/preview', { connectionId, target, message: message('{"amount":1,"note":null,"at":1}') });
    expect(missing.problem).toMatch(/id is missing/);
    await client.stream('publish/send', { connectionId, target, message: message('{"id":"c-1","amount":991.5,"note":"typed","at":1796000000000}'), count: 2 }, { onBatch: () => undefined });
    expect(await registryRead(topic, 2)).toEqual([
      { id: 'c-1', amount: 991.5, note: 'typed', at: 1796000000000 },
      { id: 'c-1', amount: 991.5, note: 'typed', at: 1796000000000 },
    ]);
    const [row] = await page(connectionId, topic);
    expect(row!.decoded).toMatchObject({ decoder: 'Avro', schema: { id, subject: `${topic}-value` } });
  });
});

describe('a registry that asks for a password', () => {
  const port = 18082;
  const env = { ...process.env, REWIND_REGISTRY_PORT: String(port), REWIND_REGISTRY_AUTH: 'rewind:registry-secret' };
  const script = join(__dirname, '..', '..', 'scripts', 'registry.sh');
  const url = `http://127.0.0.1:${port}`;
  let startedHere = false;
  const topic = topicMade('dec-auth');

  beforeAll(async () => {
    startedHere = spawnSync('bash', [script, 'status'], { env }).status !== 0;
    execFileSync('bash', [script, 'start'], { env, stdio: 'inherit' });
    await createTopic(topic);
    await registryRecords({
      topic,
      format: 'avro',
      mode: 'confluent',
      registry: url,
      auth: { username: 'rewind', password: 'registry-secret' },
      value: { schema: PAYMENT },
      records: [{ key: 'a', value: { id: 'secret-1', amount: 5, note: null, at: 1 } }],
    });
  }, 240_000);
  afterAll(() => {
    if (startedHere) execFileSync('bash', [script, 'stop'], { env, stdio: 'inherit' });
  });

  it('a wrong password leaves rows raw saying the registry refused it; the right one, saved in the keychain, decodes', async () => {
    const wrong = await save('wrong', { url, username: 'rewind', password: 'nope' });
    expect((await page(wrong, topic))[0]!.decoded!.problem).toMatch(/refused the user name and password \(401\)/);
    await expect(client.call('connections/test', { connectionId: wrong })).rejects.toThrow(/refused/);
    const right = await save('right', { url, username: 'rewind', password: 'registry-secret' });
    const profile = await client.call('connections/get', { connectionId: right });
    expect(profile).toMatchObject({ registry: { url, username: 'rewind', hasPassword: true } });
    expect(JSON.stringify(profile)).not.toContain('registry-secret');
    expect(parsed((await page(right, topic))[0])).toMatchObject({ id: 'secret-1' });
    // Saved again without typing it: the password is kept for the same URL…
    const { id: _id, ...again } = { id: right, kind: 'kafka' as const, name: 'right', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' as const };
    await client.call('connections/save', { ...again, id: right, registry: { url, username: 'rewind' } });
    expect(parsed((await page(right, topic))[0])).toMatchObject({ id: 'secret-1' });
    // …and not sent to another one.
    await expect(client.call('connections/save', { ...again, id: right, registry: { url: 'http://127.0.0.1:18083', username: 'rewind' } })).rejects.toThrow(/type it again/);
  });
});
