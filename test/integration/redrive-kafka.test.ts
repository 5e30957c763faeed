import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { kcatConsume, kcatProduce, KEEP_HISTORY_ENTRIES as configEntries } from '../tools/kafka-tools';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A dead-letter topic written by a plain kafkajs producer with the headers Spring Kafka and
 * Kafka Connect write (Rewind writes none of it), redriven to the topics the records came from.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let kafkaId: string;
const payments = unique('payments');
const ingest = unique('ingest');
const dlt = unique('errors-sink'); // not named like a DLT: found by its headers

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-kredrive-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: payments, numPartitions: 3, configEntries },
      { topic: ingest, configEntries },
      { topic: dlt, numPartitions: 2, configEntries },
    ],
    waitForLeaders: true,
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: dlt,
    messages: [
      {
        partition: 0,
        key: 'p-1',
        value: '{"payment":1}',
        timestamp: '1700000000000',
        headers: {
          'kafka_dlt-original-topic': payments,
          'kafka_dlt-original-partition': int32(2),
          'kafka_dlt-exception-fqcn': 'java.lang.IllegalStateException',
          'kafka_dlt-exception-message': 'declined',
          tenant: 'acme',
        },
      },
      { partition: 0, key: 'p-2', value: '{"payment":2}', headers: { 'kafka_dlt-original-topic': payments, 'kafka_dlt-original-partition': int32(0), 'kafka_dlt-exception-message': 'declined' } },
      {
        partition: 1,
        key: 'row-9',
        value: 'not json',
        headers: { '__connect.errors.topic': ingest, '__connect.errors.partition': '0', '__connect.errors.offset': '9', '__connect.errors.exception.message': 'bad json' },
      },
      { partition: 1, key: 'orphan', value: 'no origin', headers: { note: 'hand-made' } },
    ],
  });
  await producer.disconnect();
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
});

