import { gzipSync } from 'node:zlib';
import { crc32c } from '@platformatic/wasm-utils/bundled';

/**
 * Kafka record batches (magic 2) written here from the protocol's description, for decoder test
 * input only: the CRC-32C comes from @platformatic/wasm-utils, never from Rewind's code. Records
 * written by real producers come from kcat and Kafka's Java producer in the integration tests.
 */

export function varint(n: number): Buffer {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
  return Buffer.from(out);
}
const vbytes = (b: Buffer | null) => (b === null ? varint(-1) : Buffer.concat([varint(b.length), b]));

export interface TestRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer | null][];
}

/** The records part of a batch, uncompressed. */
export function recordsBody(records: TestRecord[]): Buffer {
  return Buffer.concat(
    records.map((r, i) => {
      const inner = Buffer.concat([
        Buffer.from([0]),
        varint(i),
        varint(i),
        vbytes(r.key),
        vbytes(r.value),
        varint(r.headers.length),
        ...r.headers.map(([k, v]) => Buffer.concat([vbytes(Buffer.from(k)), vbytes(v)])),
      ]);
      return Buffer.concat([varint(inner.length), inner]);
    }),
  );
}

/**
 * A whole batch around `recordsPart` (already compressed with `codec` when it is not 0), claiming
 * `count` records; its CRC-32C is right unless `crc` says otherwise.
 */
export function batchAround(recordsPart: Buffer, options: { codec?: number; count: number; baseOffset?: bigint; crc?: number }): Buffer {
  const head = Buffer.alloc(61);
  head.writeBigInt64BE(options.baseOffset ?? 100n, 0);
  head.writeInt32BE(49 + recordsPart.length, 8);
  head.writeInt8(2, 16);
  head.writeInt16BE(options.codec ?? 0, 21);
  head.writeInt32BE(Math.max(0, options.count - 1), 23);
  head.writeBigInt64BE(1_700_000_000_000n, 27);
  head.writeBigInt64BE(1_700_000_000_000n, 35);
  head.writeBigInt64BE(-1n, 43);
  head.writeInt16BE(-1, 51);
  head.writeInt32BE(-1, 53);
  head.writeInt32BE(options.count, 57);
  const whole = Buffer.concat([head, recordsPart]);
  whole.writeUInt32BE(options.crc ?? crc32c(whole.subarray(21)), 17);
  return whole;
}

/** A batch of `records`, gzip-compressed when codec is 1. */
export function batch(records: TestRecord[], codec: 0 | 1 = 0): Buffer {
  const body = recordsBody(records);
  return batchAround(codec === 1 ? gzipSync(body) : body, { codec, count: records.length });
}
