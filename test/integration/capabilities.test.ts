import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatConsume } from '../tools/kafka-tools';
import { connect, depth } from '../tools/rabbit-tools';
import { KAFKA_PORT, unique } from './brokers';
import { REDIS_PORT } from '../tools/bull-workers';
import { inMemoryClient } from './in-memory-client';

/**
 * What a source tells the renderer it can do is exactly what its adapter has: each ability said
 * works against the real broker (a message sent is held by it, groups are listed, a read starts at
 * a time), and each one not said is refused with `unsupported` rather than half done.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
const ids = { kafka: '', rabbit: '', store: '', redis: '' };
const topic = unique('caps');
const queue = unique('caps-q');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-caps-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  ids.kafka = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  ids.rabbit = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  ids.store = (await client.call('connections/save', { kind: 'store', name: 's', path: join(dir, 'events.db'), create: true })).id;
  ids.redis = (await client.call('connections/save', { kind: 'redis', name: 'rd', host: '127.0.0.1', port: REDIS_PORT, tls: false, username: '', database: 0, prefix: 'bull' })).id;
  await createTopic(topic);
  const { conn, ch } = await connect();
  await ch.assertQueue(queue, { durable: true });
  await conn.close();
});

afterAll(async () => {
  await context.close();
  await deleteTopics([topic]);
  const { conn, ch } = await connect();
  await ch.deleteQueue(queue);
  await conn.close();
  rmSync(dir, { recursive: true, force: true });
});

const capabilities = async (id: string) => (await client.call('resources/list', { connectionId: id })).capabilities;
const message = { payload: { format: 'text' as const, text: 'caps' }, headers: [], properties: {} };
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof ApiCallError ? e.code : String(e)),
  );

describe('each source says exactly what it can do', () => {
  it('Kafka: everything, and each works', async () => {
    expect(await capabilities(ids.kafka)).toEqual({ browse: true, tail: true, publish: true, consumerGroups: true, deadLetters: true, seekByTime: true });
    await client.stream('publish/send', { connectionId: ids.kafka, target: { kind: 'topic', topic, partition: 0 }, message, count: 2 });
    expect(kcatConsume(topic).map((r) => r.payload?.toString())).toEqual(['caps', 'caps']);
    expect(Array.isArray(await client.call('groups/list', { connectionId: ids.kafka }))).toBe(true);
    const page = await client.call('topics/page', {
      connectionId: ids.kafka,
      topic,
      partitions: null,
      from: { type: 'time', value: new Date(Date.now() - 60_000).toISOString() },
      direction: 'forward',
      limit: 10,
    });
    expect(page.records).toHaveLength(2);
  });

  it('RabbitMQ: no consumer groups (refused); publishing works', async () => {
    expect(await capabilities(ids.rabbit)).toEqual({ browse: true, tail: true, publish: true, consumerGroups: false, deadLetters: true, seekByTime: true });
    await client.stream('publish/send', { connectionId: ids.rabbit, target: { kind: 'exchange', vhost: '/', exchange: '', routingKey: queue }, message, count: 3 });
    const { conn, ch } = await connect();
    expect(await depth(ch, queue)).toBe(3);
    await conn.close();
    expect(await refusal(client.call('groups/list', { connectionId: ids.rabbit }))).toBe('unsupported');
  });

  it('Redis: streams followed, dead letters, no publishing and no Kafka-style groups (refused)', async () => {
    expect(await capabilities(ids.redis)).toEqual({ browse: true, tail: true, publish: false, consumerGroups: false, deadLetters: true, seekByTime: true });
    expect(await refusal(client.stream('publish/send', { connectionId: ids.redis, target: { kind: 'topic', topic: 'x', partition: null }, message, count: 1 }))).toBe('unsupported');
    expect(await refusal(client.call('groups/list', { connectionId: ids.redis }))).toBe('unsupported');
    expect(await refusal(client.call('redis/stream-groups', { connectionId: ids.store, stream: 'x' }))).toBe('unsupported');
  });

  it('the event store: nothing follows it and it is not published to (refused); it has parked events', async () => {
    expect(await capabilities(ids.store)).toEqual({ browse: true, tail: false, publish: false, consumerGroups: false, deadLetters: true, seekByTime: true });
    expect(await refusal(client.stream('publish/send', { connectionId: ids.store, target: { kind: 'topic', topic: 'x', partition: null }, message, count: 1 }))).toBe('unsupported');
    expect(await refusal(client.stream('records/follow', { connectionId: ids.store, target: { type: 'rabbit-stream', vhost: '/', queue: 'x' }, from: { type: 'next' } }))).toBe('unsupported');
    expect(await refusal(client.call('groups/list', { connectionId: ids.store }))).toBe('unsupported');
  });
});
