import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { registerSource } from '../../src/sources/registry';
import { memoryLogs } from '../sources/memory/memory-log';
import { memorySource } from '../sources/memory/memory-source';
import { inMemoryClient } from './in-memory-client';

/**
 * The source seam: a source defined only in test/sources/memory, registered through the registry,
 * is listed, browsed, paged and rebuilt into a projection through the same API as Kafka's.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;

const TOTALS = `export default {
  init: () => ({ amount: 0, count: 0 }),
  partitionBy: (e) => e.data.order,
  when: { OrderPlaced: (s, e) => ({ amount: s.amount + e.data.amount, count: s.count + 1 }) },
};`;

beforeAll(() => {
  registerSource(memorySource);
  dir = mkdtempSync(join(tmpdir(), 'rewind-registered-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
});
afterAll(async () => {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
});

async function read(resource: string, from: { type: 'start' } | { type: 'position'; value: string }, limit: number) {
  const rows: Envelope[] = [];
  const summary = await client.stream('records/read', { connectionId: 'memory-demo', target: { type: 'source', resource }, from, limit }, { onBatch: (items) => rows.push(...items) });
  return { rows, summary };
}

describe('a source registered from a test folder', () => {
  it('is listed with its look, its resources counted, and only the abilities it has', async () => {
    const connections = await client.call('connections/list', {});
    const memory = connections.find((c) => c.id === 'memory-demo');
    expect(memory).toMatchObject({ kind: 'memory', name: 'In-memory demo', removable: false, look: { label: 'Memory', noun: 'item', positionLabel: 'Id' } });
    const listed = await client.call('resources/list', { connectionId: 'memory-demo' });
    const logs = memoryLogs();
    expect(listed.resources.map((r) => (r.type === 'source' ? [r.name, r.kind, r.items?.value] : null))).toEqual([...logs].map(([name, events]) => [name, 'log', events.length]));
    expect(listed.capabilities).toEqual({ browse: true, tail: false, publish: false, consumerGroups: false, deadLetters: false, seekByTime: false });
    expect(await client.call('connections/test', { connectionId: 'memory-demo' })).toMatchObject({ ok: true, server: 'In-memory source' });
  });

  it('is read in pages, from its start and from a position', async () => {
    const orders = memoryLogs().get('orders')!;
    const first = await read('orders', { type: 'start' }, 100);
    expect(first.rows.map((r) => r.position)).toEqual(orders.slice(0, 100).map((e) => e.streamId));
    // Positions are the source's own (stream ids here), opaque to Rewind: a read goes on from the one it was given.
    expect(first.summary.next).toBe(orders[100]!.streamId);
    const rest = await read('orders', { type: 'position', value: first.summary.next! }, 1000);
    expect(rest.rows).toHaveLength(orders.length - 100);
    expect(rest.summary.next).toBeNull();
    expect(rest.rows.at(-1)).toMatchObject({ source: 'memory', resource: 'orders', type: 'OrderPlaced', id: orders.at(-1)!.id });
  });

  it("takes positions in the source's own form, while a built-in target still takes whole numbers only", async () => {
    const orders = memoryLogs().get('orders')!;
    const mid = await read('orders', { type: 'position', value: orders[57]!.streamId }, 3);
    expect(mid.rows.map((r) => r.id)).toEqual(orders.slice(57, 60).map((e) => e.id));
    const refused = await client
      .stream('records/read', { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'position', value: orders[57]!.streamId }, limit: 3 })
      .catch((e: Error & { code: string }) => e);
    expect(refused).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('A position is a whole number.') });
    const spaced = await read('orders', { type: 'position', value: '1 2' }, 3).catch((e: Error & { code: string }) => e);
    expect(spaced).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('A position is written without spaces.') });
  });

  it('rebuilds a projection, partitioned, to the state its events make', async () => {
    const summary = await client.stream('projections/rebuild', {
      code: TOTALS,
      source: { connectionId: 'memory-demo', target: { type: 'source', resource: 'orders' }, from: { type: 'start' }, to: null },
    });
    const expected: Record<string, { amount: number; count: number }> = {};
    for (const e of memoryLogs().get('orders')!) {
      const s = (expected[e.data.order] ??= { amount: 0, count: 0 });
      s.amount += e.data.amount;
      s.count += 1;
    }
    expect(summary.processed).toBe(memoryLogs().get('orders')!.length);
    expect(summary.partitions).toBe(Object.keys(expected).length);
    expect(summary.state).toEqual(expected);
  });
});
