import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatConsume } from '../tools/kafka-tools';
import { connect, drain, waitForDepth } from '../tools/rabbit-tools';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/** Publishing what a user composed: the prediction, the broker's own answer, and what it holds after. */
let dir: string;
let context: AppContext;
let client: RewindClient;
let rabbitId: string;
let kafkaId: string;
const x = unique('pub-x');
const eu = unique('pub-eu');
const all = unique('pub-all');
const topic = unique('pub-topic');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-publish-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  const { conn, ch } = await connect();
  await ch.assertExchange(x, 'topic', { durable: false });
  await ch.assertQueue(eu, { durable: false });
  await ch.assertQueue(all, { durable: false });
  await ch.bindQueue(eu, x, 'order.*.eu');
  await ch.bindQueue(all, x, 'order.#');
  await conn.close();
  await createTopic(topic, {}, 2);
});

afterAll(async () => {
  await context.close();
  const { conn, ch } = await connect();
  for (const q of [eu, all]) await ch.deleteQueue(q).catch(() => undefined);
  await ch.deleteExchange(x).catch(() => undefined);
  await conn.close();
  await deleteTopics([topic]);
  rmSync(dir, { recursive: true, force: true });
});

const message = (text: string) => ({
  payload: { format: 'json' as const, text },
  headers: [
    { name: 'tenant', type: 'string' as const, value: 'acme' },
    { name: 'attempt', type: 'number' as const, value: '2' },
    { name: 'urgent', type: 'boolean' as const, value: 'true' },
  ],
  properties: { messageId: 'p-1', type: 'OrderCreated' },
});

describe('publishing to RabbitMQ', () => {
  it('predicts where a routing key goes, sends it, and the broker routes it to exactly those queues', async () => {
    const target = { kind: 'exchange' as const, vhost: '/', exchange: x, routingKey: 'order.created.eu' };
    const preview = await client.call('publish/preview', { connectionId: rabbitId, target, message: message('{"id": 1}') });
    expect(preview.routes.map((r) => r.to).sort()).toEqual([all, eu].sort());
    const sent = await client.stream('publish/send', { connectionId: rabbitId, target, message: message('{"id": 12345678901234567891}'), count: 2 });
    expect(sent).toMatchObject({ sent: 2, routed: true, returned: false, mismatch: null });
    const { conn, ch } = await connect();
    await waitForDepth(ch, eu, 2);
    const got = await drain(ch, eu);
    expect(got[0]!.content.toString()).toBe('{"id": 12345678901234567891}');
    expect(got[0]!.properties).toMatchObject({ messageId: 'p-1', type: 'OrderCreated', contentType: 'application/json', headers: { tenant: 'acme', attempt: 2, urgent: true } });
    expect(await drain(ch, all)).toHaveLength(2);
    await conn.close();
    const { entries } = await client.call('audit/list', { actions: ['publish'], limit: 5 });
    expect(entries[0]!.detail).toMatchObject({ requested: 2, sent: 2, stoppedBy: 'done', routed: true, predictedQueues: expect.arrayContaining([eu, all]) });
  });

  it('says when nothing would receive it, and the broker returns it', async () => {
    const target = { kind: 'exchange' as const, vhost: '/', exchange: x, routingKey: 'invoice.created' };
    const preview = await client.call('publish/preview', { connectionId: rabbitId, target, message: message('{}') });
    expect(preview).toMatchObject({ routes: [], problem: expect.stringMatching(/^unroutable/) });
    expect(await client.stream('publish/send', { connectionId: rabbitId, target, message: message('{}'), count: 1 })).toMatchObject({ routed: false, returned: true, mismatch: null });
  });

  it('refuses JSON that does not parse, and an exchange that does not exist', async () => {
    const bad = await client
      .stream('publish/send', { connectionId: rabbitId, target: { kind: 'exchange', vhost: '/', exchange: x, routingKey: 'k' }, message: message('{"a":'), count: 1 })
      .catch((e: unknown) => e);
    expect((bad as ApiCallError).message).toMatch(/Not valid JSON/);
    const missing = await client
      .stream('publish/send', { connectionId: rabbitId, target: { kind: 'exchange', vhost: '/', exchange: 'no-such-x', routingKey: 'k' }, message: message('{}'), count: 1 })
      .catch((e: unknown) => e);
    expect((missing as ApiCallError).code).toBe('not_found');
  });
});

describe('producing to Kafka', () => {
  it('produces copies with key and headers and says the offsets they landed at', async () => {
    const sent = await client.stream('publish/send', {
      connectionId: kafkaId,
      target: { kind: 'topic', topic, partition: 1 },
      message: {
        payload: { format: 'base64', text: Buffer.from([0, 1, 2]).toString('base64') },
        key: { format: 'text', text: 'k-1' },
        headers: [
          { name: 'h', type: 'string', value: 'v' },
          { name: 'none', type: 'null', value: '' },
        ],
      },
      count: 3,
    });
    expect(sent.offsets).toEqual([0, 1, 2].map((o) => ({ partition: 1, offset: String(o) })));
    const records = kcatConsume(topic, { partition: 1 });
    expect(records.map((r) => [r.key!.toString(), [...r.payload!]])).toEqual([0, 1, 2].map(() => ['k-1', [0, 1, 2]]));
    expect(records[0]!.headers.map(([k, v]) => [k, v === null ? null : v.toString()])).toEqual([
      ['h', 'v'],
      ['none', null],
    ]);
  });

  it('refuses a partition the topic does not have', async () => {
    const e = await client
      .stream('publish/send', { connectionId: kafkaId, target: { kind: 'topic', topic, partition: 9 }, message: { payload: { format: 'text', text: 'x' }, headers: [] }, count: 1 })
      .catch((err: unknown) => err);
    expect((e as ApiCallError).message).toMatch(/has no partition 9/);
  });
});
