import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { deathGroup } from '../../src/model/dead-letters';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { springDeadLetters } from '../tools/frameworks';
import { javaProduce, kcatConsume, KEEP_HISTORY_ENTRIES as configEntries, type OracleRecord } from '../tools/kafka-tools';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A dead-letter topic written by a real Spring Kafka 4.1.2 DeadLetterPublishingRecoverer (its
 * listener threw, or the value was not JSON), from originals Kafka's Java producer wrote with user
 * headers (one without a value) and explicit timestamps; redriven by Rewind and read back by kcat.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let kafkaId: string;
const orders = unique('orders');
const dlt = `${orders}-dlt`;
const elsewhere = unique('orders-replay');
const T0 = 1_700_000_000_000;
let originals: Map<string, OracleRecord & { partition: number }>;

const h = (name: string, value: string | null): [string, Buffer | null] => [name, value === null ? null : Buffer.from(value)];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-spring-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  admin = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: orders, numPartitions: 2, configEntries },
      { topic: dlt, numPartitions: 2, configEntries },
      { topic: elsewhere, configEntries },
    ],
    waitForLeaders: true,
  });
  // JSON as a non-Java service writes it (spaces, 12.50): Spring's JSON serializer writes it differently.
  const json = (text: string) => Buffer.from(text);
  javaProduce(orders, [
    {
      records: [
        { partition: 0, timestamp: T0, key: Buffer.from('acc-1'), value: json('{"account": "A-4711", "amount": 12.50}'), headers: [h('tenant', 'acme'), h('trace', null), h('tenant', 'acme-eu')] },
        { partition: 0, timestamp: T0 + 1000, key: Buffer.from('ok-1'), value: json('{"ok": true}'), headers: [h('tenant', 'acme')] },
        { partition: 1, timestamp: T0 + 2000, key: Buffer.from('acc-2'), value: json('{"account":"A-815","amount":3}'), headers: [h('tenant', 'globex')] },
        { partition: 1, timestamp: T0 + 3000, key: Buffer.from('bad-1'), value: Buffer.from('not json at all'), headers: [h('source', 'legacy'), h('empty', null)] },
        { partition: 0, timestamp: T0 + 4000, key: Buffer.from('acc-3'), value: json('{"account":"A-9","amount":-5}'), headers: [] },
      ],
    },
  ]);
  await springDeadLetters({
    topic: orders,
    group: unique('payments-service'),
    failures: {
      'acc-1': { exception: 'IllegalStateException', message: 'Payment declined for account 4711 (order 5f0c6a1e-8a51-4d3c-9d7e-0b7f6f2f1a11)' },
      'acc-2': { exception: 'IllegalStateException', message: 'Payment declined for account 815 (order 9b2d1c44-6e0f-4c55-8f0e-3a9b1c2d4e5f)' },
      'acc-3': { exception: 'IllegalArgumentException', message: 'amount must be positive: -5' },
    },
  });
  originals = new Map();
  for (const partition of [0, 1]) for (const r of kcatConsume(orders, { partition })) originals.set(r.key!.toString(), { ...r, partition });
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
}, 240_000);

