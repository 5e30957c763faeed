/**
 * How a projection's state becomes rows of a read-model table, and back.
 *
 * - `partitions`: a partitioned projection; one row per partition key.
 * - `entries`: an unpartitioned state that is an object (a map such as day -> totals); one row
 *   per top-level key, since that is how a developer would lay it out in a table.
 * - `value`: anything else (a number, an array); one row with the key `$`.
 *
 * Each row keeps its whole value as JSON in `state`, so restoring is exact, and top-level scalar
 * fields get a column of their own so they can be filtered and sorted in SQL.
 */
export type TableShape = 'partitions' | 'entries' | 'value';

export type SqlValue = string | number | null;

export interface ColumnSpec {
  name: string;
  type: 'TEXT' | 'REAL' | 'INTEGER';
}

export interface ShapedTable {
  shape: TableShape;
  /** Columns besides `key` and `state`, in first-seen order. */
  columns: ColumnSpec[];
  rows: { key: string; state: string; values: SqlValue[] }[];
}

/** Beyond this many fields, the rest stay inside `state` (SQLite allows 2000 columns, people far fewer). */
const MAX_COLUMNS = 64;
const RESERVED = new Set(['key', 'state']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sqlValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function typeOf(v: unknown): ColumnSpec['type'] {
  if (typeof v === 'number') return Number.isInteger(v) ? 'INTEGER' : 'REAL';
  if (typeof v === 'boolean') return 'INTEGER';
  return 'TEXT';
}

const widen = (a: ColumnSpec['type'], b: ColumnSpec['type']): ColumnSpec['type'] => (a === b ? a : a === 'TEXT' || b === 'TEXT' ? 'TEXT' : 'REAL');

export function shapeState(state: unknown, partitioned: boolean): ShapedTable {
  const shape: TableShape = partitioned ? 'partitions' : isObject(state) ? 'entries' : 'value';
  const pairs: [string, unknown][] = shape === 'value' ? [['$', state]] : Object.entries(state as Record<string, unknown>);
  const columns = new Map<string, ColumnSpec>();
  for (const [, value] of pairs) {
    const fields: [string, unknown][] = isObject(value) ? Object.entries(value) : [['value', value]];
    for (const [name, v] of fields) {
      // SQLite column names ignore case: Balance and balance would be one column.
      const id = name.toLowerCase();
      if (v === undefined || v === null || RESERVED.has(id)) continue;
      const known = columns.get(id);
      if (known?.name === name) known.type = widen(known.type, typeOf(v));
      else if (!known && columns.size < MAX_COLUMNS) columns.set(id, { name, type: typeOf(v) });
    }
  }
  const specs = [...columns.values()];
  const rows = pairs.map(([key, value]) => ({
    key,
    state: JSON.stringify(value ?? null),
    values: specs.map((c) => sqlValue(isObject(value) ? value[c.name] : c.name === 'value' ? value : undefined)),
  }));
  return { shape, columns: specs, rows };
}

/** The restore() entries ([partition, state] pairs) for rows written by shapeState. */
export function entriesFromRows(shape: TableShape, rows: { key: string; state: string }[]): string {
  if (shape === 'partitions') return `[${rows.map((r) => `[${JSON.stringify(r.key)},${r.state}]`).join(',')}]`;
  if (shape === 'value') return `[["",${rows[0]?.state ?? 'null'}]]`;
  return `[["",{${rows.map((r) => `${JSON.stringify(r.key)}:${r.state}`).join(',')}}]]`;
}
