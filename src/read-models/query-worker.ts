import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { QueryAnswer, QueryJob } from './query-wire';

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
  const db = new Database(job.path, { readonly: true, fileMustExist: true });
  try {
    const stmt = db.prepare(job.sql);
    if (!stmt.reader) return { ok: false, message: 'Only queries that return rows run here (SELECT, WITH … SELECT, PRAGMA table_info).' };
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
    return { ok: false, message: (e as Error).message };
  } finally {
    db.close();
  }
}

parentPort!.postMessage(run());
