import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ParamsOf } from '../../src/api/contract';
import { EXAMPLES } from '../../src/projections/examples';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatProduce, kcatProduceLines } from '../tools/kafka-tools';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Issue 16: a projection over a topic whose event type is in the JSON body (or in a header Rewind
 * does not look at) matched nothing and said nothing. A run now says what types it saw and how
 * many events a handler took, and takes the type from where the user says it is.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let kafkaId: string;
const bodyTyped = unique('rewind-types-body');
const headerTyped = unique('rewind-types-header');

const orders = `export default {
  init: () => ({ placed: 0, paid: 0, total: 0 }),
  partitionBy: (e) => e.data.orderId,
  when: {
    OrderPlaced: (s, e) => ({ ...s, placed: s.placed + 1, total: s.total + e.data.amount }),
    OrderPaid: (s) => ({ ...s, paid: s.paid + 1 }),
  },
};`;

// 1,001 orders placed and 1,001 paid, plus 1,001 shipped (no handler): 3,003 events, typed in the body.
const ORDERS = 1001;
const lines: string[] = [];
for (let i = 0; i < ORDERS; i++) {
  lines.push(JSON.stringify({ type: 'OrderPlaced', orderId: `o-${i % 10}`, amount: i }));
  lines.push(JSON.stringify({ type: 'OrderPaid', orderId: `o-${i % 10}` }));
  lines.push(JSON.stringify({ type: 'OrderShipped', orderId: `o-${i % 10}` }));
}

function expectedOrders() {
  const out: Record<string, { placed: number; paid: number; total: number }> = {};
  for (let i = 0; i < ORDERS; i++) {
    const s = (out[`o-${i % 10}`] ??= { placed: 0, paid: 0, total: 0 });
    s.placed++;
    s.paid++;
    s.total += i;
  }
  return out;
}

const source = (topic: string): ParamsOf<'projections/rebuild'>['source'] => ({ connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, to: null });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-types-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  await createTopic(bodyTyped);
  await createTopic(headerTyped);
  // Written by kcat, as a service that puts the type in its JSON would.
  kcatProduceLines(bodyTyped, lines, { partition: 0 });
  // The type in a header named `kind`, which is none of the names Rewind looks for by itself.
  kcatProduce(headerTyped, [
    { headers: ['kind=OrderPlaced'], value: Buffer.from(JSON.stringify({ orderId: 'o-1', amount: 5 })) },
    { headers: ['kind=OrderPaid'], value: Buffer.from(JSON.stringify({ orderId: 'o-1' })) },
    { headers: ['kind=OrderPlaced'], value: Buffer.from(JSON.stringify({ orderId: 'o-2', amount: 7 })) },
  ]);
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
});

