import { NO_TYPE, type Catalogue, type CatalogueType, type ShapeChange, type Sighting } from './catalogue';
import type { Envelope } from './envelope';
import { memberTime, type TraceWhere } from './trace';

/** How deep into an event's data fields are named, and how many one event may name: past these a shape is left at its top. */
const MAX_DEPTH = 4;
const MAX_PATHS = 300;
/** Fields a type keeps: data keyed by ids (`byAccount.acct-17`) would otherwise grow one a message. */
const MAX_FIELDS = 300;
/** Types a catalogue keeps; more are counted under one row. */
const MAX_TYPES = 2_000;
const OTHER_TYPES = '(other types, past 2,000)';

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Every path of a JSON value with its type: `a`, `a.b`, `items[]`, `items[].sku`. */
export function shapeOf(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, path: string, depth: number) => {
    if (out.size >= MAX_PATHS) return;
    if (path) out.set(path, kind(v));
    if (depth >= MAX_DEPTH) return;
    if (Array.isArray(v)) {
      // An array's items are described by its first: what an event type's arrays usually hold alike.
      if (v.length > 0) walk(v[0], `${path}[]`, depth + 1);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) walk(inner, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  walk(value, '', 0);
  return out;
}

/** The event's data as JSON, when it is: a decoder's reading (Avro, Protobuf…), else the JSON bytes themselves. */
function dataOf(r: Envelope): unknown {
  const text = r.decoded?.text ?? (r.payload.kind === 'json' ? r.payload.text : null);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface TypeState {
  type: string;
  count: number;
  first: Sighting;
  last: Sighting;
  opaque: number;
  /** Events of the type with a shape read. */
  shaped: number;
  /** Path → types seen and how many events carried it. */
  fields: Map<string, { types: Set<string>; seen: number }>;
  /** Paths every shaped event of the type has carried so far: only these can disappear. */
  always: Set<string>;
  /** Fields past MAX_FIELDS were not kept. */
  fieldsCut: boolean;
  changes: ShapeChange[];
  said: Set<string>;
}

/**
 * A catalogue of event types built one record at a time, in each place's own order: per type its
 * count, first and last sighting, its fields and their types, and where its shape changed — a field
 * that appears (absent from every earlier event of the type), one that disappears (carried by every
 * earlier one), or one whose type changes; each change once, at the first message that shows it.
 */
export class CatalogueBuilder {
  private readonly types = new Map<string, TypeState>();
  private scanned = 0;

  add(where: TraceWhere, r: Envelope): void {
    this.scanned++;
    let name = r.type ?? NO_TYPE;
    if (!this.types.has(name) && this.types.size >= MAX_TYPES) name = OTHER_TYPES;
    const seen: Sighting = { ref: { where, position: r.position, partition: r.partition }, time: memberTime(r) };
    let t = this.types.get(name);
    if (!t) {
      t = { type: name, count: 0, first: seen, last: seen, opaque: 0, shaped: 0, fields: new Map(), always: new Set(), fieldsCut: false, changes: [], said: new Set() };
      this.types.set(name, t);
    }
    t.count++;
    t.last = seen;
    // Past MAX_TYPES the rest are counted together, with no fields: they have no one shape.
    const data = name === OTHER_TYPES ? undefined : dataOf(r);
    if (data === undefined) {
      t.opaque++;
      return;
    }
    const shape = shapeOf(data);
    if (t.shaped > 0) this.compare(t, shape, seen);
    else for (const path of shape.keys()) t.always.add(path);
    t.shaped++;
    for (const [path, type] of shape) {
      const f = t.fields.get(path);
      if (f) {
        f.types.add(type);
        f.seen++;
      } else if (t.fields.size < MAX_FIELDS) t.fields.set(path, { types: new Set([type]), seen: 1 });
      else t.fieldsCut = true;
    }
  }

  private compare(t: TypeState, shape: Map<string, string>, at: Sighting) {
    const note = (change: Omit<ShapeChange, 'at'>) => {
      const key = `${change.kind}\u0000${change.path}\u0000${change.from ?? ''}\u0000${change.to ?? ''}`;
      if (t.said.has(key) || t.changes.length >= 500) return;
      t.said.add(key);
      t.changes.push({ ...change, at });
    };
    for (const [path, type] of shape) {
      const f = t.fields.get(path);
      if (!f) {
        if (!t.fieldsCut) note({ kind: 'appears', path, from: null, to: type });
      } else if (!f.types.has(type)) note({ kind: 'type-changes', path, from: [...f.types].join(' | '), to: type });
    }
    for (const path of t.always) {
      if (shape.has(path)) continue;
      t.always.delete(path);
      const f = t.fields.get(path);
      note({ kind: 'disappears', path, from: f ? [...f.types].join(' | ') : null, to: null });
    }
  }

  /** The catalogue so far, its types by count. */
  snapshot(findings: Catalogue['findings'], total: number | null, complete: boolean, notes: string[]): Catalogue {
    const types: CatalogueType[] = [...this.types.values()]
      .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type))
      .map((t) => ({
        type: t.type,
        count: t.count,
        first: t.first,
        last: t.last,
        opaque: t.opaque,
        fields: [...t.fields].map(([path, f]) => ({ path, types: [...f.types].sort(), seen: f.seen })),
        fieldsCut: t.fieldsCut,
        changes: t.changes,
      }));
    return { scanned: this.scanned, total, types, findings, complete, notes };
  }
}
