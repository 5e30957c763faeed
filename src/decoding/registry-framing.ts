import type { SchemaRef } from '../model/decoded';

export interface RawHeader {
  name: string;
  bytes: Uint8Array | null;
}

/** Where a registry-written value names its schema, and where its own bytes start. */
export interface Framing {
  id: number;
  idKind: SchemaRef['idKind'];
  /** The first byte after the framing (Protobuf's message indexes come next in the Confluent format). */
  at: number;
  why: string;
}

/**
 * How a registry-aware serializer marked a value: Confluent's wire format (magic byte 0, a 4-byte
 * big-endian schema id, the value) or Apicurio's header mode (`apicurio.value.globalId` /
 * `apicurio.key.globalId`, an 8-byte big-endian long; the value bare). Null: neither.
 */
export function framingOf(bytes: Uint8Array, headers: readonly RawHeader[], part: 'value' | 'key'): Framing | null {
  const header = headers.find((h) => h.name === `apicurio.${part}.globalId`);
  if (header?.bytes) {
    const id = longHeader(header.bytes);
    if (id !== null) return { id, idKind: 'global id', at: 0, why: `Apicurio header apicurio.${part}.globalId = ${id}` };
  }
  if (bytes.length >= 5 && bytes[0] === 0) {
    const id = new DataView(bytes.buffer, bytes.byteOffset, 5).getInt32(1);
    return { id, idKind: 'schema id', at: 5, why: `Confluent wire format: magic byte 0, schema id ${id}` };
  }
  return null;
}

/** Apicurio writes ids as 8-byte longs; a text number is taken too. */
function longHeader(b: Uint8Array): number | null {
  if (b.length === 8) {
    const n = new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0);
    return n >= 0n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
  }
  const text = Buffer.from(b).toString('utf8');
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}
