import { describe, expect, it } from 'vitest';
import { statementVerb } from '../../src/read-models/statement-verb';

describe('the verb of a statement in the SQL box', () => {
  it.each([
    ['SELECT 1', 'SELECT'],
    ['  /* note */ -- line\n delete FROM t', 'DELETE'],
    ["WITH x(a) AS (SELECT ')' || 'DELETE') SELECT * FROM x", 'SELECT'],
    ['WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n', 'SELECT'],
    ['WITH "del(ete" AS (SELECT 1) INSERT INTO t SELECT * FROM "del(ete"', 'INSERT'],
    ["SELECT 'it''s' -- DELETE", 'SELECT'],
    ['PRAGMA table_info(balances)', 'PRAGMA'],
    ['balances', null],
    ['', null],
  ])('%s', (sql, verb) => expect(statementVerb(sql)).toBe(verb));
});
