import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { RewindError } from '../model/errors';
import { READ_MODEL_NAME } from '../model/read-model-name';
import { ProjectionTarget } from '../model/resources';
import { TypeSource } from '../model/type-source';
import { entriesFromRows, shapeState, type TableShape } from './table-shape';

/** Where a read model's events come from, so a later run continues on the same source. */
export interface ReadModelSource {
  connectionId: string;
  target: ProjectionTarget;
  /** A whole topic: the next offset to read in each partition. */
  resume: Record<string, string> | null;
  /** Where the run that built it read each event's type (see TypeSource); a continue reads it there too. */
  typeFrom: TypeSource | null;
}

export interface ReadModelInfo {
  name: string;
  shape: TableShape;
  code: string;
  source: ReadModelSource;
  /** First position of the run that built it. */
  builtFrom: number;
  /** Last position applied; a later run continues after it. */
  checkpoint: number;
  rows: number;
  columns: string[];
  updatedAt: string;
}

export interface SaveRequest {
  name: string;
  code: string;
  source: ReadModelSource;
  builtFrom: number;
  checkpoint: number;
  /** The run's final state (JSON) and whether it is partitioned. */
  state: string;
  partitioned: boolean;
}

const CATALOG = 'rewind_read_models';

function checkReadModelName(name: string): void {
  if (!READ_MODEL_NAME.test(name) || /^(sqlite_|rewind_)/i.test(name)) {
    throw new RewindError('invalid_input', `"${name}" cannot name a table`, 'Use letters, digits and _ (not starting with a digit, sqlite_ or rewind_), e.g. account_balances.');
  }
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * The read side: each saved projection is a plain table in one scratch SQLite file (one row per
 * partition, a column per top-level field), plus a catalog row with its code, source and
 * checkpoint. A table and its checkpoint are replaced in one transaction, so they always agree.
 */
export class ReadModelFile {
  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
  ) {}

  static open(path: string): ReadModelFile {
    mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.exec(`CREATE TABLE IF NOT EXISTS ${CATALOG} (
        name        TEXT PRIMARY KEY,
        shape       TEXT NOT NULL CHECK (shape IN ('partitions', 'entries', 'value')),
        code        TEXT NOT NULL,
        source      TEXT NOT NULL CHECK (json_valid(source)),
        built_from  INTEGER NOT NULL,
        checkpoint  INTEGER NOT NULL,
        row_count   INTEGER NOT NULL,
        updated_at  TEXT NOT NULL
      )`);
    } catch (e) {
      throw new RewindError('invalid_input', `Cannot open the read-model file ${path}: ${(e as Error).message}`, 'Move the file away; Rewind creates a new one.');
    }
    return new ReadModelFile(path, db);
  }

  list(): ReadModelInfo[] {
    const rows = this.db.prepare(`SELECT * FROM ${CATALOG} ORDER BY name`).all() as CatalogRow[];
    return rows.map((r) => this.info(r));
  }

  get(name: string): ReadModelInfo {
    const row = this.db.prepare(`SELECT * FROM ${CATALOG} WHERE name = ?`).get(name) as CatalogRow | undefined;
    if (!row) throw new RewindError('not_found', `No read model named ${name}`, 'Save a finished projection run as a read model first.');
    return this.info(row);
  }

  /** Replaces the table with the state and moves the checkpoint, atomically. */
  save(request: SaveRequest): ReadModelInfo {
    checkReadModelName(request.name);
    const table = shapeState(JSON.parse(request.state), request.partitioned);
    const existing = this.db.prepare(`SELECT name FROM ${CATALOG} WHERE name = ? COLLATE NOCASE`).pluck().get(request.name) as string | undefined;
    this.db
      .transaction(() => {
        if (existing !== undefined) this.db.exec(`DROP TABLE IF EXISTS ${quote(existing)}`);
        else if (this.db.prepare(`SELECT 1 FROM sqlite_master WHERE name = ? COLLATE NOCASE`).get(request.name)) {
          throw new RewindError('conflict', `The read-model file already has a table named ${request.name}`, 'Pick another name.');
        }
        const columns = table.columns.map((c) => `${quote(c.name)} ${c.type}`);
        this.db.exec(`CREATE TABLE ${quote(request.name)} (key TEXT PRIMARY KEY, ${[...columns, 'state TEXT NOT NULL'].join(', ')})`);
        const insert = this.db.prepare(`INSERT INTO ${quote(request.name)} VALUES (${['?', ...table.columns.map(() => '?'), '?'].join(', ')})`);
        for (const row of table.rows) insert.run(row.key, ...row.values, row.state);
        this.db.prepare(`DELETE FROM ${CATALOG} WHERE name = ? COLLATE NOCASE`).run(request.name);
        this.db
          .prepare(`INSERT INTO ${CATALOG} (name, shape, code, source, built_from, checkpoint, row_count, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(request.name, table.shape, request.code, JSON.stringify(request.source), request.builtFrom, request.checkpoint, table.rows.length, new Date().toISOString());
      })
      .immediate();
    return this.get(request.name);
  }

  /** The saved state as restore() entries, to continue from the checkpoint. */
  entries(name: string): string {
    const info = this.get(name);
    const rows = this.db.prepare(`SELECT key, state FROM ${quote(info.name)} ORDER BY rowid`).all() as { key: string; state: string }[];
    return entriesFromRows(info.shape, rows);
  }

  delete(name: string): void {
    const info = this.get(name);
    this.db
      .transaction(() => {
        this.db.exec(`DROP TABLE IF EXISTS ${quote(info.name)}`);
        this.db.prepare(`DELETE FROM ${CATALOG} WHERE name = ?`).run(info.name);
      })
      .immediate();
  }

  close(): void {
    this.db.close();
  }

  private info(r: CatalogRow): ReadModelInfo {
    const columns = this.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(r.name) as string[];
    const parsed = JSON.parse(r.source) as { connectionId: string; target: unknown; resume?: Record<string, string> | null; typeFrom?: unknown };
    const typeFrom = parsed.typeFrom ? TypeSource.parse(parsed.typeFrom) : null;
    const source = { connectionId: String(parsed.connectionId), target: ProjectionTarget.parse(parsed.target), resume: parsed.resume ?? null, typeFrom };
    return { name: r.name, shape: r.shape, code: r.code, source, builtFrom: r.built_from, checkpoint: r.checkpoint, rows: r.row_count, columns, updatedAt: r.updated_at };
  }
}

interface CatalogRow {
  name: string;
  shape: TableShape;
  code: string;
  source: string;
  built_from: number;
  checkpoint: number;
  row_count: number;
  updated_at: string;
}
