import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { EXAMPLES } from '../../src/projections/examples';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { inMemoryClient } from './in-memory-client';

/** Every entry says who did it (host and OS user, as the OS names them), and the store's own destructive actions are entries. */
const balances = EXAMPLES.find((e) => e.name === 'Account balances')!.source;
const picky = balances.replace(
  'MoneyWithdrawn: (s: Balance, e) => ({',
  "MoneyWithdrawn: (s: Balance, e) => { if (e.data.amount > 300) throw new Error('too much'); return { ...s, balance: s.balance - e.data.amount }; }, Unused: (s: Balance, e) => ({",
);

let dir: string;
let context: AppContext;
let client: RewindClient;
const host = execFileSync('hostname').toString().trim();
const user = execFileSync('id', ['-un']).toString().trim();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-audit-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
});
afterAll(async () => {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
});

const newest = async (action: string) => (await client.call('audit/list', { actions: [action], limit: 1 })).entries[0];

describe('audit entries', () => {
  it('carry the host name and the OS user who did it', async () => {
    await client.call('store/append', { connectionId: 'local', streamId: 'audit-who-1', expectedVersion: 'any', events: [{ type: 'Noted', data: {} }] });
    expect((await newest('append'))?.detail).toMatchObject({ host, user });
  });

  it('record replaying parked events (not a dry run) and deleting a subscription', async () => {
    await client.call('subscriptions/save', { connectionId: 'local', name: 'audited', code: picky, maxAttempts: 1 });
    const { parked } = await client.stream('subscriptions/catch-up', { connectionId: 'local', name: 'audited' });
    expect(parked).toBeGreaterThan(0);
    await client.call('subscriptions/replay-parked', { connectionId: 'local', name: 'audited', selection: { all: true }, dryRun: true });
    expect(await newest('replay-parked')).toBeUndefined();

    await client.call('subscriptions/save', { connectionId: 'local', name: 'audited', code: balances, maxAttempts: 1, replace: true });
    await client.call('subscriptions/replay-parked', { connectionId: 'local', name: 'audited', selection: { all: true }, dryRun: false });
    expect((await newest('replay-parked'))?.detail).toMatchObject({
      connectionName: 'Local event store',
      subscription: 'audited',
      count: parked,
      replayed: parked,
      stillParked: 0,
      host,
      user,
      summary: `replayed ${parked} parked events of subscription audited: ${parked} handled, 0 still parked`,
    });

    const { checkpoint } = (await client.call('subscriptions/list', { connectionId: 'local' })).find((s) => s.name === 'audited')!;
    await client.call('subscriptions/delete', { connectionId: 'local', name: 'audited' });
    expect((await newest('delete-subscription'))?.detail).toMatchObject({ subscription: 'audited', checkpoint, parked: 0, host, user, summary: 'deleted subscription audited' });
  });
});
