import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { EXAMPLES } from '../../src/projections/examples';
import { createAppContext, READ_MODEL_FILE, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { inMemoryClient } from './in-memory-client';

/**
 * What the read models' SQL box says when it refuses a query: a write is refused because the box
 * is read-only (not because of table names), and each SQL error gets only a hint that fits it.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-sql-box-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  const balances = EXAMPLES.find((e) => e.name === 'Account balances')!.source;
  const run = await client.stream('projections/rebuild', { code: balances, source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: null } });
  await client.call('read-models/save', { runId: run.runId, name: 'balances' });
});
afterAll(async () => {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(sql: string): Promise<ApiCallError> {
  const e = await client.call('read-models/query', { sql, offset: 0, limit: 10 }).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiCallError);
  return e as ApiCallError;
}

const rows = () => {
  const db = new Database(join(dir, READ_MODEL_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM balances').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('the SQL box refuses writes as a read-only box', () => {
  it.each([
    ['DELETE FROM balances', 'a DELETE'],
    ['delete from balances returning key', 'a DELETE'],
    ['  -- tidy up\n  UPDATE balances SET balance = 0', 'an UPDATE'],
    ['DELETE FROM no_such_table', 'a DELETE'],
    ['DROP TABLE balances', 'a DROP'],
    ['WITH gone AS (SELECT key FROM balances) DELETE FROM balances WHERE key IN gone', 'a DELETE'],
  ])('%s', async (sql, verb) => {
    const before = rows();
    const e = await refusal(sql);
    expect(e.message).toBe(`The query box is read-only: this is ${verb}, and only SELECT and WITH … SELECT queries run here.`);
    expect(e.hint).toBe('Read models are written by their projection: change the projection, rebuild, and save the run again.');
    expect(e.hint).not.toMatch(/table and column names/);
    expect(rows()).toBe(before);
  });
});

describe('SQL errors get a hint that fits them', () => {
  it('a wrong column or table name points at the list of tables', async () => {
    const e = await refusal('SELECT nope FROM balances');
    expect(e.message).toBe('no such column: nope');
    expect(e.hint).toBe('Check table and column names in the list on the left.');
    expect((await refusal('SELECT * FROM balance')).hint).toBe('Check table and column names in the list on the left.');
  });

  it('a syntax error says where, with no word about names', async () => {
    const e = await refusal('SELEC key FROM balances');
    expect(e.message).toBe('near "SELEC": syntax error');
    expect(e.hint).toBe('Check the SQL where SQLite points; only SELECT and WITH … SELECT queries run here.');
  });
});
