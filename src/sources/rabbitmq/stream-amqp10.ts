/**
 * AMQP 1.0 values and messages as a RabbitMQ stream stores them (every stream message is an AMQP
 * 1.0 message, whatever protocol published it). Decoded to tagged values that keep each value's
 * AMQP type, so nothing is rounded or renamed on the way: 64-bit integers and timestamps stay
 * bigints, binary stays bytes, a body is the exact bytes of its data sections.
 */

export type Amqp10Value =
  | { t: 'null' }
  | { t: 'boolean'; v: boolean }
  | { t: 'ubyte' | 'ushort' | 'uint' | 'byte' | 'short' | 'int' | 'float' | 'double' | 'char'; v: number }
  | { t: 'ulong' | 'long'; v: bigint }
  /** Milliseconds since the epoch. */
  | { t: 'timestamp'; v: bigint }
  | { t: 'uuid'; v: string }
  | { t: 'binary'; v: Buffer }
  | { t: 'string' | 'symbol'; v: string }
  /** IEEE 754 decimals, kept as their bytes: nothing in JavaScript holds them exactly. */
  | { t: 'decimal32' | 'decimal64' | 'decimal128'; v: Buffer }
  | { t: 'list' | 'array'; v: Amqp10Value[] }
  | { t: 'map'; v: [Amqp10Value, Amqp10Value][] }
  | { t: 'described'; descriptor: Amqp10Value; v: Amqp10Value };

/** The sections of one message, each as it was encoded (absent sections are null). */
export interface Amqp10Message {
  header: Amqp10Value[] | null;
  deliveryAnnotations: [Amqp10Value, Amqp10Value][] | null;
  messageAnnotations: [Amqp10Value, Amqp10Value][] | null;
  properties: Amqp10Value[] | null;
  applicationProperties: [Amqp10Value, Amqp10Value][] | null;
  /** The body's bytes: its data sections joined, or an amqp-value's binary or text. */
  body: Buffer;
  /** How the body was sent: data sections, one amqp-value, or amqp-sequence sections. */
  bodyKind: 'data' | 'value' | 'sequence' | 'none';
  /** An amqp-value or amqp-sequence body that is neither binary nor text, as decoded. */
  bodyValue: Amqp10Value | null;
  footer: [Amqp10Value, Amqp10Value][] | null;
}

export class Amqp10Error extends Error {}

/** A read position in a buffer; decoding advances it. */
interface Cursor {
  b: Buffer;
  at: number;
  /** Lists, maps, arrays and described values open around the position. */
  depth: number;
  /** Values this message may still hold (see MAX_VALUES). */
  budget: number;
}

/**
 * What one message may hold, whatever its bytes declare. Counts are checked against the bytes
 * left, but some values take no bytes in an array (null, true, false, 0, an empty list): 13 bytes
 * can declare 2^31 nulls. A million values is far past any real message's headers and body, and
 * keeps one message's decoded form to tens of megabytes.
 */
const MAX_VALUES = 1_000_000;
/** Nesting deeper than this is refused rather than run until the stack overflows. */
const MAX_DEPTH = 64;

const SECTION = { header: 0x70, deliveryAnnotations: 0x71, messageAnnotations: 0x72, properties: 0x73, applicationProperties: 0x74, data: 0x75, sequence: 0x76, value: 0x77, footer: 0x78 } as const;
const SECTION_SYMBOLS: Record<string, number> = {
  'amqp:header:list': 0x70,
  'amqp:delivery-annotations:map': 0x71,
  'amqp:message-annotations:map': 0x72,
  'amqp:properties:list': 0x73,
  'amqp:application-properties:map': 0x74,
  'amqp:data:binary': 0x75,
  'amqp:amqp-sequence:list': 0x76,
  'amqp:amqp-value:*': 0x77,
  'amqp:footer:map': 0x78,
};

function need(c: Cursor, n: number): void {
  if (c.at + n > c.b.length) throw new Amqp10Error(`AMQP 1.0: value runs past the end of the message (${c.at + n} > ${c.b.length})`);
}

/** Takes `n` values from the message's budget. */
function spend(c: Cursor, n: number): void {
  c.budget -= n;
  if (c.budget < 0) throw new Amqp10Error(`AMQP 1.0: more than ${MAX_VALUES.toLocaleString('en-US')} values in one message`);
}

