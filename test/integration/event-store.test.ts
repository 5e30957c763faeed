import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreAdapter } from '../../src/sources/store/store-adapter';
import { RewindError } from '../../src/model/errors';
import { seedDemo } from '../../src/store/demo-seed';
import { EventStore } from '../../src/store/event-store';
import { readAll } from './brokers';

let dir: string;
let store: EventStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-store-'));
  store = EventStore.open(join(dir, 'store.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function thrown(fn: () => unknown): RewindError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RewindError);
    return e as RewindError;
  }
  throw new Error('expected an error');
}

describe('event store', () => {
  it('appends with expected versions and refuses a stale one with a clear message', () => {
    const first = store.append('order-1', [{ type: 'OrderPlaced', data: { total: 10 } }], 'no_stream');
    expect(first).toEqual({ firstPosition: 1, lastPosition: 1, version: 0 });
    store.append(
      'order-1',
      [
        { type: 'OrderPaid', data: {} },
        { type: 'OrderShipped', data: {} },
      ],
      0,
    );
    const stale = thrown(() => store.append('order-1', [{ type: 'OrderCancelled', data: {} }], 0));
    expect(stale.code).toBe('conflict');
    expect(stale.message).toBe('wrong expected version: expected 0, stream is at 2');
    expect(thrown(() => store.append('order-1', [{ type: 'X', data: {} }], 'no_stream')).message).toBe('wrong expected version: expected no stream, order-1 is at 2');
    expect(thrown(() => store.append('order-9', [{ type: 'X', data: {} }], 3)).message).toBe('wrong expected version: expected 3, stream does not exist');
    // Nothing from the refused appends was written.
    expect(store.lastPosition()).toBe(3);
  });

  it('refuses a duplicate event id without writing anything', () => {
    store.append('a-1', [{ id: 'evt-1', type: 'T', data: {} }]);
    const e = thrown(() =>
      store.append('a-1', [
        { type: 'T', data: {} },
        { id: 'evt-1', type: 'T', data: {} },
      ]),
    );
    expect(e.code).toBe('conflict');
    expect(store.stream('a-1')?.eventCount).toBe(1);
  });

  it('lists streams with categories, counts and last positions', () => {
    store.append('account-1', [{ type: 'Opened', data: {} }]);
    store.append('cart-7', [{ type: 'Created', data: {} }]);
    store.append('account-1', [{ type: 'Deposited', data: { amount: 5 } }]);
    expect(store.streams().map((s) => [s.streamId, s.category, s.eventCount, s.lastPosition, s.version])).toEqual([
      ['account-1', 'account', 2, 3, 1],
      ['cart-7', 'cart', 1, 2, 0],
    ]);
  });

  it('finds the first position at a time', () => {
    store.append('s-1', [{ type: 'A', data: {} }], 'any', () => '2026-01-01T08:00:00.000Z');
    store.append('s-1', [{ type: 'B', data: {} }], 'any', () => '2026-01-02T08:00:00.000Z');
    expect(store.positionAt('2026-01-01T12:00:00Z')).toBe(2);
    expect(store.positionAt('2026-01-03T00:00:00Z')).toBeNull();
  });

  it('refuses files that are not Rewind stores, and stores written by another build', () => {
    const notSqlite = join(dir, 'notes.txt');
    writeFileSync(notSqlite, 'hello, this is not a database at all, just some text');
    expect(thrown(() => EventStore.open(notSqlite, { create: false })).message).toContain('is not a SQLite database');
    const other = join(dir, 'other.sqlite');
    new Database(other).exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    expect(thrown(() => EventStore.open(other, { create: false })).message).toContain('not a Rewind event store');
    const tampered = join(dir, 'tampered.sqlite');
    EventStore.open(tampered).close();
    new Database(tampered).exec("UPDATE schema_migrations SET sha256 = 'x' WHERE version = 1");
    expect(thrown(() => EventStore.open(tampered, { create: false })).code).toBe('conflict');
    expect(thrown(() => EventStore.open(join(dir, 'missing.sqlite'), { create: false })).code).toBe('not_found');
  });
});