afterAll(async () => {
  await context.close();
  await admin.deleteTopics({ topics: [payments, ingest, dlt] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const ref = () => ({ type: 'kafka-topic' as const, name: dlt });

describe('redriving a Kafka dead-letter topic', () => {
  it('finds the topic by its headers, whatever its name', async () => {
    const { sources } = await client.call('dead-letters/list', {});
    const found = sources.find((s) => s.ref.name === dlt);
    expect(found?.resource.type === 'kafka-topic' && found.resource.deadLetterOf?.sort()).toEqual([ingest, payments].sort());
  });

  it('the dry run names each record’s original topic, and what has none', async () => {
    const plan = await client.call('dead-letters/plan', { connectionId: kafkaId, ref: ref(), selection: { all: true }, target: { kind: 'origin' } });
    expect(plan.total).toBe(4);
    const byWhere = Object.fromEntries(plan.rows.map((r) => [r.where, r]));
    expect(byWhere['0/0']).toMatchObject({ target: payments, routes: [`${payments}/by key`], problem: null });
    expect(byWhere['1/0']).toMatchObject({ target: ingest, problem: null });
    expect(byWhere['1/1']!.problem).toMatch(/no original topic/);
    expect(plan.movable).toBe(3);
  });

  it('produces each record to its original topic: key, value, user headers and time kept; the DLT headers left behind; where it came from added', async () => {
    const peek = await client.call('dead-letters/peek', { connectionId: kafkaId, ref: ref(), limit: 10 });
    const ids = peek.messages
      .filter((m) => m.death.kafka?.topic === payments)
      .map((m) => m.id)
      .sort();
    expect(ids).toEqual(['0:0', '0:1']);
    const outcome = await client.stream('dead-letters/redrive', {
      connectionId: kafkaId,
      ref: ref(),
      selection: { ids },
      target: { kind: 'origin' },
      options: { partitioning: 'original', keepTimestamp: true, restoreTtl: false, ratePerSecond: null },
      confirmedCount: 2,
    });
    expect(outcome).toMatchObject({ moved: 2, failures: [], stoppedBy: 'done', error: null });
    // Kafka's own consumer (kcat) sees them where the headers said they came from.
    const p2 = kcatConsume(payments, { partition: 2 });
    expect(p2).toHaveLength(1);
    expect(p2[0]!.key!.toString()).toBe('p-1');
    expect(p2[0]!.payload!.toString()).toBe('{"payment":1}');
    expect(p2[0]!.ts).toBe(1_700_000_000_000);
    expect(p2[0]!.headers.map(([k, v]) => [k, v?.toString()])).toEqual([
      ['tenant', 'acme'],
      ['rewind-redriven-from', `${dlt}/0/0`],
    ]);
    expect(kcatConsume(payments, { partition: 0 }).map((r) => r.key!.toString())).toEqual(['p-2']);
    // The DLT is a log: its records stay.
    expect(kcatConsume(dlt, { partition: 0 })).toHaveLength(2);
  });

  it('keeps header order, duplicate keys and null values exactly (written by kcat)', async () => {
    const dlt2 = unique('kcat-dlt');
    const origin = unique('kcat-origin');
    await admin.createTopics({
      topics: [
        { topic: dlt2, configEntries },
        { topic: origin, configEntries },
      ],
      waitForLeaders: true,
    });
    try {
      kcatProduce(dlt2, [{ key: 'k', headers: [`kafka_dlt-original-topic=${origin}`, 'a=1', 'b=2', 'a=3', 'nothing', 'kafka_dlt-exception-message=boom'], value: Buffer.from('v') }]);
      const outcome = await client.stream('dead-letters/redrive', {
        connectionId: kafkaId,
        ref: { type: 'kafka-topic', name: dlt2 },
        selection: { all: true },
        target: { kind: 'origin' },
        confirmedCount: 1,
      });
      expect(outcome.moved).toBe(1);
      const [r] = kcatConsume(origin);
      expect(r!.headers.map(([k, v]) => [k, v === null ? null : v.toString()])).toEqual([
        ['a', '1'],
        ['b', '2'],
        ['a', '3'],
        ['nothing', null],
        ['rewind-redriven-from', `${dlt2}/0/0`],
      ]);
    } finally {
      await admin.deleteTopics({ topics: [dlt2, origin] }).catch(() => undefined);
    }
  });

  it('a redrive of all moves what was confirmed, not records that arrived after the dry run', async () => {
    const dlt3 = unique('late-dlt');
    const origin = unique('late-origin');
    await admin.createTopics({
      topics: [
        { topic: dlt3, configEntries },
        { topic: origin, configEntries },
      ],
      waitForLeaders: true,
    });
    try {
      const dead = (i: number) => ({ key: `k${i}`, headers: [`kafka_dlt-original-topic=${origin}`], value: Buffer.from(`v${i}`) });
      kcatProduce(dlt3, [dead(1), dead(2)]);
      const plan = await client.call('dead-letters/plan', { connectionId: kafkaId, ref: { type: 'kafka-topic', name: dlt3 }, selection: { all: true }, target: { kind: 'origin' } });
      expect(plan.total).toBe(2);
      // Another record dies between the dry run and the confirmation.
      kcatProduce(dlt3, [dead(3)]);
      const outcome = await client.stream('dead-letters/redrive', {
        connectionId: kafkaId,
        ref: { type: 'kafka-topic', name: dlt3 },
        selection: { all: true },
        target: { kind: 'origin' },
        confirmedCount: plan.total,
      });
      expect(outcome).toMatchObject({ looked: 2, moved: 2, stoppedBy: 'done' });
      expect(kcatConsume(origin).map((r) => r.payload!.toString())).toEqual(['v1', 'v2']);
    } finally {
      await admin.deleteTopics({ topics: [dlt3, origin] }).catch(() => undefined);
    }
  });

  it('a second redrive of the same offsets asks first, and goes ahead when confirmed', async () => {
    const plan = await client.call('dead-letters/plan', { connectionId: kafkaId, ref: ref(), selection: { ids: ['0:0'] }, target: { kind: 'origin' } });
    expect(plan.repeated).toBe(1);
    expect(plan.rows[0]!.redrivenBefore).toMatch(/^\d{4}-/);
    const e = await client
      .stream('dead-letters/redrive', { connectionId: kafkaId, ref: ref(), selection: { ids: ['0:0'] }, target: { kind: 'origin' }, confirmedCount: 1 })
      .catch((err: unknown) => err);
    expect((e as ApiCallError).code).toBe('conflict');
    expect((e as ApiCallError).message).toMatch(/redriven before/);
    const again = await client.stream('dead-letters/redrive', { connectionId: kafkaId, ref: ref(), selection: { ids: ['0:0'] }, target: { kind: 'origin' }, confirmedCount: 1, repeat: true });
    expect(again.moved).toBe(1);
  });

  it('records with no origin go where the user says; a topic that does not exist is reported per record', async () => {
    const missing = await client.stream('dead-letters/redrive', {
      connectionId: kafkaId,
      ref: ref(),
      selection: { ids: ['1:1'] },
      target: { kind: 'topic', topic: 'no-such-topic-here' },
      confirmedCount: 1,
    });
    expect(missing.moved).toBe(0);
    expect(missing.failures[0]!.reason).toMatch(/does not exist/);
    const sent = await client.stream('dead-letters/redrive', { connectionId: kafkaId, ref: ref(), selection: { ids: ['1:1', '1:0'] }, target: { kind: 'topic', topic: ingest }, confirmedCount: 2 });
    expect(sent.moved).toBe(2);
    expect(
      kcatConsume(ingest)
        .map((r) => r.payload!.toString())
        .sort(),
    ).toEqual(['no origin', 'not json']);
    const { entries } = await client.call('audit/list', { actions: ['redrive'], text: dlt, limit: 20 });
    // Four runs, newest first: this one, the one with nowhere to go, the repeat, the first; (the refused repeat made none).
    expect(entries.map((e) => (e.detail as { moved: number }).moved)).toEqual([2, 0, 1, 2]);
  });
});
