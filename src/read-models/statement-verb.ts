/**
 * The verb of the statement a piece of SQL runs (SELECT, DELETE, …), read past comments and a
 * WITH clause's common table expressions, so a refusal can name what was refused. This only
 * words the message: the read-only connection and better-sqlite3's `reader` flag are what
 * actually keep writes out.
 */
const VERBS = new Set([
  'SELECT',
  'VALUES',
  'INSERT',
  'REPLACE',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'ALTER',
  'ATTACH',
  'DETACH',
  'PRAGMA',
  'VACUUM',
  'REINDEX',
  'ANALYZE',
  'BEGIN',
  'COMMIT',
  'END',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'EXPLAIN',
]);

/** Statements that read: everything else the query box refuses as a write. */
export const READ_VERBS = new Set(['SELECT', 'VALUES', 'EXPLAIN', 'PRAGMA']);

export function statementVerb(sql: string): string | null {
  let depth = 0;
  let inWith = false;
  for (const word of words(sql)) {
    if (word === '(') depth++;
    else if (word === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      const upper = word.toUpperCase();
      if (!inWith && upper === 'WITH') inWith = true;
      else if (VERBS.has(upper)) return upper;
      else if (!inWith) return null;
    }
  }
  return null;
}

/** Bare words and parentheses; quoted names, strings and comments are skipped whole. */
function* words(sql: string): Generator<string> {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      // A doubled quote is an escaped one inside the same string.
      while (j < sql.length && !(sql[j] === close && sql[j + 1] !== close)) j += sql[j] === close ? 2 : 1;
      i = j + 1;
    } else if (c === '(' || c === ')') {
      yield c;
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      yield sql.slice(i, j);
      i = j;
    } else i++;
  }
}
