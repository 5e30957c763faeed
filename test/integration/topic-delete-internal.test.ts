import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { consumerGroupDescribe } from '../tools/kafka-cli';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Kafka's internal topics are never deleted from Rewind, whatever name is typed: the core refuses,
 * and the details say so (the UI offers no Delete). Deleting `__consumer_offsets` would take every
 * group's committed offsets with it.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let kafkaId: string;
const topic = unique('orders');
const group = unique('billing');
const reserved = `__${unique('rewind-internal')}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-internal-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  admin = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic }, { topic: reserved }], waitForLeaders: true });
  await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }] });
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
});

afterAll(async () => {
  await context.close();
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic, reserved] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const refused = async (name: string) => {
  const e = await client.call('topics/delete', { connectionId: kafkaId, topic: name, confirm: name }).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(ApiCallError);
  return e as ApiCallError;
};

describe("deleting Kafka's internal topics", () => {
  it('the details mark internal topics, so the UI offers no Delete for them', async () => {
    expect((await client.call('topics/describe', { connectionId: kafkaId, topic: '__consumer_offsets' })).internal).toBe(true);
    expect((await client.call('topics/describe', { connectionId: kafkaId, topic: reserved })).internal).toBe(true);
    expect((await client.call('topics/describe', { connectionId: kafkaId, topic })).internal).toBe(false);
  });

  it('a name starting with __ is refused even with its name typed, and the topic stays', async () => {
    const e = await refused(reserved);
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/internal/);
    expect(await admin.listTopics()).toContain(reserved);
    const { entries } = await client.call('audit/list', { actions: ['delete-topic'], text: reserved, limit: 5 });
    expect(entries).toHaveLength(0);
  });

  it('__consumer_offsets and __transaction_state are refused with why; every group keeps its offsets', async () => {
    // Only after the details said internal (the test above): a regression must not delete the shared broker's offsets.
    expect((await client.call('topics/describe', { connectionId: kafkaId, topic: '__consumer_offsets' })).internal).toBe(true);
    const e = await refused('__consumer_offsets');
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/__consumer_offsets is Kafka's internal topic .*committed offsets.*never deletes/);
    expect((await refused('__transaction_state')).message).toMatch(/internal/);
    expect((await refused('__cluster_metadata')).message).toMatch(/internal/);
    expect(await admin.listTopics()).toContain('__consumer_offsets');
    expect(consumerGroupDescribe(group).map((p) => p.current)).toEqual(['0']);
  });
});
