import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { consumerGroupDescribe } from '../tools/kafka-cli';
import { kcatProduceLines } from '../tools/kafka-tools';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, KAFKA_SASL_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Resetting a group's offsets commits them as `kafka-consumer-groups --reset-offsets` does, without
 * joining the group: a consumer starting meanwhile meets no Rewind member and no rebalance. What
 * the broker would wrap or drop is refused before anything moves; what it refuses partway is said
 * and audited. Kafka's own ConsumerGroupCommand is the oracle for what was committed.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let kafka: Kafka;
let kafkaId: string;
const orders = unique('orders');
const refunds = unique('refunds');
const group = unique('billing');

async function commitWithConsumer(groupId: string, topic: string, offsets: Record<number, string>) {
  // The group's own committed offsets, as its consumers leave them (kafkajs's admin, not Rewind).
  await admin.setOffsets({ groupId, topic, partitions: Object.entries(offsets).map(([partition, offset]) => ({ partition: Number(partition), offset })) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-reset-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: orders, numPartitions: 3 },
      { topic: refunds, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  for (const p of [0, 1, 2])
    kcatProduceLines(
      orders,
      Array.from({ length: 40 }, (_, i) => `o${p}-${i}`),
      { partition: p },
    );
  kcatProduceLines(
    refunds,
    Array.from({ length: 10 }, (_, i) => `r${i}`),
    { partition: 0 },
  );
  await commitWithConsumer(group, orders, { 0: '40', 1: '40', 2: '40' });
  await commitWithConsumer(group, refunds, { 0: '10' });
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
}, 120_000);

afterAll(async () => {
  await context.close();
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin.deleteTopics({ topics: [orders, refunds] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const committed = (groupId = group) => Object.fromEntries(consumerGroupDescribe(groupId).map((p) => [`${p.topic}:${p.partition}`, p.current]));
const refusal = async (call: Promise<unknown>) => {
  const e = await call.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiCallError);
  return e as ApiCallError;
};

describe('resetting offsets without joining the group', () => {
  it('commits as kafka-consumer-groups does: no Rewind member ever in the group, and a consumer starting meanwhile joins alone and reads from the new offsets', async () => {
    const seenMembers = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const { groups } = await admin.describeGroups([group]);
        for (const m of groups[0]?.members ?? []) seenMembers.add(m.clientId);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000 });
    const joins: number[] = [];
    let rebalances = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => joins.push(Date.now()));
    consumer.on(consumer.events.REBALANCING, () => rebalances++);
    const read: string[] = [];
    try {
      const reset = client.call('groups/reset', {
        connectionId: kafkaId,
        groupId: group,
        offsets: [0, 1, 2].map((partition) => ({ topic: orders, partition, offset: '35' })),
        description: 'back 5 in orders',
      });
      // The service starts while the reset is under way (kafkajs's setOffsets kept a member in the group ~10 s).
      await new Promise((r) => setTimeout(r, 300));
      await reset;
      await consumer.connect();
      await consumer.subscribe({ topic: orders });
      await consumer.run({ eachMessage: async ({ message }) => void read.push(message.value!.toString()) });
      await expect.poll(() => read.length, { timeout: 30_000 }).toBe(15);
      expect(read.filter((v) => /-3[5-9]$/.test(v))).toHaveLength(15);
      expect(joins).toHaveLength(1);
      expect(rebalances).toBe(0);
    } finally {
      watching = false;
      await watcher;
      await consumer.disconnect();
    }
    expect([...seenMembers]).toEqual(['rewind-test']);
  }, 60_000);

  it('refuses offsets that do not fit Kafka’s signed 64-bit integer, and partitions the topic does not have; nothing moves', async () => {
    const before = committed();
    const huge = await refusal(
      client.call('groups/reset', {
        connectionId: kafkaId,
        groupId: group,
        offsets: [
          { topic: refunds, partition: 0, offset: '3' },
          { topic: orders, partition: 0, offset: '99999999999999999999' },
        ],
        description: 'too far',
      }),
    );
    expect(huge.code).toBe('invalid_input');
    expect(huge.message).toMatch(/99999999999999999999.*64-bit/);
    for (const partition of [-1, 999]) {
      const e = await refusal(
        client.call('groups/reset', {
          connectionId: kafkaId,
          groupId: group,
          offsets: [
            { topic: refunds, partition: 0, offset: '3' },
            { topic: orders, partition, offset: '1' },
          ],
          description: 'no such partition',
        }),
      );
      expect(e.code).toBe('invalid_input');
      expect(e.message).toMatch(new RegExp(`${orders} has no partition ${partition} \\(it has 0–2\\)`));
    }
    const missing = await refusal(client.call('groups/reset', { connectionId: kafkaId, groupId: group, offsets: [{ topic: unique('nope'), partition: 0, offset: '1' }], description: 'x' }));
    expect(missing.message).toMatch(/no topic/i);
    expect(committed()).toEqual(before);
    const { entries } = await client.call('audit/list', { actions: ['reset-offsets'], text: group, limit: 10 });
    expect(entries.map((e) => (e.detail as { description: string }).description)).not.toContain('too far');
  });

  it('the audit entry keeps the offsets committed, exactly, as strings', async () => {
    await client.call('groups/reset', {
      connectionId: kafkaId,
      groupId: group,
      offsets: [
        { topic: orders, partition: 1, offset: '0012' },
        { topic: refunds, partition: 0, offset: '9' },
      ],
      description: 'exact',
    });
    expect(committed()[`${orders}:1`]).toBe('12');
    expect(committed()[`${refunds}:0`]).toBe('9');
    const { entries } = await client.call('audit/list', { actions: ['reset-offsets'], text: group, limit: 1 });
    expect(entries[0]!.detail).toMatchObject({
      description: 'exact',
      partial: false,
      after: [
        { topic: orders, partition: 1, offset: '12' },
        { topic: refunds, partition: 0, offset: '9' },
      ],
      before: [
        { topic: orders, partition: 1, offset: '40' },
        { topic: refunds, partition: 0, offset: '10' },
      ],
    });
  });

  it('when the broker refuses partway, the error names what moved and the real cause, and the part that moved is audited', async () => {
    // A user whose ACLs let it commit for the group and read orders, but only describe refunds.
    const acl = (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes) => ({
      resourceType,
      resourceName,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:reader',
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    });
    const acls = [
      acl(AclResourceTypes.GROUP, group, AclOperationTypes.READ),
      acl(AclResourceTypes.GROUP, group, AclOperationTypes.DESCRIBE),
      acl(AclResourceTypes.TOPIC, orders, AclOperationTypes.READ),
      acl(AclResourceTypes.TOPIC, orders, AclOperationTypes.DESCRIBE),
      acl(AclResourceTypes.TOPIC, refunds, AclOperationTypes.DESCRIBE),
    ];
    await admin.createAcls({ acl: acls });
    try {
      const reader = (
        await client.call('connections/save', { kind: 'kafka', name: 'reader', host: '127.0.0.1', port: KAFKA_SASL_PORT, tls: false, username: 'reader', sasl: 'plain', password: 'reader-secret' })
      ).id;
      const e = await refusal(
        client.call('groups/reset', {
          connectionId: reader,
          groupId: group,
          offsets: [
            { topic: orders, partition: 0, offset: '1' },
            { topic: orders, partition: 2, offset: '2' },
            { topic: refunds, partition: 0, offset: '3' },
          ],
          description: 'two topics',
        }),
      );
      expect(e.message).toMatch(new RegExp(`partly applied: ${orders} moved`));
      expect(e.message).toMatch(new RegExp(`${refunds} did not move: TOPIC_AUTHORIZATION_FAILED`));
      expect(e.message).not.toMatch(/consumers|members/);
      expect(committed()).toMatchObject({ [`${orders}:0`]: '1', [`${orders}:2`]: '2', [`${refunds}:0`]: '9' });
      const { entries } = await client.call('audit/list', { actions: ['reset-offsets'], text: group, limit: 1 });
      expect(entries[0]!.detail).toMatchObject({
        description: 'two topics',
        partial: true,
        after: [
          { topic: orders, partition: 0, offset: '1' },
          { topic: orders, partition: 2, offset: '2' },
        ],
        refused: [{ topic: refunds, partition: 0, offset: '3', error: 'TOPIC_AUTHORIZATION_FAILED' }],
        before: [
          { topic: orders, partition: 0, offset: '40' },
          { topic: orders, partition: 2, offset: '40' },
        ],
      });
    } finally {
      await admin.deleteAcls({ filters: acls });
    }
  }, 60_000);
});
