import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ParamsOf, ResultOf } from '../../src/api/contract';
import { ApiCallError } from '../../src/model/errors';
import type { Envelope } from '../../src/model/envelope';
import type { ScanItem } from '../../src/model/topic-scan';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { consumerGroupList } from '../tools/kafka-cli';
import { createTopic, deleteTopics, javaProduce, kcatProduce, kcatProduceLines } from '../tools/kafka-tools';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, KAFKA_SASL_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A whole topic read as one: pages merged across partitions and sought by time, a search over
 * 100,000 records written by kcat, a live tail, and searches that meet a deleted topic or a
 * stopped broker and are continued from where they stood.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let kafkaId: string;
const timed = unique('timed');
const big = unique('search-100k');
const small = unique('search-small');
const COUNT = 100_000;
const amountOf = (i: number) => (i * 7919) % 1000;
const T0 = Date.parse('2026-11-20T08:00:00Z');
const pidFile = join(process.env.REWIND_CACHE ?? join(homedir(), '.cache', 'rewind'), 'kafka-3.9.1', `run-${KAFKA_PORT}`, 'broker.pid');
const brokerPid = () => Number(readFileSync(pidFile, 'utf8').trim());

const where = (e: Envelope) => `${e.partition}@${e.position}`;
const idOf = (e: Envelope) => (JSON.parse(e.payload.kind === 'json' || e.payload.kind === 'text' ? e.payload.text : 'null') as { id: number }).id;

async function search(params: Omit<ParamsOf<'topics/search'>, 'connectionId'>, onItem?: (i: ScanItem) => void) {
  const hits: Envelope[] = [];
  const summary = await client.stream(
    'topics/search',
    { connectionId: kafkaId, ...params },
    {
      onBatch: (items) => {
        for (const i of items) {
          if (i.kind === 'hits') hits.push(...i.records);
          onItem?.(i);
        }
      },
    },
  );
  return { hits, summary };
}

async function page(params: Omit<ParamsOf<'topics/page'>, 'connectionId'>): Promise<ResultOf<'topics/page'>> {
  return client.call('topics/page', { connectionId: kafkaId, ...params });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-search-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  await createTopic(timed, {}, 3);
  await createTopic(big, {}, 3);
  await createTopic(small, {}, 2);
  // 20 records a partition, a minute apart; partition p is p × 20 s later than partition 0.
  javaProduce(timed, [
    {
      records: Array.from({ length: 60 }, (_, i) => ({
        partition: i % 3,
        timestamp: T0 + Math.floor(i / 3) * 60_000 + (i % 3) * 20_000,
        key: null,
        value: Buffer.from(`p${i % 3}-${Math.floor(i / 3)}`),
      })),
    },
  ]);
  kcatProduceLines(
    big,
    Array.from({ length: COUNT }, (_, i) => JSON.stringify({ id: i, type: 'Paid', data: { amount: amountOf(i), note: 'x'.repeat(40) } })),
  );
  kcatProduce(small, [
    { key: 'order-1', headers: ['tenant=acme', 'type=OrderPlaced'], value: Buffer.from('{"total":10}') },
    { key: 'order-2', headers: ['tenant=globex'], value: Buffer.from('{"total":250}') },
    { key: 'invoice-1', headers: ['tenant=acme'], value: Buffer.from('plain text with needle inside') },
    { key: 'order-3', value: Buffer.from([0x00, 0xff, 0x10]) },
  ]);
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
}, 240_000);

