import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Catalogue, CatalogueItem } from '../../src/model/catalogue';
import { cloudEventsNpmKafka } from '../tools/envelope-inputs';
import { REDIS_PORT } from '../tools/bull-workers';
import { createTopic, deleteTopics, KEEP_HISTORY, kcatProduce, kcatProduceLines } from '../tools/kafka-tools';
import { unique } from './brokers';
import { startApp, type AppUnderTest } from './app-under-test';

/**
 * An event catalogue and the checks over a whole topic (issue 21): 30,000 hand-rolled envelopes
 * written by kcat whose shape drifts part way (a field changes type, one appears, one disappears),
 * CloudEvents from the npm SDK with a duplicate delivery, a skipped and a repeated `sequence`, and
 * an event whose own time is before the one written ahead of it; a Redis stream written by ioredis.
 */
let app: AppUnderTest;
let client: RewindClient;
let kafkaId: string;
let redisId: string;
const topic = unique('catalogue');
const stream = unique('catalogue-stream');
const REDIS_DB = 4;
const CLICKS = 30_000;
/** The record (by number) where the shape changes: `page` becomes a number, `referrer` appears, `session` goes. */
const DRIFT = 21_000;

async function build(resource: { resourceType: string; resource: string; vhost: string | null }, connectionId: string, scope: { kind: 'full' } | { kind: 'sample'; count: number } = { kind: 'full' }) {
  const snapshots: CatalogueItem[] = [];
  const catalogue: Catalogue = await client.stream('catalogue/build', { connectionId, resource, scope }, { onBatch: (items) => snapshots.push(...items) });
  return { catalogue, snapshots };
}

beforeAll(async () => {
  app = startApp('catalogue');
  client = app.client;
  await createTopic(topic, KEEP_HISTORY, 1);
  kcatProduceLines(
    topic,
    Array.from({ length: CLICKS }, (_, i) =>
      JSON.stringify({
        eventId: `click-${i}`,
        eventType: 'PageClicked',
        data: i < DRIFT ? { page: `/items/${i}`, session: `s-${i % 50}`, ms: i } : { page: i, referrer: 'search', ms: i },
      }),
    ),
    { partition: 0 },
  );
  // A schema's version in a bare `version` header, on records of one key: not an aggregate's version.
  kcatProduce(
    topic,
    [1, 2, 3].map((n) => ({ key: 'customer-1', headers: ['version=2', `message-id=cust-${n}`, 'event-type=CustomerSeen'], value: Buffer.from(`{"n":${n}}`) })),
    { partition: 0 },
  );
  // Their own times an hour ahead of the clicks', so only the one written out of order is out of order.
  const t0 = Date.now() + 3_600_000;
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const ce = (id: string, seq: string, time: string) => ({
    id,
    source: '/orders',
    type: 'com.acme.order.changed',
    subject: 'order-7',
    time,
    data: { order: 'order-7', amount: 12 },
    extensions: { sequence: seq },
    mode: 'binary' as const,
    partition: 0,
  });
  await cloudEventsNpmKafka(topic, [ce('o-1', '1', at(1)), ce('o-2', '2', at(2)), ce('o-2', '2', at(2)), ce('o-4', '4', at(4)), ce('o-4b', '4', at(5)), ce('o-5', '5', at(3))]);

  kafkaId = await app.kafka();
  redisId = await app.redis(REDIS_DB);
  const redis = new Redis({ host: '127.0.0.1', port: REDIS_PORT, db: REDIS_DB });
  for (let i = 0; i < 500; i++) await redis.xadd(stream, '*', 'type', 'StockMoved', 'data', JSON.stringify(i < 300 ? { sku: `sku-${i}`, qty: i } : { sku: `sku-${i}`, qty: String(i) }));
  redis.disconnect();
}, 240_000);

afterAll(async () => {
  const r = new Redis({ host: '127.0.0.1', port: REDIS_PORT, db: REDIS_DB });
  await r.flushdb();
  r.disconnect();
  await app.close();
  await deleteTopics([topic]);
});

