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
}

/** Why a value was taken as registry-written, in words (made only for what is shown, not per record scanned). */
export function framingWhy(f: Framing, part: 'value' | 'key'): string {
  return f.idKind === 'global id' ? `Apicurio header apicurio.${part}.globalId = ${f.id}` : `Confluent wire format: magic byte 0, schema id ${f.id}`;
}

/**
 * How a registry-aware serializer marked a value: Confluent's wire format (magic byte 0, a 4-byte
 * big-endian schema id, the value) or Apicurio's header mode (`apicurio.value.globalId` /
 * `apicurio.key.globalId`, an 8-byte big-endian long; the value bare). Null: neither.
 */
export function framingOf(bytes: Uint8Array, headers: readonly RawHeader[], part: 'value' | 'key'): Framing | null {
  if (headers.length > 0) {
    const name = part === 'value' ? 'apicurio.value.globalId' : 'apicurio.key.globalId';
    const header = headers.find((h) => h.name === name);
    if (header?.bytes) {
      const id = longHeader(header.bytes);
      if (id !== null) return { id, idKind: 'global id', at: 0 };
    }
  }
  if (bytes.length >= 5 && bytes[0] === 0) return { id: (bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]! | 0, idKind: 'schema id', at: 5 };
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
