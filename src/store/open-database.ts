import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { RewindError } from '../model/errors';
import { quickCheck } from './integrity';
import { migrations } from './migrations';

export type Db = Database.Database;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface Opened {
  db: Db;
  /** What SQLite's quick check found; non-empty means damaged, and the file is then open read-only. */
  damage: string[];
}

/**
 * Opens (or creates) an event-store file: WAL so readers never block the writer, NORMAL sync
 * (a crash may lose the last commits but never leaves a partial one), a quick integrity check,
 * then migrations. A damaged file is opened read-only so what can be read can be rescued.
 */
export function openDatabase(path: string, options: { create: boolean }): Opened {
  if (!options.create && !existsSync(path)) {
    throw new RewindError('not_found', `No event store at ${path}`, 'Pick an existing .sqlite file or create a new store.');
  }
  // SQLite would take an empty file for a new database: only "create" may do that.
  if (!options.create && statSync(path).isFile() && statSync(path).size === 0) {
    throw new RewindError('invalid_input', `${path} is empty (0 bytes), not an event store`, 'Tick "Create a new store" to make a new, empty store in that file.');
  }
  if (options.create) mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: !options.create });
  } catch (e) {
    throw new RewindError('invalid_input', `Cannot open ${path}: ${(e as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const damage = quickCheck(db);
    if (damage.length > 0) {
      if (damage.some((d) => /not a database/i.test(d))) throw Object.assign(new Error('not a database'), { code: 'SQLITE_NOTADB' });
      db.close();
      return { db: new Database(path, { readonly: true, fileMustExist: true }), damage };
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return { db, damage: [] };
  } catch (e) {
    if (db.open) db.close();
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new RewindError('invalid_input', `${path} is not a SQLite database`, 'Pick a Rewind event-store file.');
    }
    throw e;
  }
}

function migrate(db: Db, path: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Map((db.prepare('SELECT version, sha256 FROM schema_migrations').all() as { version: number; sha256: string }[]).map((r) => [r.version, r.sha256]));
  if (applied.size === 0) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name != 'schema_migrations'").get() as { n: number };
    if (tables.n > 0) {
      throw new RewindError('invalid_input', `${path} is a SQLite database but not a Rewind event store`, 'Open a file created by Rewind, or create a new store.');
    }
  }
  for (const m of migrations) {
    const hash = sha256(m.sql);
    const known = applied.get(m.version);
    if (known !== undefined) {
      if (known !== hash) {
        throw new RewindError('conflict', `${path} was written by a different build of Rewind (migration ${m.version} differs)`, 'Open it with the Rewind version that created it.');
      }
      continue;
    }
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)').run(m.version, m.name, hash, new Date().toISOString());
    }).immediate();
  }
  const newest = Math.max(...applied.keys(), 0);
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (newest > latest) {
    throw new RewindError('conflict', `${path} was written by a newer Rewind (schema ${newest})`, 'Update Rewind to open it.');
  }
}
