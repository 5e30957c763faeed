import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { EXAMPLES } from '../../src/projections/examples';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { inMemoryClient } from './in-memory-client';

const balances = EXAMPLES.find((e) => e.name === 'Account balances')!.source;
const picky = balances.replace(
  'MoneyWithdrawn: (s: Balance, e) => ({',
  "MoneyWithdrawn: (s: Balance, e) => { if (e.data.amount > 300) throw new Error('limit exceeded: ' + e.data.amount); return { ...s, balance: s.balance - e.data.amount }; }, Unused: (s: Balance, e) => ({",
);
let dir: string;
let context: AppContext;
let client: RewindClient;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-subs-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
});
afterAll(async () => {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('subscriptions and parked events', () => {
  it('park what fails maxAttempts times, replay it after a fix, and continue from the checkpoint', async () => {
    const big = context.store
      .readAll(1, 10_000)
      .filter((e) => e.eventType === 'MoneyWithdrawn' && (JSON.parse(e.data) as { amount: number }).amount > 300)
      .map((e) => e.globalPosition);
    expect(big.length).toBeGreaterThan(0);
    const last = context.store.lastPosition();

    await client.call('subscriptions/save', { connectionId: 'local', name: 'balances', code: picky, maxAttempts: 3 });
    const first = await client.stream('subscriptions/catch-up', { connectionId: 'local', name: 'balances' });
    expect(first).toEqual({ processed: last - big.length, parked: big.length, checkpoint: last });

    const parked = await client.call('subscriptions/parked', { connectionId: 'local', name: 'balances' });
    expect(parked.map((p) => p.position)).toEqual(big);
    expect(parked[0]).toMatchObject({ type: 'MoneyWithdrawn', attempts: 3, lastError: expect.stringMatching(/^Error: limit exceeded: \d+$/) });
    expect(await client.call('subscriptions/list', { connectionId: 'local' })).toEqual([{ name: 'balances', maxAttempts: 3, createdAt: expect.any(String), checkpoint: last, parked: big.length }]);

    // Count first: nothing is re-sent by a dry run.
    const dry = await client.call('subscriptions/replay-parked', { connectionId: 'local', name: 'balances', selection: { all: true }, dryRun: true });
    expect(dry).toEqual({ count: big.length, replayed: 0, stillParked: 0 });
    const upTo = await client.call('subscriptions/replay-parked', { connectionId: 'local', name: 'balances', selection: { upTo: big[0]! }, dryRun: true });
    expect(upTo.count).toBe(1);

    // Replaying with the same code parks them again, with one more attempt each.
    const again = await client.call('subscriptions/replay-parked', { connectionId: 'local', name: 'balances', selection: { positions: [big[0]!] }, dryRun: false });
    expect(again).toEqual({ count: 1, replayed: 0, stillParked: 1 });
    expect((await client.call('subscriptions/parked', { connectionId: 'local', name: 'balances' }))[0]?.attempts).toBe(4);

    // Saving under a taken name is refused unless asked to replace; replacing fixes the code.
    await expect(client.call('subscriptions/save', { connectionId: 'local', name: 'balances', code: balances, maxAttempts: 3 })).rejects.toMatchObject({ code: 'conflict' });
    // Fixed: every parked event replays and the dead-letter queue is empty.
    await client.call('subscriptions/save', { connectionId: 'local', name: 'balances', code: balances, maxAttempts: 3, replace: true });
    const fixed = await client.call('subscriptions/replay-parked', { connectionId: 'local', name: 'balances', selection: { all: true }, dryRun: false });
    expect(fixed).toEqual({ count: big.length, replayed: big.length, stillParked: 0 });
    expect(await client.call('subscriptions/parked', { connectionId: 'local', name: 'balances' })).toEqual([]);

    // New events: the next catch-up handles only those, from the saved checkpoint and state.
    await client.call('store/append', { connectionId: 'local', streamId: 'account-A-17', expectedVersion: 'any', events: [{ type: 'MoneyDeposited', data: { accountId: 'A-17', amount: 1000 } }] });
    const next = await client.stream('subscriptions/catch-up', { connectionId: 'local', name: 'balances' });
    expect(next).toEqual({ processed: 1, parked: 0, checkpoint: last + 1 });

    // And its state is what a clean rebuild of everything gives.
    const rebuild = await client.stream('projections/rebuild', { code: balances, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: null } });
    const saved = context.store.database.prepare("SELECT state FROM checkpoints WHERE name = 'balances'").pluck().get() as string;
    expect(Object.fromEntries(JSON.parse(saved) as [string, unknown][])).toEqual(rebuild.state);
  });

  it('refuses to save code that does not load', async () => {
    const e = await client.call('subscriptions/save', { connectionId: 'local', name: 'broken', code: 'export default {', maxAttempts: 3 }).catch((err: Error) => err);
    expect((e as Error).message).toMatch(/^projection\.ts:1:\d+: /);
    expect((await client.call('subscriptions/list', { connectionId: 'local' })).map((s) => s.name)).not.toContain('broken');
  });
});
