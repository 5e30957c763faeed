import { createRequire, Module } from 'node:module';

/**
 * kafkajs 2.2.4 writes records with two flaws Rewind must not carry into what it produces:
 * a header with a null value throws (it measures the value before checking for null), and
 * headers travel as an object, so duplicate keys interleaved with others lose their order.
 *
 * This installs, before kafkajs first loads it, a record encoder with both fixed: null values are
 * written as Kafka writes them (length -1), and a headers object that carries `ORDERED_HEADERS`
 * is written in exactly that order. Everything else is kafkajs's encoder as it is (MIT licence).
 */
export const ORDERED_HEADERS = Symbol.for('rewind.orderedHeaders');

type HeaderPair = [string, Buffer | string | null];
type Headers = Record<string, Buffer | string | null | (Buffer | string | null)[]> & { [ORDERED_HEADERS]?: HeaderPair[] };

interface EncoderInstance {
  writeVarInt(n: number): EncoderInstance;
  writeInt8(n: number): EncoderInstance;
  writeVarLong(n: unknown): EncoderInstance;
  writeVarIntBytes(b: unknown): EncoderInstance;
  writeVarIntString(s: string): EncoderInstance;
  writeVarIntArray(a: unknown[]): EncoderInstance;
}
interface EncoderClass {
  new (): EncoderInstance;
  sizeOfVarInt(n: number): number;
  sizeOfVarLong(n: unknown): number;
  sizeOfVarIntBytes(b: unknown): number;
}

/** Ordered headers for kafkajs: an object it accepts, carrying the exact order for this encoder. */
export function orderedHeaders(pairs: HeaderPair[]): Headers {
  const headers: Headers = {};
  for (const [k, v] of pairs) {
    const existing = headers[k];
    headers[k] = existing === undefined ? v : Array.isArray(existing) ? [...existing, v] : [existing, v];
  }
  Object.defineProperty(headers, ORDERED_HEADERS, { value: pairs, enumerable: false });
  return headers;
}

let installed = false;

export function installRecordEncoder(): void {
  if (installed) return;
  installed = true;
  const kafkaRequire = createRequire(require.resolve('kafkajs'));
  const path = kafkaRequire.resolve('./src/protocol/recordBatch/record/v0/index.js');
  if (require.cache[path]) return; // already loaded by someone: leave kafkajs as it is
  const Encoder = kafkaRequire('./src/protocol/encoder') as EncoderClass;
  const size = (v: Buffer | string | null) => (v === null ? Encoder.sizeOfVarInt(-1) : Encoder.sizeOfVarInt(Buffer.byteLength(v)) + Buffer.byteLength(v));
  const header = ({ key, value }: { key: string; value: Buffer | string | null }) => new Encoder().writeVarIntString(key).writeVarIntBytes(value);
  const encodeRecord = ({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }: { offsetDelta?: number; timestampDelta?: unknown; key: unknown; value: unknown; headers?: Headers }) => {
    const pairs: HeaderPair[] =
      headers[ORDERED_HEADERS] ??
      Object.keys(headers).flatMap((k) => {
        const v = headers[k]!;
        return Array.isArray(v) ? v.map((x): HeaderPair => [k, x]) : [[k, v] as HeaderPair];
      });
    const sizeOfHeaders = pairs.reduce((n, [k, v]) => n + size(k) + size(v), Encoder.sizeOfVarInt(pairs.length));
    const sizeOfBody = 1 + Encoder.sizeOfVarLong(timestampDelta) + Encoder.sizeOfVarInt(offsetDelta) + Encoder.sizeOfVarIntBytes(key) + Encoder.sizeOfVarIntBytes(value) + sizeOfHeaders;
    return new Encoder()
      .writeVarInt(sizeOfBody)
      .writeInt8(0)
      .writeVarLong(timestampDelta)
      .writeVarInt(offsetDelta)
      .writeVarIntBytes(key)
      .writeVarIntBytes(value)
      .writeVarIntArray(pairs.map(([k, v]) => header({ key: k, value: v })));
  };
  const m = new Module(path);
  m.filename = path;
  m.loaded = true;
  m.exports = encodeRecord;
  require.cache[path] = m;
}
