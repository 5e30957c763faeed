import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { QueryAnswer, QueryJob } from './query-wire';
import { READ_VERBS, statementVerb } from './statement-verb';

/**
 * Runs one read-only query on the read-model file, in its own thread, so a query that never
 * ends (a recursive CTE, a cross join) can be stopped by ending the thread.
 */
const job = workerData as QueryJob;

/** A cell longer than this is cut, and says so: a page of rows stays small whatever the states hold. */
const MAX_CELL = 16 * 1024;

function cell(v: unknown): string | number | null {
  if (typeof v === 'string') return v.length > MAX_CELL ? `${v.slice(0, MAX_CELL)}… (${v.length} characters, cut)` : v;
  if (v === null || typeof v === 'number') return v;
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v)) return `<blob, ${v.length} bytes>`;
  return String(v);
}

function run(): QueryAnswer {
  const verb = statementVerb(job.sql);
  // A write is refused as one before SQLite looks at it: "no such table" would be beside the point.
  const readOnly = (message: string): QueryAnswer => ({ ok: false, kind: 'read-only', verb, message });
  if (verb !== null && !READ_VERBS.has(verb)) return readOnly('write');
  const db = new Database(job.path, { readonly: true, fileMustExist: true });
  try {
    const stmt = db.prepare(job.sql);
    if (!stmt.reader) return readOnly('returns no rows');
    stmt.raw(true);
    const columns = stmt.columns().map((c) => c.name);
    const rows: (string | number | null)[][] = [];
    let seen = 0;
    let more = false;
    for (const row of stmt.iterate() as Iterable<unknown[]>) {
      if (seen++ < job.offset) continue;
      if (rows.length === job.limit) {
        more = true;
        break;
      }
      rows.push(row.map(cell));
    }
    return { ok: true, columns, rows, more };
  } catch (e) {
    // DELETE … RETURNING returns rows, so it gets this far; the read-only file stops it here.
    if ((e as { code?: string }).code === 'SQLITE_READONLY') return readOnly((e as Error).message);
    return { ok: false, kind: 'sql', verb, message: (e as Error).message };
  } finally {
    db.close();
  }
}

parentPort!.postMessage(run());
