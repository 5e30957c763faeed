import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { inMemoryClient } from './in-memory-client';

let dir: string;
const contexts: AppContext[] = [];

function open(name: string): { context: AppContext; client: RewindClient } {
  const context = createAppContext({ dataDir: join(dir, name), secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  contexts.push(context);
  return { context, client: inMemoryClient(context.handlers) };
}

beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'rewind-store-api-'))));
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('store API', () => {
  it('appends from a form with an expected version, and refuses a stale one', async () => {
    const { client, context } = open('append');
    const version = context.store.stream('account-A-17')!.version;
    const ok = await client.call('store/append', {
      connectionId: 'local',
      streamId: 'account-A-17',
      expectedVersion: version,
      events: [{ type: 'MoneyDeposited', data: { accountId: 'A-17', amount: 5 } }],
    });
    expect(ok.version).toBe(version + 1);
    expect(context.store.readAll(ok.firstPosition, 1)[0]).toMatchObject({ eventType: 'MoneyDeposited', streamId: 'account-A-17' });
    const stale = await client
      .call('store/append', { connectionId: 'local', streamId: 'account-A-17', expectedVersion: version, events: [{ type: 'X', data: {} }] })
      .catch((e: Error & { code: string }) => e);
    expect(stale).toMatchObject({ code: 'conflict', message: `wrong expected version: expected ${version}, stream is at ${version + 1}` });
    const fresh = await client.call('store/append', { connectionId: 'local', streamId: 'order-1', expectedVersion: 'no_stream', events: [{ type: 'OrderPlaced', data: { total: 3 } }] });
    expect(fresh.version).toBe(0);
  });

  it('exports NDJSON and imports it into another store, event for event', async () => {
    const source = open('export');
    const lines: string[] = [];
    const done = await source.client.stream('store/export', { connectionId: 'local', streamId: null }, { onBatch: (b) => lines.push(...b) });
    const total = source.context.store.lastPosition();
    expect(done.count).toBe(total);
    expect(lines).toHaveLength(total);
    expect(JSON.parse(lines[0]!)).toMatchObject({ position: 1, streamId: expect.any(String), type: 'AccountCreated', data: { accountId: expect.any(String) } });

    const target = open('import');
    const before = target.context.store.lastPosition();
    const imported = await target.client.call('store/import', { connectionId: 'local', lines, firstLine: 1 });
    expect(imported).toEqual({ imported: total, errors: [] });
    const pick = (e: { streamId: string; eventType: string; eventId: string; data: string; metadata: string }) => [e.streamId, e.eventType, e.eventId, e.data, e.metadata];
    expect(target.context.store.readAll(before + 1, total + 1).map(pick)).toEqual(source.context.store.readAll(1, total).map(pick));

    // A second import of the same file adds nothing and says why, line by line.
    const again = await target.client.call('store/import', { connectionId: 'local', lines, firstLine: 1 });
    expect(again.imported).toBe(0);
    expect(again.errors).toHaveLength(total);
    expect(again.errors[0]).toEqual({ line: 1, message: expect.stringMatching(/^event .* is already stored; left out$/) });
  });

  it('reports bad lines by number and imports the good ones in one transaction', async () => {
    const { client, context } = open('import-lines');
    const start = context.store.lastPosition();
    const lines = [
      JSON.stringify({ streamId: 'imp-1', type: 'A', data: { n: 1 }, id: 'imp-evt-1' }),
      '{not json',
      JSON.stringify({ streamId: 'imp-1', data: { n: 2 } }),
      '',
      JSON.stringify({ streamId: 'imp-1', type: 'B', data: { n: 3 }, id: 'imp-evt-1' }),
      JSON.stringify({ streamId: 'imp-2', type: 'C', data: [1, 2], metadata: { correlationId: 'c-1' } }),
    ];
    const result = await client.call('store/import', { connectionId: 'local', lines, firstLine: 10 });
    expect(result.imported).toBe(2);
    expect(result.errors).toEqual([
      { line: 11, message: expect.stringMatching(/^not JSON/) },
      { line: 12, message: expect.stringMatching(/^type: /) },
      { line: 14, message: 'event imp-evt-1 is already stored; left out' },
    ]);
    expect(context.store.readAll(start + 1, 10).map((e) => [e.streamId, e.eventType])).toEqual([
      ['imp-1', 'A'],
      ['imp-2', 'C'],
    ]);
  });

  it('opens and creates other store files, and refuses what is not one', async () => {
    const { client } = open('other-stores');
    const path = join(dir, 'elsewhere', 'orders.sqlite');
    const missing = await client.call('connections/save', { kind: 'store', name: 'Orders', path, create: false }).catch((e: Error & { code: string; hint?: string }) => e);
    expect(missing).toMatchObject({ code: 'not_found', message: `No event store at ${path}`, hint: 'Tick "Create a new store" to make one there.' });
    const saved = await client.call('connections/save', { kind: 'store', name: 'Orders', path, create: true });
    expect(saved).toMatchObject({ kind: 'store', path });
    expect(await client.call('connections/list', {})).toContainEqual({ id: saved.id, kind: 'store', name: 'Orders', address: path, removable: true });
    const empty = await client.call('resources/list', { connectionId: saved.id });
    expect(empty.resources).toEqual([{ type: 'store-all', name: '$all', events: { value: 0, exact: true } }]);
    await client.call('store/append', { connectionId: saved.id, streamId: 'order-1', expectedVersion: 'no_stream', events: [{ type: 'OrderPlaced', data: { total: 9 } }] });
    const listed = await client.call('resources/list', { connectionId: saved.id });
    expect(listed.resources.map((r) => r.name)).toEqual(['$all', 'order-1']);
    const test = await client.call('connections/test', { connectionId: saved.id });
    expect(test.details).toEqual([path, '1 events']);

    const notAStore = join(dir, 'notes.sqlite');
    writeFileSync(notAStore, 'plain text, not SQLite');
    const refused = await client.call('connections/test', { draft: { kind: 'store', name: 'x', path: notAStore, create: false } }).catch((e: Error) => e);
    expect((refused as Error).message).toBe(`${notAStore} is not a SQLite database`);
  });
});
