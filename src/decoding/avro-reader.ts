import avro from 'avsc';

export type ValueReader = (bytes: Buffer) => unknown;

/** A long type that keeps every 64-bit value (avsc's own refuses those past 2^53). */
const BigLong = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(n);
    return b;
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: bigint) => (Number.isSafeInteger(Number(n)) ? Number(n) : n.toString()),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/**
 * A reader of Avro binary written with `schema` (and the named types it references). Unions come
 * unwrapped, as people read them; a value past 2^53 in a long is read again with 64-bit longs.
 * Throws when the schema is not Avro, or when the bytes are not one whole value of it.
 */
export function avroReader(schema: string, references: { text: string }[] = []): ValueReader {
  const parse = (longs: boolean) => {
    // Named types are shared through the registry; `long` in it replaces avsc's own long type.
    const registry: Record<string, avro.Type> = longs ? { long: BigLong } : {};
    const options = { wrapUnions: 'never' as const, registry };
    for (const r of references) avro.Type.forSchema(JSON.parse(r.text) as avro.Schema, options);
    return avro.Type.forSchema(JSON.parse(schema) as avro.Schema, options);
  };
  const fast = parse(false);
  const empty = zeroWidthArray(fast);
  if (empty) throw new Error(`the schema has arrays of ${empty}, which take no bytes: a count of a few bytes could ask for billions of them, so Rewind does not decode it`);
  let wide: avro.Type | null = null;
  return (bytes) => {
    try {
      return whole(fast, bytes);
    } catch (e) {
      if (!/precision/i.test((e as Error).message)) throw e;
      wide ??= parse(true);
      return whole(wide, bytes);
    }
  };
}

interface Walkable {
  typeName: string;
  itemsType?: Walkable;
  valuesType?: Walkable;
  fields?: { type: Walkable }[];
  types?: Walkable[];
  size?: number;
  name?: string;
}

/** An array (or map) whose items are written as no bytes at all: its name, or null when there is none. */
function zeroWidthArray(root: avro.Type): string | null {
  const seen = new Set<Walkable>();
  const zero = (t: Walkable, path: Set<Walkable>): boolean => {
    if (t.typeName === 'null') return true;
    if (t.typeName === 'fixed') return t.size === 0;
    if (t.typeName === 'record' || t.typeName === 'error') {
      if (path.has(t)) return false;
      path.add(t);
      const all = (t.fields ?? []).every((f) => zero(f.type, path));
      path.delete(t);
      return all;
    }
    return false;
  };
  const walk = (t: Walkable): string | null => {
    if (seen.has(t)) return null;
    seen.add(t);
    const items = t.itemsType ?? t.valuesType;
    if (items && zero(items, new Set())) return items.name ?? items.typeName;
    for (const child of [...(items ? [items] : []), ...(t.fields ?? []).map((f) => f.type), ...(t.types ?? [])]) {
      const found = walk(child);
      if (found) return found;
    }
    return null;
  };
  return walk(root as unknown as Walkable);
}

/** The one value the bytes hold: bytes left over mean the schema is not the one they were written with. */
function whole(type: avro.Type, bytes: Buffer): unknown {
  const { value, offset } = type.decode(bytes, 0);
  if (offset < 0) throw new Error(`the bytes end before the value does (${bytes.length} bytes)`);
  if (offset !== bytes.length) throw new Error(`${bytes.length - offset} bytes are left after the value: it was not written with this schema`);
  return value;
}
