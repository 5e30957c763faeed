import protobuf from 'protobufjs';

/** How decoded messages become JSON: Protobuf's JSON mapping (64-bit integers and bytes as strings, enums by name). */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: true, oneofs: true };

/**
 * A .proto schema (with the files it imports, by the names it imports them as) ready to read
 * messages: Google's well-known types come with protobufjs. Throws with the file and line when a
 * file does not parse.
 */
export class ProtobufSchema {
  readonly root = new protobuf.Root();
  /** The main file's messages in the order written, as Confluent's message indexes count them. */
  private readonly top: protobuf.Type[];

  constructor(text: string, references: { name: string; text: string }[] = [], fileName = 'the schema') {
    const known = new Set(references.map((r) => r.name));
    const parsed = new Set<string>();
    for (const r of references) {
      // A file imported by several others is listed once per import: it is read once.
      if (parsed.has(r.name)) continue;
      parsed.add(r.name);
      this.parseFile(r.text, r.name, known);
    }
    const main = this.parseFile(text, fileName, known);
    const scope = main.package ? this.root.lookup(main.package) : this.root;
    this.top = scope instanceof protobuf.Namespace ? mainTypes(scope, main.types) : [];
    this.root.resolveAll();
  }

  /** The message type a path of Confluent message indexes points to. */
  typeAt(indexes: number[]): protobuf.Type {
    let list = this.top;
    let type: protobuf.Type | undefined;
    for (const i of indexes.length === 0 ? [0] : indexes) {
      type = list[i];
      if (!type) throw new Error(`message index ${i} is past the ${list.length} message${list.length === 1 ? '' : 's'} the schema declares there`);
      list = type.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
    }
    return type!;
  }

  /** Confluent's message indexes of a type of the main file: its place among its siblings, from the top. */
  indexesOf(type: protobuf.Type): number[] {
    const path: number[] = [];
    let t: protobuf.ReflectionObject = type;
    while (t instanceof protobuf.Type) {
      const parent: protobuf.NamespaceBase | null = t.parent;
      const siblings = parent instanceof protobuf.Type ? parent.nestedArray.filter((n) => n instanceof protobuf.Type) : this.top;
      const i = siblings.indexOf(t);
      if (i < 0) throw new Error(`${type.fullName.replace(/^\./, '')} is not a message of the subject's own file`);
      path.unshift(i);
      if (!(parent instanceof protobuf.Type)) break;
      t = parent;
    }
    return path;
  }

  /** A message type by its name as a Ref gives it (bare, or with its package). */
  byName(name: string): protobuf.Type | null {
    try {
      return this.root.lookupType(name);
    } catch {
      return this.top.find((t) => t.name === name) ?? null;
    }
  }

  private parseFile(text: string, name: string, known: Set<string>): { package: string | undefined; types: Set<string> } {
    let parsed: protobuf.IParserResult;
    const before = new Set(allTypes(this.root));
    try {
      parsed = protobuf.parse(text, this.root, { keepCase: true, alternateCommentMode: true });
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`, { cause: e });
    }
    for (const imp of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
      if (known.has(imp)) continue;
      const common = protobuf.common.get(imp);
      if (common) this.root.addJSON(common.nested ?? {});
    }
    return { package: parsed.package, types: new Set(allTypes(this.root).filter((t) => !before.has(t))) };
  }
}

function allTypes(ns: protobuf.NamespaceBase): string[] {
  return ns.nestedArray.flatMap((n) => [...(n instanceof protobuf.Type ? [n.fullName] : []), ...(n instanceof protobuf.Namespace ? allTypes(n) : [])]);
}

function mainTypes(scope: protobuf.Namespace | protobuf.Root, ofFile: Set<string>): protobuf.Type[] {
  return scope.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type && ofFile.has(n.fullName));
}

/** Confluent's message indexes after the schema id: a zigzag count, then that many zigzag indexes; a lone 0 means [0]. */
export function readIndexes(bytes: Buffer, at: number): { indexes: number[]; next: number } {
  const reader = protobuf.Reader.create(bytes.subarray(at));
  const count = reader.sint32();
  if (count < 0 || count > 100) throw new Error(`the message-index count ${count} is not one a serializer writes`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = reader.sint32();
    if (n < 0) throw new Error(`message index ${n} is negative`);
    indexes.push(n);
  }
  return { indexes, next: at + reader.pos };
}

/**
 * Apicurio's Protobuf serializer (2.x) writes no message indexes: a length-delimited `Ref { string
 * name = 1; }` naming the message comes first. Null when the bytes at `at` are not one.
 */
export function readApicurioRef(bytes: Buffer, at: number): { name: string; next: number } | null {
  try {
    const reader = protobuf.Reader.create(bytes.subarray(at));
    const length = reader.uint32();
    const start = reader.pos;
    if (length < 2 || length > 1024 || reader.uint32() !== 0x0a) return null;
    const name = reader.string();
    if (reader.pos !== start + length || !/^[A-Za-z_][\w.]*$/.test(name)) return null;
    return { name, next: at + reader.pos };
  } catch {
    return null;
  }
}

/** One message of `type` from the bytes, as JSON-ready values; throws when they are not one. */
export function readMessage(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  const message = type.decode(bytes);
  return inFieldOrder(type, type.toObject(message, TO_OBJECT), 0);
}

/** protobufjs puts repeated and map fields first; people read a message in the order its fields are written. */
function inFieldOrder(type: protobuf.Type, obj: Record<string, unknown>, depth: number): Record<string, unknown> {
  if (depth > 100) return obj;
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!(field.name in obj)) continue;
    const v = obj[field.name];
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
    const order = (x: unknown) => (nested && x !== null && typeof x === 'object' && !Array.isArray(x) ? inFieldOrder(nested, x as Record<string, unknown>, depth + 1) : x);
    out[field.name] = field.map && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, order(x)])) : Array.isArray(v) ? v.map(order) : order(v);
  }
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}