function enter(c: Cursor): void {
  if (++c.depth > MAX_DEPTH) throw new Amqp10Error(`AMQP 1.0: values nested more than ${MAX_DEPTH} deep`);
}

/**
 * The fewest bytes one array element of this constructor takes, by its subcategory (the high
 * nibble): fixed widths 0 to 16, then a length or size and count of 1 or 4 bytes each.
 */
function elementWidth(code: number): number {
  return [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 1, 4, 2, 8, 3, 9][code >> 4]!;
}

function take(c: Cursor, n: number): Buffer {
  need(c, n);
  const out = c.b.subarray(c.at, c.at + n);
  c.at += n;
  return out;
}

function u8(c: Cursor): number {
  need(c, 1);
  return c.b[c.at++]!;
}

function u32(c: Cursor): number {
  need(c, 4);
  const v = c.b.readUInt32BE(c.at);
  c.at += 4;
  return v;
}

function uuidText(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Reads a fixed-size value's position and moves past it. */
function at(c: Cursor, n: number): number {
  need(c, n);
  const p = c.at;
  c.at += n;
  return p;
}

/** Text of `n` bytes read straight from the buffer (no intermediate Buffer per string). */
function textOf(c: Cursor, n: number, encoding: 'utf8' | 'latin1'): string {
  const p = at(c, n);
  return c.b.toString(encoding, p, p + n);
}

/** Shared instances of the commonest values: a message's property list is mostly nulls. */
const NULL: Amqp10Value = Object.freeze({ t: 'null' });
const TRUE: Amqp10Value = Object.freeze({ t: 'boolean', v: true });
const FALSE: Amqp10Value = Object.freeze({ t: 'boolean', v: false });

/** One value whose constructor (format code) has been read already. */
function valueOf(code: number, c: Cursor): Amqp10Value {
  const b = c.b;
  switch (code) {
    case 0x40:
      return NULL;
    case 0x41:
      return TRUE;
    case 0x42:
      return FALSE;
    case 0x56:
      return { t: 'boolean', v: u8(c) !== 0 };
    case 0x50:
      return { t: 'ubyte', v: u8(c) };
    case 0x60:
      return { t: 'ushort', v: b.readUInt16BE(at(c, 2)) };
    case 0x70:
      return { t: 'uint', v: b.readUInt32BE(at(c, 4)) };
    case 0x52:
      return { t: 'uint', v: u8(c) };
    case 0x43:
      return { t: 'uint', v: 0 };
    case 0x80:
      return { t: 'ulong', v: b.readBigUInt64BE(at(c, 8)) };
    case 0x53:
      return { t: 'ulong', v: BigInt(u8(c)) };
    case 0x44:
      return { t: 'ulong', v: 0n };
    case 0x51:
      return { t: 'byte', v: b.readInt8(at(c, 1)) };
    case 0x61:
      return { t: 'short', v: b.readInt16BE(at(c, 2)) };
    case 0x71:
      return { t: 'int', v: b.readInt32BE(at(c, 4)) };
    case 0x54:
      return { t: 'int', v: b.readInt8(at(c, 1)) };
    case 0x81:
      return { t: 'long', v: b.readBigInt64BE(at(c, 8)) };
    case 0x55:
      return { t: 'long', v: BigInt(b.readInt8(at(c, 1))) };
    case 0x72:
      return { t: 'float', v: b.readFloatBE(at(c, 4)) };
    case 0x82:
      return { t: 'double', v: b.readDoubleBE(at(c, 8)) };
    case 0x74:
      return { t: 'decimal32', v: Buffer.from(take(c, 4)) };
    case 0x84:
      return { t: 'decimal64', v: Buffer.from(take(c, 8)) };
    case 0x94:
      return { t: 'decimal128', v: Buffer.from(take(c, 16)) };
    case 0x73:
      return { t: 'char', v: b.readUInt32BE(at(c, 4)) };
    case 0x83:
      return { t: 'timestamp', v: b.readBigInt64BE(at(c, 8)) };
    case 0x98:
      return { t: 'uuid', v: uuidText(take(c, 16)) };
    case 0xa0:
      return { t: 'binary', v: take(c, u8(c)) };
    case 0xb0:
      return { t: 'binary', v: take(c, u32(c)) };
    case 0xa1:
      return { t: 'string', v: textOf(c, u8(c), 'utf8') };
    case 0xb1:
      return { t: 'string', v: textOf(c, u32(c), 'utf8') };
    case 0xa3:
      return { t: 'symbol', v: textOf(c, u8(c), 'latin1') };
    case 0xb3:
      return { t: 'symbol', v: textOf(c, u32(c), 'latin1') };
    case 0x45:
      return { t: 'list', v: [] };
    case 0xc0:
    case 0xd0:
      return { t: 'list', v: compound(c, code === 0xc0 ? 1 : 4) };
    case 0xc1:
    case 0xd1: {
      const items = compound(c, code === 0xc1 ? 1 : 4);
      if (items.length % 2 !== 0) throw new Amqp10Error('AMQP 1.0: a map with an odd number of items');
      const pairs: [Amqp10Value, Amqp10Value][] = [];
      for (let i = 0; i < items.length; i += 2) pairs.push([items[i]!, items[i + 1]!]);
      return { t: 'map', v: pairs };
    }
    case 0xe0:
    case 0xf0:
      return { t: 'array', v: array(c, code === 0xe0 ? 1 : 4) };
    case 0x00: {
      enter(c);
      const descriptor = decodeValue(c);
      const v = decodeValue(c);
      c.depth--;
      return { t: 'described', descriptor, v };
    }
    default:
      throw new Amqp10Error(`AMQP 1.0: unknown format code 0x${code.toString(16)} at byte ${c.at - 1}`);
  }
}

/** A list's or map's items: size and count (1 or 4 bytes each), then each item with its own constructor. */
function compound(c: Cursor, width: 1 | 4): Amqp10Value[] {
  const size = width === 1 ? u8(c) : u32(c);
  const end = c.at + size;
  need(c, size);
  const count = width === 1 ? u8(c) : u32(c);
  // Every item carries its own constructor: at least a byte each.
  if (count > end - c.at) throw new Amqp10Error(`AMQP 1.0: a list or map claims ${count} items in ${end - c.at} bytes`);
  spend(c, count);
  enter(c);
  const items: Amqp10Value[] = [];
  for (let i = 0; i < count; i++) items.push(decodeValue(c));
  c.depth--;
  if (c.at !== end) throw new Amqp10Error('AMQP 1.0: a list or map whose size disagrees with its items');
  return items;
}

/** An array: size, count, one constructor, then every element encoded without its own. */
function array(c: Cursor, width: 1 | 4): Amqp10Value[] {
  const size = width === 1 ? u8(c) : u32(c);
  const end = c.at + size;
  need(c, size);
  const count = width === 1 ? u8(c) : u32(c);
  enter(c);
  let code = u8(c);
  let descriptor: Amqp10Value | null = null;
  if (code === 0x00) {
    descriptor = decodeValue(c);
    code = u8(c);
  }
  // Against the bytes left, and against the message's budget for elements that take none.
  const w = elementWidth(code);
  if (w > 0 && count > (end - c.at) / w) throw new Amqp10Error(`AMQP 1.0: an array claims ${count} elements in ${end - c.at} bytes`);
  spend(c, count);
  const items: Amqp10Value[] = [];
  for (let i = 0; i < count; i++) {
    const v = valueOf(code, c);
    items.push(descriptor ? { t: 'described', descriptor, v } : v);
  }
  c.depth--;
  if (c.at !== end) throw new Amqp10Error('AMQP 1.0: an array whose size disagrees with its elements');
  return items;
}

export function decodeValue(c: Cursor): Amqp10Value {
  return valueOf(u8(c), c);
}

/** A section's descriptor as its numeric code (RabbitMQ writes small ulongs; symbols are allowed too). */
function sectionCode(d: Amqp10Value): number {
  if (d.t === 'ulong') return Number(d.v & 0xffffffffn);
  if (d.t === 'symbol') return SECTION_SYMBOLS[d.v] ?? -1;
  return -1;
}

const listOf = (v: Amqp10Value): Amqp10Value[] => (v.t === 'list' ? v.v : []);
const mapOf = (v: Amqp10Value): [Amqp10Value, Amqp10Value][] => (v.t === 'map' ? v.v : []);

/** Decodes one stored message: its sections in the order AMQP 1.0 gives them. */
export function decodeMessage(bytes: Buffer): Amqp10Message {
  const m: Amqp10Message = {
    header: null,
    deliveryAnnotations: null,
    messageAnnotations: null,
    properties: null,
    applicationProperties: null,
    body: EMPTY,
    bodyKind: 'none',
    bodyValue: null,
    footer: null,
  };
  const c: Cursor = { b: bytes, at: 0, depth: 0, budget: MAX_VALUES };
  const data: Buffer[] = [];
  const sequence: Amqp10Value[] = [];
  while (c.at < bytes.length) {
    const section = decodeValue(c);
    if (section.t !== 'described') throw new Amqp10Error('AMQP 1.0: a message section without a descriptor');
    const v = section.v;
    switch (sectionCode(section.descriptor)) {
      case SECTION.header:
        m.header = listOf(v);
        break;
      case SECTION.deliveryAnnotations:
        m.deliveryAnnotations = mapOf(v);
        break;
      case SECTION.messageAnnotations:
        m.messageAnnotations = mapOf(v);
        break;
      case SECTION.properties:
        m.properties = listOf(v);
        break;
      case SECTION.applicationProperties:
        m.applicationProperties = mapOf(v);
        break;
      case SECTION.data:
        if (v.t !== 'binary') throw new Amqp10Error('AMQP 1.0: a data section that is not binary');
        data.push(v.v);
        m.bodyKind = 'data';
        break;
      case SECTION.sequence:
        for (const x of listOf(v)) sequence.push(x);
        m.bodyKind = 'sequence';
        break;
      case SECTION.value:
        m.bodyKind = 'value';
        if (v.t === 'binary') m.body = v.v;
        else if (v.t === 'string') m.body = Buffer.from(v.v, 'utf8');
        else m.bodyValue = v;
        break;
      case SECTION.footer:
        m.footer = mapOf(v);
        break;
      default:
        throw new Amqp10Error(`AMQP 1.0: an unknown message section ${describe(section.descriptor)}`);
    }
  }
  if (m.bodyKind === 'data') m.body = data.length === 1 ? data[0]! : Buffer.concat(data);
  if (m.bodyKind === 'sequence') m.bodyValue = { t: 'list', v: sequence };
  return m;
}

const EMPTY = Buffer.alloc(0);

function describe(v: Amqp10Value): string {
  return v.t === 'ulong' ? `0x${v.v.toString(16)}` : v.t === 'symbol' ? v.v : v.t;
}

/** A value as plain JSON: 64-bit numbers as exact strings when they exceed doubles, bytes as { $base64 }. */
export function valueJson(v: Amqp10Value): unknown {
  switch (v.t) {
    case 'null':
      return null;
    case 'ulong':
    case 'long':
      return v.v >= BigInt(Number.MIN_SAFE_INTEGER) && v.v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.v) : v.v.toString();
    case 'timestamp':
      return timestampText(v.v);
    case 'binary':
      return { $base64: v.v.toString('base64') };
    case 'decimal32':
    case 'decimal64':
    case 'decimal128':
      return { [`$${v.t}`]: v.v.toString('hex') };
    case 'char':
      return String.fromCodePoint(v.v);
    case 'list':
    case 'array':
      return v.v.map(valueJson);
    case 'map':
      return Object.fromEntries(v.v.map(([k, x]) => [keyText(k), valueJson(x)]));
    case 'described':
      return { $descriptor: valueJson(v.descriptor), value: valueJson(v.v) };
    default:
      return v.v;
  }
}

/** A map key as text (application properties and annotations are keyed by strings or symbols). */
export function keyText(k: Amqp10Value): string {
  if (k.t === 'string' || k.t === 'symbol') return k.v;
  const j = valueJson(k);
  return typeof j === 'string' ? j : JSON.stringify(j);
}

export function timestampText(ms: bigint): string {
  const n = Number(ms);
  const d = new Date(n);
  return Number.isNaN(d.getTime()) ? ms.toString() : d.toISOString();
}