afterAll(async () => {
  process.kill(brokerPid(), 'SIGCONT');
  await context.close();
  await deleteTopics([timed, big, small]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a whole topic, page by page', () => {
  it('seeks all 3 partitions at once by time, merged in time order, and pages back', async () => {
    const at = new Date(T0 + 10 * 60_000 + 5_000).toISOString();
    const p = await page({ topic: timed, partitions: null, from: { type: 'time', value: at }, direction: 'forward', limit: 6, isolation: 'read_committed' });
    // Partition 0's record 10 is 5 s too early; partitions 1 and 2 start at their record 10.
    expect(p.first).toEqual({ '0': '11', '1': '10', '2': '10' });
    expect(p.records.map(where)).toEqual(['1@10', '2@10', '0@11', '1@11', '2@11', '0@12']);
    expect(p.records.map((r) => r.payload.kind === 'text' && r.payload.text)).toEqual(['p1-10', 'p2-10', 'p0-11', 'p1-11', 'p2-11', 'p0-12']);
    expect(p.next).toEqual({ '0': '13', '1': '12', '2': '12' });

    const back = await page({ topic: timed, partitions: null, from: { type: 'offsets', value: p.first }, direction: 'backward', limit: 3, isolation: 'read_committed' });
    expect(back.records.map(where)).toEqual(['1@9', '2@9', '0@10']);
    const on = await page({ topic: timed, partitions: null, from: { type: 'offsets', value: p.next }, direction: 'forward', limit: 2, isolation: 'read_committed' });
    expect(on.records.map(where)).toEqual(['1@12', '2@12']);
  });

  it('a time before the first record starts at the start; after the last, at the end with nothing to show', async () => {
    const early = await page({ topic: timed, partitions: null, from: { type: 'time', value: new Date(T0 - 86_400_000).toISOString() }, direction: 'forward', limit: 3, isolation: 'read_committed' });
    expect(early.atStart).toBe(true);
    expect(early.records.map(where)).toEqual(['0@0', '1@0', '2@0']);
    const late = await page({ topic: timed, partitions: null, from: { type: 'time', value: new Date(T0 + 86_400_000).toISOString() }, direction: 'forward', limit: 3, isolation: 'read_committed' });
    expect(late.records).toEqual([]);
    expect(late.atEnd).toBe(true);
  });

  it('shows the last N of each partition, and the newest records of the topic', async () => {
    const last = await page({ topic: timed, partitions: null, from: { type: 'last', perPartition: 2 }, direction: 'forward', limit: 100, isolation: 'read_committed' });
    expect(last.records.map(where)).toEqual(['0@18', '1@18', '2@18', '0@19', '1@19', '2@19']);
    const newest = await page({ topic: timed, partitions: null, from: { type: 'end' }, direction: 'forward', limit: 4, isolation: 'read_committed' });
    expect(newest.records.map(where)).toEqual(['2@18', '0@19', '1@19', '2@19']);
    expect(newest.atEnd).toBe(true);
  });

  it('one partition alone, and a partition that does not exist named', async () => {
    const one = await page({ topic: timed, partitions: [2], from: { type: 'start' }, direction: 'forward', limit: 2, isolation: 'read_committed' });
    expect(one.records.map(where)).toEqual(['2@0', '2@1']);
    const e = await page({ topic: timed, partitions: [7], from: { type: 'start' }, direction: 'forward', limit: 2, isolation: 'read_committed' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiCallError);
    expect((e as ApiCallError).message).toContain('has no partition 7 (it has 3)');
  });
});

describe('searching a whole topic', () => {
  const expected = Array.from({ length: COUNT }, (_, i) => i).filter((i) => amountOf(i) > 990);

  it('by a JSON path over 100,000 records written by kcat finds exactly the matching ones', async () => {
    const progress: number[] = [];
    const { hits, summary } = await search(
      { topic: big, partitions: null, from: { type: 'start' }, to: null, filter: { json: '$.data.amount > 990' }, limit: 10_000, isolation: 'read_committed' },
      (i) => {
        if (i.kind === 'progress') progress.push(i.scanned);
      },
    );
    expect(summary).toMatchObject({ scanned: COUNT, hits: expected.length, complete: true, stopped: null });
    expect(hits.map(idOf).sort((a, b) => a - b)).toEqual(expected);
    expect(progress.at(-1)).toBe(COUNT);
  });

  it('pages of hits continued to the end find each hit once, none skipped', async () => {
    const found: number[] = [];
    let from: ParamsOf<'topics/search'>['from'] = { type: 'start' };
    let to: Record<string, string> | null = null;
    let rounds = 0;
    for (;;) {
      const { hits, summary } = await search({ topic: big, partitions: null, from, to, filter: { json: '$.data.amount > 990' }, limit: 250, isolation: 'read_committed' });
      found.push(...hits.map(idOf));
      rounds++;
      if (summary.complete) break;
      expect(summary.hits).toBe(250);
      from = { type: 'offsets', value: summary.positions };
      to = summary.ends;
    }
    expect(rounds).toBe(Math.ceil(expected.length / 250) + (expected.length % 250 === 0 ? 1 : 0));
    expect(found.sort((a, b) => a - b)).toEqual(expected);
  });

  it('by key, header, value text, and a JavaScript predicate in the sandbox', async () => {
    const keys = async (filter: ParamsOf<'topics/search'>['filter']) =>
      (await search({ topic: small, partitions: null, from: { type: 'start' }, to: null, filter, limit: 100, isolation: 'read_committed' })).hits
        .map((h) => (h.key?.kind === 'text' ? h.key.text : '?'))
        .sort();
    expect(await keys({ key: { mode: 'exact', value: 'order-2' } })).toEqual(['order-2']);
    expect(await keys({ key: { mode: 'prefix', value: 'order-' } })).toEqual(['order-1', 'order-2', 'order-3']);
    expect(await keys({ key: { mode: 'regex', value: '^(invoice|order)-1$' } })).toEqual(['invoice-1', 'order-1']);
    expect(await keys({ header: { name: 'tenant', value: 'acme' } })).toEqual(['invoice-1', 'order-1']);
    expect(await keys({ header: { name: 'type' } })).toEqual(['order-1']);
    expect(await keys({ value: 'needle' })).toEqual(['invoice-1']);
    expect(await keys({ json: '$.total >= 10', key: { mode: 'prefix', value: 'order' } })).toEqual(['order-1', 'order-2']);
    expect(await keys({ predicate: "(r) => r.headers.tenant === 'acme' && typeof r.value === 'object'" })).toEqual(['order-1']);

    const sevens = await search({
      topic: big,
      partitions: null,
      from: { type: 'start' },
      to: null,
      filter: { predicate: '(r) => r.value.data.amount === 7' },
      limit: 10_000,
      isolation: 'read_committed',
    });
    expect(sevens.hits.map(idOf).sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT }, (_, i) => i).filter((i) => amountOf(i) === 7));
  });

  it('a predicate that throws counts as no match and says so; one that never returns is stopped', async () => {
    const throwing = await search({
      topic: small,
      partitions: null,
      from: { type: 'start' },
      to: null,
      filter: { predicate: '(r) => r.value.total.toFixed(0) === "10"' },
      limit: 100,
      isolation: 'read_committed',
    });
    expect(throwing.hits.map((h) => h.position)).toHaveLength(1);
    expect(throwing.summary.predicateErrors).toMatchObject({ count: 2 });
    expect(throwing.summary.predicateErrors?.first).toMatch(/TypeError/);
    const e = await search({
      topic: small,
      partitions: null,
      from: { type: 'start' },
      to: null,
      filter: { predicate: 'r.value && (() => { for (;;) {} })()' },
      limit: 100,
      isolation: 'read_committed',
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiCallError);
    expect((e as ApiCallError).code).toBe('limit');
    expect((e as ApiCallError).message).toMatch(/predicate/i);
    const bad = await search({ topic: small, partitions: null, from: { type: 'start' }, to: null, filter: { json: '$.total >> 3' }, limit: 100, isolation: 'read_committed' }).catch((x: unknown) => x);
    expect((bad as ApiCallError).code).toBe('invalid_input');
  });

  it('a topic deleted mid-search: the search stops, says so, and keeps what it found', async () => {
    const doomed = unique('doomed');
    await createTopic(doomed, {}, 2);
    // About 10 MB a partition: several fetches each, so some are still to come when it goes.
    kcatProduceLines(
      doomed,
      Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: i, data: { amount: amountOf(i) }, pad: 'p'.repeat(1000) })),
    );
    let deleting: Promise<void> | null = null;
    // A predicate makes the search slow enough to be caught in the middle.
    const { hits, summary } = await search(
      {
        topic: doomed,
        partitions: null,
        from: { type: 'start' },
        to: null,
        filter: { predicate: '(r) => { let x = 0; for (let i = 0; i < 100000; i++) x += i % 7; return x > 0 && r.value.data.amount % 2 === 0; }' },
        limit: 10_000,
        isolation: 'read_committed',
      },
      (i) => {
        if (i.kind === 'progress' && i.scanned > 0) deleting ??= deleteTopics([doomed]);
      },
    );
    await deleting;
    expect(summary.complete).toBe(false);
    expect(summary.stopped?.code).toBe('not_found');
    expect(summary.stopped?.message).toMatch(/no longer exists/);
    expect(hits.length).toBe(summary.hits);
  });

  it('a broker stopped mid-search: reported, then continued from where it stood once it is back', async () => {
    let frozen = false;
    const first = await search(
      { topic: big, partitions: null, from: { type: 'start' }, to: null, filter: { predicate: '(r) => r.value.data.amount > 990' }, limit: 10_000, isolation: 'read_committed' },
      (i) => {
        if (!frozen && i.kind === 'progress' && i.scanned > 0) {
          frozen = true;
          process.kill(brokerPid(), 'SIGSTOP');
        }
      },
    );
    process.kill(brokerPid(), 'SIGCONT');
    expect(first.summary.stopped?.code).toBe('network');
    expect(first.summary.complete).toBe(false);
    const rest = await search({
      topic: big,
      partitions: null,
      from: { type: 'offsets', value: first.summary.positions },
      to: first.summary.ends,
      filter: { predicate: '(r) => r.value.data.amount > 990' },
      limit: 10_000,
      isolation: 'read_committed',
    });
    expect(rest.summary.complete).toBe(true);
    expect(first.summary.scanned + rest.summary.scanned).toBe(COUNT);
    expect([...first.hits, ...rest.hits].map(idOf).sort((a, b) => a - b)).toEqual(expected);
  }, 120_000);
});