describe('demo seed', () => {
  it('tells a consistent banking and shopping story', () => {
    const count = seedDemo(store, new Date('2026-11-22T12:00:00Z'));
    expect(store.lastPosition()).toBe(count);
    const streams = store.streams();
    expect(new Set(streams.map((s) => s.category))).toEqual(new Set(['account', 'cart']));
    expect(streams.filter((s) => s.category === 'account')).toHaveLength(8);
    const events = store.readAll(1, 10_000);
    expect(new Set(events.map((e) => e.eventType))).toEqual(new Set(['AccountCreated', 'MoneyDeposited', 'MoneyWithdrawn', 'MoneyTransferred', 'CartCreated', 'ItemAdded', 'ItemRemoved']));
    // Every stream starts with its creation event, and no account is overdrawn at any point.
    for (const s of streams) expect(store.readStream(s.streamId, 0, 1)[0]?.eventType).toMatch(/Created$/);
    const balances = new Map<string, number>();
    for (const e of events) {
      const d = JSON.parse(e.data) as { accountId?: string; toAccountId?: string; amount?: number };
      if (!d.accountId || d.amount === undefined) continue;
      const sign = e.eventType === 'MoneyDeposited' ? 1 : -1;
      balances.set(d.accountId, (balances.get(d.accountId) ?? 0) + sign * d.amount);
      if (e.eventType === 'MoneyTransferred' && d.toAccountId) balances.set(d.toAccountId, (balances.get(d.toAccountId) ?? 0) + d.amount);
      expect(balances.get(d.accountId)).toBeGreaterThanOrEqual(0);
    }
    // Spread over the three days before "now", oldest first.
    expect(events[0]!.recordedAt > '2026-11-19T12:00:00').toBe(true);
    expect(events.at(-1)!.recordedAt < '2026-11-22T12:00:00').toBe(true);
  });
});

describe('store adapter', () => {
  it('reads a stream and $all as envelopes, from a position or a time', async () => {
    seedDemo(store, new Date('2026-11-22T12:00:00Z'));
    const adapter = new StoreAdapter(store);
    const stream = await readAll(adapter, { target: { type: 'store-stream', streamId: 'account-A-17' }, from: { type: 'start' }, limit: 1000 });
    expect(stream.items[0]).toMatchObject({ source: 'store', streamId: 'account-A-17', streamVersion: 0, type: 'AccountCreated', payload: { kind: 'json' } });
    const first = stream.items[0]!.payload;
    expect(first.kind === 'json' && JSON.parse(first.text)).toMatchObject({ accountId: 'A-17' });
    expect(stream.items.map((e) => e.streamVersion)).toEqual(stream.items.map((_, i) => i));
    expect(stream.summary.next).toBeNull();

    const page = await readAll(adapter, { target: { type: 'store-all' }, from: { type: 'position', value: '10' }, limit: 5 });
    expect(page.items.map((e) => e.position)).toEqual(['10', '11', '12', '13', '14']);
    expect(page.summary.next).toBe('15');

    const at = new Date('2026-11-21T08:00:00Z').toISOString();
    const fromTime = await readAll(adapter, { target: { type: 'store-all' }, from: { type: 'time', value: at }, limit: 1 });
    expect(fromTime.items[0]!.timestamp! >= at).toBe(true);
    const before = store.readAll(Number(fromTime.items[0]!.position) - 1, 1)[0]!;
    expect(before.recordedAt < at).toBe(true);
  });

  it('says a missing stream is not found', async () => {
    const e = await readAll(new StoreAdapter(store), { target: { type: 'store-stream', streamId: 'nope' }, from: { type: 'start' }, limit: 1 }).catch((err: unknown) => err);
    expect((e as RewindError).code).toBe('not_found');
  });
});
