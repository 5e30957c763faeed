import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ParamsOf } from '../../src/api/contract';
import { EXAMPLES } from '../../src/projections/examples';
import { createAppContext, READ_MODEL_FILE, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

const example = (name: string) => EXAMPLES.find((e) => e.name === name)!.source;
const balances = example('Account balances');
const daily = example('Daily deposit totals');
const allEvents = { connectionId: 'local', target: { type: 'store-all' as const }, from: { type: 'start' as const }, to: null };

let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let producer: Producer;
const topic = unique('rewind-read-model');

const rebuild = (params: ParamsOf<'projections/rebuild'>) => client.stream('projections/rebuild', params);
const deposit = (accountId: string, amount: number) =>
  client.call('store/append', { connectionId: 'local', streamId: `account-${accountId}`, expectedVersion: 'any', events: [{ type: 'MoneyDeposited', data: { accountId, amount } }] });

/** What the read-model file holds, read with plain SQLite as any other tool would. */
function table(sql: string): unknown[] {
  const db = new Database(join(dir, READ_MODEL_FILE), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-read-models-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await context.close();
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('read models', () => {
  it('save a run as a table with a column per field, and continue from its checkpoint after new events', async () => {
    const run = await rebuild({ code: balances, source: allEvents });
    const saved = await client.call('read-models/save', { runId: run.runId, name: 'balances' });
    expect(saved).toMatchObject({ name: 'balances', shape: 'partitions', builtFrom: 1, checkpoint: run.lastPosition, rows: run.partitions });
    expect(saved.columns).toEqual(['key', 'balance', 'deposits', 'owner', 'state']);

    const state = run.state as Record<string, { balance: number; owner?: string }>;
    const rows = table('SELECT key, balance, owner FROM balances ORDER BY key') as { key: string; balance: number; owner: string | null }[];
    expect(rows).toEqual(
      Object.keys(state)
        .sort()
        .map((key) => ({ key, balance: state[key]!.balance, owner: state[key]!.owner ?? null })),
    );

    // New events: a later run handles only those, from the saved state.
    await deposit('A-17', 1000);
    await deposit('A-99', 5);
    const next = await client.stream('read-models/continue', { name: 'balances' });
    expect(next.processed).toBe(2);
    expect(next.info.checkpoint).toBe(run.lastPosition + 2);
    expect(next.info.rows).toBe(run.partitions + 1);

    const fresh = await rebuild({ code: balances, source: allEvents });
    const after = table('SELECT key, state FROM balances') as { key: string; state: string }[];
    expect(Object.fromEntries(after.map((r) => [r.key, JSON.parse(r.state)]))).toEqual(fresh.state);
    expect(table("SELECT balance FROM balances WHERE key = 'A-17'")).toEqual([{ balance: state['A-17']!.balance + 1000 }]);

    // Nothing new: nothing changes.
    expect((await client.stream('read-models/continue', { name: 'balances' })).processed).toBe(0);
  });

  it('lay out an unpartitioned map as a row per key, and query it with read-only SQL in pages', async () => {
    const run = await rebuild({ code: daily, source: allEvents });
    const saved = await client.call('read-models/save', { runId: run.runId, name: 'daily_deposits' });
    expect(saved.shape).toBe('entries');
    const days = Object.entries(run.state as Record<string, { count: number; amount: number }>).sort(([a], [b]) => a.localeCompare(b));
    expect(days.length).toBeGreaterThan(1);

    const first = await client.call('read-models/query', { sql: 'SELECT key AS day, count, amount FROM daily_deposits ORDER BY key', offset: 0, limit: 1 });
    expect(first.columns).toEqual(['day', 'count', 'amount']);
    expect(first.rows).toEqual([[days[0]![0], days[0]![1].count, days[0]![1].amount]]);
    expect(first.more).toBe(true);
    const rest = await client.call('read-models/query', { sql: 'SELECT key AS day, count, amount FROM daily_deposits ORDER BY key', offset: 1, limit: 1000 });
    expect(rest.rows.map((r) => r[0])).toEqual(days.slice(1).map(([d]) => d));
    expect(rest.more).toBe(false);

    const listed = await client.call('read-models/list', {});
    expect(listed.path).toBe(join(dir, READ_MODEL_FILE));
    expect(listed.models.map((m) => m.name)).toEqual(['balances', 'daily_deposits']);
  });

  it('refuse writes, report SQL errors, and stop a query that never ends while the app keeps answering', async () => {
    const write = await client.call('read-models/query', { sql: 'DELETE FROM balances', offset: 0, limit: 10 }).catch((e: Error) => e);
    expect((write as Error).message).toMatch(/^The query box is read-only: this is a DELETE/);
    const typo = await client.call('read-models/query', { sql: 'SELECT nope FROM balances', offset: 0, limit: 10 }).catch((e: Error) => e);
    expect((typo as Error).message).toBe('no such column: nope');

    const endless = client.call('read-models/query', { sql: 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n', offset: 0, limit: 10 });
    // Meanwhile other calls are answered.
    expect((await client.call('read-models/list', {})).models.length).toBeGreaterThan(0);
    const stopped = await endless.catch((e: Error) => e);
    expect((stopped as Error).message).toMatch(/ran longer than \d+ s and was stopped/);
    expect(table('SELECT count(*) AS n FROM balances')).toEqual([{ n: expect.any(Number) }]);
  }, 30_000);

  it('keep the checkpoint when the projection throws while continuing', async () => {
    const before = (await client.call('read-models/list', {})).models.find((m) => m.name === 'balances')!;
    const thrower = balances.replace(
      'MoneyWithdrawn: (s: Balance, e) => ({',
      "MoneyWithdrawn: (s: Balance, e) => { if (e.data.amount === 13) throw new Error('unlucky'); return { ...s, balance: s.balance - e.data.amount }; }, Unused: (s: Balance, e) => ({",
    );
    const good = await rebuild({ code: thrower, source: allEvents });
    await client.call('read-models/save', { runId: good.runId, name: 'picky' });
    await client.call('store/append', { connectionId: 'local', streamId: 'account-A-18', expectedVersion: 'any', events: [{ type: 'MoneyWithdrawn', data: { accountId: 'A-18', amount: 13 } }] });
    const failed = await client.stream('read-models/continue', { name: 'picky' }).catch((e: Error) => e);
    expect((failed as Error).message).toMatch(
      new RegExp(`^The projection threw at position ${good.lastPosition + 1} \\(MoneyWithdrawn\\): unlucky\\. The read model stays at checkpoint ${good.lastPosition}\\.$`),
    );
    const picky = (await client.call('read-models/list', {})).models.find((m) => m.name === 'picky')!;
    expect(picky.checkpoint).toBe(good.lastPosition);
    expect((await client.call('read-models/list', {})).models.find((m) => m.name === 'balances')).toEqual(before);
  });

  it('refuse names that are not table names and runs that did not finish', async () => {
    const run = await rebuild({ code: balances, source: allEvents });
    const bad = await client.call('read-models/save', { runId: run.runId, name: 'drop table; --' }).catch((e: Error) => e);
    expect((bad as Error).message).toMatch(/^name: Use letters, digits and _/);
    const reserved = await client.call('read-models/save', { runId: run.runId, name: 'sqlite_master' }).catch((e: Error) => e);
    expect((reserved as Error).message).toMatch(/cannot name a table/);
  });

  it('continue a read model built from a Kafka partition from the next offset', async () => {
    const events = context.store.readAll(1, 100_000);
    const send = (list: typeof events) => producer.send({ topic, messages: list.map((e) => ({ key: e.streamId, value: e.data, headers: { type: e.eventType } })) });
    await send(events.slice(0, 100));
    const source = {
      connectionId: (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id,
      target: { type: 'kafka-partition' as const, topic, partition: 0 },
      from: { type: 'start' as const },
      to: null,
    };
    const first = await rebuild({ code: balances, source });
    expect(first.lastPosition).toBe(99);
    await client.call('read-models/save', { runId: first.runId, name: 'kafka_balances' });

    await send(events.slice(100));
    const next = await client.stream('read-models/continue', { name: 'kafka_balances' });
    expect(next.processed).toBe(events.length - 100);
    expect(next.info.checkpoint).toBe(events.length - 1);
    const full = await rebuild({ code: balances, source });
    const rows = table('SELECT key, state FROM kafka_balances') as { key: string; state: string }[];
    expect(Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.state)]))).toEqual(full.state);
  });
});