describe('a live tail', () => {
  it('follows all partitions from the end and shows records as they are produced, with no group', async () => {
    const groupsBefore = consumerGroupList();
    const controller = new AbortController();
    const seen: Envelope[] = [];
    let started!: () => void;
    const ready = new Promise<void>((r) => (started = r));
    const tail = client
      .stream(
        'topics/tail',
        { connectionId: kafkaId, topic: small, partitions: null, from: { type: 'end' }, filter: {}, isolation: 'read_committed' },
        { signal: controller.signal, onBatch: (items) => items.forEach((i) => (seen.push(...i.records), started())) },
      )
      .catch((e: unknown) => e);
    await ready;
    kcatProduce(small, [{ key: 'late-1', value: Buffer.from('one') }], { partition: 0 });
    kcatProduce(small, [{ key: 'late-2', value: Buffer.from('two') }], { partition: 1 });
    await expect.poll(() => seen.map((e) => (e.key?.kind === 'text' ? e.key.text : '')).sort(), { timeout: 15_000 }).toEqual(['late-1', 'late-2']);
    controller.abort();
    expect(((await tail) as ApiCallError).code).toBe('cancelled');
    expect(consumerGroupList()).toEqual(groupsBefore);
  });
});

describe('a user who may only read', () => {
  it('browses, searches and rebuilds over SASL with Read/Describe ACLs, where joining a group is refused', async () => {
    const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const acl = (operation: AclOperationTypes) => ({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: timed,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:reader',
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({ acl: [acl(AclOperationTypes.READ), acl(AclOperationTypes.DESCRIBE)] });
    try {
      const reader = (
        await client.call('connections/save', { kind: 'kafka', name: 'reader', host: '127.0.0.1', port: KAFKA_SASL_PORT, tls: false, username: 'reader', sasl: 'plain', password: 'reader-secret' })
      ).id;
      // The broker itself says no to a group for this user: what kafkajs's consumer would have needed.
      const asReader = new Kafka({
        clientId: 'rewind-test',
        brokers: [`127.0.0.1:${KAFKA_SASL_PORT}`],
        sasl: { mechanism: 'plain', username: 'reader', password: 'reader-secret' },
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      });
      const consumer = asReader.consumer({ groupId: unique('not-allowed') });
      await consumer.connect();
      await consumer.subscribe({ topic: timed, fromBeginning: true });
      const refused = await new Promise<unknown>((resolve) => {
        consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error));
        void consumer.run({ eachMessage: async () => undefined }).catch(resolve);
      });
      await consumer.disconnect();
      // kafkajs words it "Failed to find group coordinator"; the broker's reason is underneath.
      const reasons = JSON.stringify(refused, ['message', 'type', 'originalError', 'cause']) + String((refused as Error).message);
      expect(reasons).toMatch(/GROUP_AUTHORIZATION_FAILED|coordinator/);

      await expect.poll(async () => (await client.call('resources/list', { connectionId: reader })).resources.map((r) => r.name), { timeout: 20_000 }).toContain(timed);
      const p = await client.call('topics/page', { connectionId: reader, topic: timed, partitions: null, from: { type: 'start' }, direction: 'forward', limit: 6 });
      expect(p.records.map(where)).toEqual(['0@0', '1@0', '2@0', '0@1', '1@1', '2@1']);
      const read = await client.stream('records/read', { connectionId: reader, target: { type: 'kafka-partition', topic: timed, partition: 1 }, from: { type: 'start' }, limit: 100 });
      expect(read.count).toBe(20);
      const found: Envelope[] = [];
      const s = await client.stream(
        'topics/search',
        { connectionId: reader, topic: timed, partitions: null, from: { type: 'start' }, to: null, filter: { value: 'p2-1' }, limit: 100 },
        { onBatch: (items) => items.forEach((i) => i.kind === 'hits' && found.push(...i.records)) },
      );
      expect(s.complete).toBe(true);
      expect(found.map((e) => (e.payload.kind === 'text' ? e.payload.text : '')).sort()).toEqual(['p2-1', 'p2-10', 'p2-11', 'p2-12', 'p2-13', 'p2-14', 'p2-15', 'p2-16', 'p2-17', 'p2-18', 'p2-19']);
      const count = 'export default { init: () => 0, $any: (n: number) => n + 1 }';
      const run = await client.stream('projections/rebuild', { code: count, source: { connectionId: reader, target: { type: 'kafka-topic', topic: timed }, from: { type: 'start' }, to: null } });
      expect(run.state).toBe(60);
      expect(consumerGroupList().filter((g) => g.startsWith('rewind'))).toEqual([]);
    } finally {
      await admin.deleteAcls({ filters: [acl(AclOperationTypes.READ), acl(AclOperationTypes.DESCRIBE)] });
      await admin.disconnect();
    }
  });
});