describe('an event catalogue of a whole topic', () => {
  it('lists each type with its count, first and last sighting and fields, and where its shape changed', async () => {
    const { catalogue, snapshots } = await build({ resourceType: 'kafka-topic', resource: topic, vhost: null }, kafkaId);
    expect(catalogue).toMatchObject({ scanned: CLICKS + 9, total: CLICKS + 9, complete: true });
    expect(snapshots.length).toBeGreaterThan(0);
    expect(catalogue.types.map((t) => [t.type, t.count])).toEqual([
      ['PageClicked', CLICKS],
      ['com.acme.order.changed', 6],
      ['CustomerSeen', 3],
    ]);
    const clicks = catalogue.types[0]!;
    expect(clicks.first.ref.position).toBe('0');
    expect(clicks.last.ref.position).toBe(String(CLICKS - 1));
    const field = (path: string) => clicks.fields.find((f) => f.path === path);
    expect(field('data.page')).toEqual({ path: 'data.page', types: ['integer', 'string'], seen: CLICKS });
    expect(field('data.session')).toEqual({ path: 'data.session', types: ['string'], seen: DRIFT });
    expect(field('data.referrer')).toEqual({ path: 'data.referrer', types: ['string'], seen: CLICKS - DRIFT });
    expect(clicks.changes.map((c) => [c.kind, c.path, c.from, c.to, c.at.ref.position])).toEqual([
      ['type-changes', 'data.page', 'string', 'integer', String(DRIFT)],
      ['appears', 'data.referrer', null, 'string', String(DRIFT)],
      ['disappears', 'data.session', 'string', null, String(DRIFT)],
    ]);
    // CloudEvents in binary mode: the data is the value; the same shape throughout.
    expect(catalogue.types[1]!.changes).toEqual([]);
    expect(catalogue.types[1]!.fields.map((f) => f.path).sort()).toEqual(['amount', 'order']);
  }, 180_000);

  it('keeps at most 300 fields of a type whose data is keyed by ids, and stays quick', async () => {
    const keyed = unique('catalogue-keyed');
    await createTopic(keyed, {}, 1);
    try {
      kcatProduceLines(
        keyed,
        Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ eventId: `b-${i}`, eventType: 'BalanceChanged', data: { byAccount: { [`acct-${i}`]: i } } })),
      );
      const { catalogue } = await build({ resourceType: 'kafka-topic', resource: keyed, vhost: null }, kafkaId);
      const t = catalogue.types[0]!;
      expect(t).toMatchObject({ type: 'BalanceChanged', count: 30_000, fieldsCut: true });
      expect(t.fields).toHaveLength(300);
      expect(t.changes.length).toBeLessThanOrEqual(500);
    } finally {
      await deleteTopics([keyed]);
    }
  }, 120_000);

  it('runs the checks over the same read: the duplicate, the version gap and repeat, the event out of time order, and nothing else', async () => {
    const { catalogue } = await build({ resourceType: 'kafka-topic', resource: topic, vhost: null }, kafkaId);
    const off = (n: number) => String(CLICKS + 3 + n);
    expect(catalogue.findings.map((f) => [f.kind, f.refs.map((r) => r.position)])).toEqual([
      ['duplicate', [off(1), off(2)]],
      ['version-gap', [off(2), off(3)]],
      ['version-repeat', [off(3), off(4)]],
      ['out-of-order', [off(4), off(5)]],
    ]);
    expect(catalogue.findings[0]!.text).toContain('Event o-2 was delivered 2 times');
    expect(catalogue.findings[1]!.text).toBe('order-7: version 2 is followed by 4; version 3 is not there.');
  }, 180_000);

  it('a sample reads the newest records only, and says so', async () => {
    const { catalogue } = await build({ resourceType: 'kafka-topic', resource: topic, vhost: null }, kafkaId, { kind: 'sample', count: 1_000 });
    expect(catalogue.scanned).toBe(1_000);
    expect(catalogue.notes[0]).toBe('A sample: the newest 1,000 records, shared out among the partitions (a few more when they do not divide it).');
    // The newest thousand are all after the drift: one shape, no change.
    expect(catalogue.types.find((t) => t.type === 'PageClicked')!.changes).toEqual([]);
  }, 60_000);
});

describe('an event catalogue of a Redis stream', () => {
  it('finds the field whose type changed, at the entry that changed it', async () => {
    const { catalogue } = await build({ resourceType: 'source', resource: stream, vhost: null }, redisId);
    expect(catalogue.scanned).toBe(500);
    const moved = catalogue.types.find((t) => t.type === 'StockMoved')!;
    expect(moved.count).toBe(500);
    expect(moved.changes.map((c) => [c.kind, c.path, c.from, c.to])).toEqual([['type-changes', 'qty', 'integer', 'string']]);
    const entries = await client.stream('records/read', { connectionId: redisId, target: { type: 'source', resource: stream }, from: { type: 'start' }, limit: 500 });
    expect(entries.count).toBe(500);
  }, 60_000);
});