afterAll(async () => {
  await context.close();
  await admin.deleteTopics({ topics: [orders, dlt, elsewhere] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const ref = () => ({ type: 'kafka-topic' as const, name: dlt });
const text = (headers: [string, Buffer | null][]) => headers.map(([k, v]) => [k, v === null ? null : v.toString('latin1')]);
const dltRecords = () => [0, 1].flatMap((partition) => kcatConsume(dlt, { partition }).map((r) => ({ ...r, partition })));

describe('redriving what a real Spring Kafka DeadLetterPublishingRecoverer wrote', () => {
  it('Spring wrote the dead letters as the issue describes: type headers on the JSON ones, the failure time as their timestamp', () => {
    const written = dltRecords();
    expect(written.map((r) => r.key!.toString()).sort()).toEqual(['acc-1', 'acc-2', 'acc-3', 'bad-1']);
    const acc1 = written.find((r) => r.key!.toString() === 'acc-1')!;
    expect(acc1.headers.map(([k]) => k)).toEqual(expect.arrayContaining(['__TypeId__', '__ContentTypeId__', '__KeyTypeId__']));
    expect(acc1.payload!.toString()).not.toBe(originals.get('acc-1')!.payload!.toString());
    expect(acc1.ts).not.toBe(T0);
  });

  it('why each died is decoded from what Spring wrote, under its wrapper; they group by root cause and by the reason with ids masked', async () => {
    const peek = await client.call('dead-letters/peek', { connectionId: kafkaId, ref: ref(), limit: 10 });
    const byKey = new Map(peek.messages.map((m) => [m.envelope.key && 'text' in m.envelope.key ? m.envelope.key.text : null, m.death]));
    expect(byKey.get('acc-1')).toMatchObject({
      reason: 'IllegalStateException: Payment declined for account 4711 (order 5f0c6a1e-8a51-4d3c-9d7e-0b7f6f2f1a11)',
      origin: orders,
      kafka: { convention: 'spring', exceptionClass: 'org.springframework.kafka.listener.ListenerExecutionFailedException', rootCause: { className: 'java.lang.IllegalStateException' } },
    });
    expect(byKey.get('bad-1')!.kafka).toMatchObject({
      exceptionClass: 'org.springframework.kafka.support.serializer.DeserializationException',
      rootCause: { className: 'tools.jackson.core.exc.StreamReadException' },
    });
    const count = (by: 'reason' | 'exception') => {
      const out: Record<string, number> = {};
      for (const m of peek.messages) out[deathGroup(m.death, by)] = (out[deathGroup(m.death, by)] ?? 0) + 1;
      return out;
    };
    expect(count('exception')).toEqual({ 'java.lang.IllegalStateException': 2, 'java.lang.IllegalArgumentException': 1, 'tools.jackson.core.exc.StreamReadException': 1 });
    expect(count('reason')).toMatchObject({ 'IllegalStateException: Payment declined for account <n> (order <id>)': 2, 'IllegalArgumentException: amount must be positive: <n>': 1 });
  });

  it('the dry run says each record goes back as its original, found at its offset in the original topic', async () => {
    const plan = await client.call('dead-letters/plan', { connectionId: kafkaId, ref: ref(), selection: { all: true }, target: { kind: 'origin' } });
    expect(plan.total).toBe(4);
    expect(plan.movable).toBe(4);
    for (const row of plan.rows) expect(row.note).toMatch(new RegExp(`^as the original at ${orders}/[01]/\\d+`));
  });

  it('each redriven record equals its original (key, value bytes, headers in order with nulls, timestamp), plus only rewind-redriven-from', async () => {
    const outcome = await client.stream('dead-letters/redrive', {
      connectionId: kafkaId,
      ref: ref(),
      selection: { all: true },
      target: { kind: 'origin' },
      options: { partitioning: 'original', keepTimestamp: true, restoreTtl: false, ratePerSecond: null },
      confirmedCount: 4,
    });
    expect(outcome).toMatchObject({ moved: 4, failures: [], stoppedBy: 'done', error: null });
    const byKey = new Map(dltRecords().map((r) => [r.key!.toString(), r]));
    for (const key of ['acc-1', 'acc-2', 'acc-3', 'bad-1']) {
      const original = originals.get(key)!;
      const back = kcatConsume(orders, { partition: original.partition }).filter((r) => r.key!.toString() === key && r.offset > original.offset);
      expect(back, key).toHaveLength(1);
      const from = byKey.get(key)!;
      expect({ key: back[0]!.key, payload: back[0]!.payload, ts: back[0]!.ts, headers: text(back[0]!.headers) }, key).toEqual({
        key: original.key,
        payload: original.payload,
        ts: original.ts,
        headers: [...text(original.headers), ['rewind-redriven-from', `${dlt}/${from.partition}/${from.offset}`]],
      });
    }
  });

  it('when the original is gone, the DLT copy goes without the type headers Spring added, with the original time, and the dry run says so', async () => {
    // Retention took the originals: Kafka's own DeleteRecords, up to the end of each partition.
    const ends = await admin.fetchTopicOffsets(orders);
    await admin.deleteTopicRecords({ topic: orders, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    const plan = await client.call('dead-letters/plan', { connectionId: kafkaId, ref: ref(), selection: { all: true }, target: { kind: 'topic', topic: elsewhere } });
    const byWhere = new Map(plan.rows.map((r) => [r.where, r]));
    const written = dltRecords();
    const acc1 = written.find((r) => r.key!.toString() === 'acc-1')!;
    const bad1 = written.find((r) => r.key!.toString() === 'bad-1')!;
    expect(byWhere.get(`${acc1.partition}/${acc1.offset}`)!.note).toMatch(/original is no longer in .*: the dead letter's copy, without __TypeId__, __ContentTypeId__, __KeyTypeId__/);
    expect(byWhere.get(`${bad1.partition}/${bad1.offset}`)!.note).toMatch(/original is no longer in/);
    expect(byWhere.get(`${bad1.partition}/${bad1.offset}`)!.note).not.toMatch(/__TypeId__/);

    const outcome = await client.stream('dead-letters/redrive', {
      connectionId: kafkaId,
      ref: ref(),
      selection: { all: true },
      target: { kind: 'topic', topic: elsewhere },
      options: { partitioning: 'key', keepTimestamp: true, restoreTtl: false, ratePerSecond: null },
      confirmedCount: 4,
      repeat: true,
    });
    expect(outcome).toMatchObject({ moved: 4, stoppedBy: 'done' });
    const got = new Map(kcatConsume(elsewhere).map((r) => [r.key!.toString(), r]));
    for (const from of written) {
      const key = from.key!.toString();
      const original = originals.get(key)!;
      const r = got.get(key)!;
      // The value is the DLT's (Spring may have written the JSON anew); the headers and time are the original's.
      expect(r.payload).toEqual(from.payload);
      expect(r.ts, key).toBe(original.ts);
      expect(text(r.headers), key).toEqual([...text(original.headers), ['rewind-redriven-from', `${dlt}/${from.partition}/${from.offset}`]]);
    }
  });
});
