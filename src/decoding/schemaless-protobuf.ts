import { printableText } from '../model/payload';

/**
 * Protobuf without its schema: field numbers and wire types, as `protoc --decode_raw` shows them.
 * Bytes are read as such only when every field parses and the message ends exactly at the end:
 * a length-delimited field is shown as a nested message when it is one, text when it is printable,
 * base64 otherwise. Keys read `<field>:<wire type>`; a repeated field gives an array.
 */
const WIRE = ['varint', 'i64', 'len', 'sgroup', 'egroup', 'i32'] as const;
const MAX_DEPTH = 16;

export function schemalessProtobuf(bytes: Uint8Array, depth = 0): Record<string, unknown> | null {
  if (bytes.length === 0 || depth > MAX_DEPTH) return null;
  const out: Record<string, unknown> = {};
  let at = 0;
  while (at < bytes.length) {
    const tag = varint(bytes, at);
    if (!tag) return null;
    at = tag.next;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (field < 1 || field > 536_870_911 || (wire !== 0 && wire !== 1 && wire !== 2 && wire !== 5)) return null;
    let value: unknown;
    if (wire === 0) {
      const v = varint(bytes, at);
      if (!v) return null;
      value = v.value;
      at = v.next;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (at + size > bytes.length) return null;
      const view = new DataView(bytes.buffer, bytes.byteOffset + at, size);
      value = wire === 1 ? view.getBigUint64(0, true).toString() : view.getUint32(0, true);
      at += size;
    } else {
      const len = varint(bytes, at);
      if (!len || len.next + len.value > bytes.length) return null;
      const inner = bytes.subarray(len.next, len.next + len.value);
      value = lengthDelimited(inner, depth);
      at = len.next + len.value;
    }
    const key = `${field}:${WIRE[wire]}`;
    const before = out[key];
    out[key] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return out;
}

function lengthDelimited(inner: Uint8Array, depth: number): unknown {
  const text = inner.length > 0 ? printableText(inner) : '';
  if (text !== null) return text;
  return schemalessProtobuf(inner, depth + 1) ?? Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength).toString('base64');
}

/** A varint up to 2^53 (larger: not taken as Protobuf here). */
function varint(b: Uint8Array, at: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && at + i < b.length; i++) {
    const byte = b[at + i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value > Number.MAX_SAFE_INTEGER ? null : { value, next: at + i + 1 };
    scale *= 128;
  }
  return null;
}