afterAll(async () => {
  await context.close();
  await deleteTopics([bodyTyped, headerTyped]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a run says which event types it saw and how many a handler took', () => {
  it('over body-typed records it matches nothing, and says so with the types it saw', async () => {
    const run = await client.stream('projections/rebuild', { code: orders, source: source(bodyTyped) });
    expect(run.processed).toBe(3 * ORDERS);
    expect(run.state).toEqual({});
    expect(run.matched).toBe(0);
    expect(run.types).toEqual([{ type: 'unknown', count: 3 * ORDERS, handled: false }]);
    expect(run.typeNotice).toBe(
      'No event matched a handler: the 3,003 events had the type unknown (3,003), and the handlers take OrderPlaced, OrderPaid. Say where the type is: a header, or a JSON path such as $.type.',
    );
  });

  it('takes the type from a JSON path for that run, and then works', async () => {
    const run = await client.stream('projections/rebuild', { code: orders, source: source(bodyTyped), typeFrom: { kind: 'path', path: '$.type' } });
    expect(run.processed).toBe(3 * ORDERS);
    expect(run.state).toEqual(expectedOrders());
    expect(run.matched).toBe(2 * ORDERS);
    expect(run.types).toEqual([
      { type: 'OrderPlaced', count: ORDERS, handled: true },
      { type: 'OrderPaid', count: ORDERS, handled: true },
      { type: 'OrderShipped', count: ORDERS, handled: false },
    ]);
    expect(run.typeNotice).toBeNull();

    // Time travel and the partition view see the same types as the run.
    const at = await client.call('projections/state-at', { runId: run.runId, position: 3 });
    expect(at.event?.type).toBe('OrderPlaced');
    expect(at.state).toEqual({ 'o-0': { placed: 1, paid: 1, total: 0 }, 'o-1': { placed: 1, paid: 0, total: 1 } });
    const partition = await client.call('projections/partition', { runId: run.runId, key: 'o-1' });
    expect(partition.positions.slice(0, 2)).toEqual([3, 4]);
  });

  it('takes the type from a header the user names', async () => {
    const without = await client.stream('projections/rebuild', { code: orders, source: source(headerTyped) });
    expect(without.matched).toBe(0);
    const run = await client.stream('projections/rebuild', { code: orders, source: source(headerTyped), typeFrom: { kind: 'header', name: 'kind' } });
    expect(run.matched).toBe(3);
    expect(run.state).toEqual({ 'o-1': { placed: 1, paid: 1, total: 5 }, 'o-2': { placed: 1, paid: 0, total: 7 } });
    expect(run.types).toEqual([
      { type: 'OrderPlaced', count: 2, handled: true },
      { type: 'OrderPaid', count: 1, handled: true },
    ]);
  });

  it('a path that finds nothing keeps the type the event had, and the run still says so', async () => {
    const run = await client.stream('projections/rebuild', { code: orders, source: source(bodyTyped), typeFrom: { kind: 'path', path: '$.eventType' } });
    expect(run.matched).toBe(0);
    expect(run.typeNotice).toMatch(/^No event matched a handler: the 3,003 events had the type unknown \(3,003\)/);
  });

  it('says when only a few events matched and a handler saw none of its type', async () => {
    const typed = { source: source(bodyTyped), typeFrom: { kind: 'path' as const, path: '$.type' } };
    // A handler that takes a third of the events is not "few", whatever else it waits for.
    const third = await client.stream('projections/rebuild', { ...typed, code: `export default { init: () => 0, when: { OrderPlaced: (s) => s + 1, OrderRefunded: (s) => s } };` });
    expect(third.matched).toBe(ORDERS);
    expect(third.typeNotice).toBeNull();
    const none = await client.stream('projections/rebuild', { ...typed, code: `export default { init: () => 0, when: { OrderRefunded: (s) => s + 1, OrderCancelled: (s) => s } };` });
    expect(none.typeNotice).toBe(
      'No event matched a handler: the 3,003 events had the types OrderPlaced (1,001), OrderPaid (1,001), OrderShipped (1,001), and the handlers take OrderRefunded, OrderCancelled. Types were read from the JSON path $.type.',
    );

    // The demo store: its 8 AccountCreated among many more events, and no OrderPlaced at all.
    const store = { connectionId: 'local', target: { type: 'store-all' as const }, from: { type: 'start' as const }, to: null };
    const all = context.store.readAll(1, 100_000);
    const created = all.filter((e) => e.eventType === 'AccountCreated').length;
    expect(created * 10).toBeLessThan(all.length);
    const few = await client.stream('projections/rebuild', { code: `export default { init: () => 0, when: { AccountCreated: (s) => s + 1, OrderPlaced: (s) => s } };`, source: store });
    expect(few.matched).toBe(created);
    expect(few.typeNotice).toMatch(
      new RegExp(
        `^Only ${created} of ${all.length} events matched a handler, and none had the type OrderPlaced: the events had the types \\w+ \\(\\d+\\), .* and \\d+ more\\. Say where the type is: a header, or a JSON path such as \\$\\.type\\.$`,
      ),
    );
    // Only a few, but each handler saw its type: as meant.
    const rare = await client.stream('projections/rebuild', { code: `export default { init: () => 0, when: { AccountCreated: (s) => s + 1 } };`, source: store });
    expect(rare.matched).toBe(created);
    expect(rare.typeNotice).toBeNull();
  });

  it('a store run lists its types and matches them all', async () => {
    const balances = EXAMPLES.find((e) => e.name === 'Account balances')!.source;
    const run = await client.stream('projections/rebuild', { code: balances, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: null } });
    const counts = new Map<string, number>();
    for (const e of context.store.readAll(1, 100_000)) counts.set(e.eventType, (counts.get(e.eventType) ?? 0) + 1);
    const handled = ['AccountCreated', 'MoneyDeposited', 'MoneyWithdrawn', 'MoneyTransferred'];
    expect(run.matched).toBe(handled.reduce((n, t) => n + (counts.get(t) ?? 0), 0));
    expect(Object.fromEntries(run.types.map((t) => [t.type, t.count]))).toEqual(Object.fromEntries(counts));
    expect(
      run.types
        .filter((t) => t.handled)
        .map((t) => t.type)
        .sort(),
    ).toEqual([...handled].sort());
    expect(run.typeNotice).toBeNull();
  });

  it('a read model saved from a typed run continues with the same type source', async () => {
    const run = await client.stream('projections/rebuild', { code: orders, source: source(bodyTyped), typeFrom: { kind: 'path', path: '$.type' } });
    const saved = await client.call('read-models/save', { runId: run.runId, name: unique('orders').replace(/-/g, '_') });
    expect(saved.source.typeFrom).toEqual({ kind: 'path', path: '$.type' });
    kcatProduceLines(bodyTyped, [JSON.stringify({ type: 'OrderPaid', orderId: 'o-3' })], { partition: 0 });
    const next = await client.stream('read-models/continue', { name: saved.name });
    expect(next.processed).toBe(1);
    const rows = await client.call('read-models/query', { sql: `SELECT state FROM ${saved.name} WHERE key = 'o-3'`, offset: 0, limit: 1 });
    expect(JSON.parse(String(rows.rows[0]![0]))).toEqual({ ...expectedOrders()['o-3'], paid: expectedOrders()['o-3']!.paid + 1 });
  });

  it('refuses a path that is not one', async () => {
    const e = await client.stream('projections/rebuild', { code: orders, source: source(bodyTyped), typeFrom: { kind: 'path', path: 'type' } }).catch((err: Error) => err);
    expect((e as Error).message).toMatch(/starts with \$/);
  });
});
