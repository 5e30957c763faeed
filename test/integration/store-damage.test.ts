import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { EventStore } from '../../src/store/event-store';
import { inMemoryClient } from './in-memory-client';

/**
 * A store file damaged on disk (a bad sector, a copy cut short, another tool's write) must be
 * named as damaged when it is opened, refuse writes, and say what to do.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let damaged: string;

async function failure(p: Promise<unknown>): Promise<ApiCallError> {
  const e = await p.then(
    () => new Error('it succeeded'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiCallError);
  return e as ApiCallError;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-damage-'));
  context = createAppContext({ dataDir: join(dir, 'data'), secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  damaged = join(dir, 'damaged.sqlite');
  const store = EventStore.open(damaged);
  store.batch(() => {
    for (let i = 0; i < 20_000; i++) store.append(`account-${i % 50}`, [{ type: 'Deposited', data: { amount: i, note: 'x'.repeat(40) } }]);
  });
  store.close();
  // Garbage over pages in the middle of the file, as a bad disk or a torn copy leaves it.
  const size = statSync(damaged).size;
  const fd = openSync(damaged, 'r+');
  for (const at of [0.4, 0.5, 0.6]) writeSync(fd, Buffer.alloc(4096 * 4, 0xab), 0, 4096 * 4, Math.floor((size * at) / 4096) * 4096);
  closeSync(fd);
});
afterAll(async () => {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a damaged store file', () => {
  it('fails Test connection as damaged, saying what to do', async () => {
    const e = await failure(client.call('connections/test', { draft: { kind: 'store', name: 'd', path: damaged, create: false } }));
    expect(e.code).toBe('damaged');
    expect(e.message).toContain('is damaged');
    expect(e.hint).toMatch(/backup/i);
    expect(e.hint).toMatch(/export/i);
  });

  it('can be opened to rescue what reads, but refuses every write', async () => {
    const saved = await client.call('connections/save', { kind: 'store', name: 'd', path: damaged, create: false });
    const append = await failure(client.call('store/append', { connectionId: saved.id, streamId: 'account-1', expectedVersion: 'any', events: [{ type: 'Deposited', data: { amount: 1 } }] }));
    expect(append.code).toBe('damaged');
    const imported = await failure(client.call('store/import', { connectionId: saved.id, lines: ['{"streamId":"x","type":"T","data":{}}'], firstLine: 1 }));
    expect(imported.code).toBe('damaged');
    const sub = await failure(client.call('subscriptions/save', { connectionId: saved.id, name: 's', code: 'export default { init: () => 0 };', maxAttempts: 3 }));
    expect(sub.code).toBe('damaged');
    // Reading fails only where the damage is, and then as damage with a hint, never as "internal".
    const read = await client.stream('records/read', { connectionId: saved.id, target: { type: 'store-all' }, from: { type: 'start' }, limit: 20_000 }).then(
      () => null,
      (err: unknown) => err as ApiCallError,
    );
    if (read) expect(read.code).toBe('damaged');
  });

  it('a full integrity check on demand lists the problems', async () => {
    const saved = await client.call('connections/save', { kind: 'store', name: 'd2', path: damaged, create: false });
    const check = await client.call('store/check', { connectionId: saved.id });
    expect(check.ok).toBe(false);
    expect(check.problems.length).toBeGreaterThan(0);
    const healthy = await client.call('store/check', { connectionId: 'local' });
    expect(healthy).toMatchObject({ ok: true, problems: [] });
  });

  it('a 0-byte file is not silently turned into a store', async () => {
    const empty = join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    const e = await failure(client.call('connections/test', { draft: { kind: 'store', name: 'e', path: empty, create: false } }));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/empty \(0 bytes\)/);
    expect(e.hint).toMatch(/create/i);
    const save = await failure(client.call('connections/save', { kind: 'store', name: 'e', path: empty, create: false }));
    expect(save.message).toMatch(/empty \(0 bytes\)/);
    expect(statSync(empty).size).toBe(0);
    // Asked for, it becomes a new store.
    await client.call('connections/save', { kind: 'store', name: 'e', path: empty, create: true });
    expect(statSync(empty).size).toBeGreaterThan(0);
  });
});
