import { gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { decompress as zstdPure } from 'fzstd';
import { RewindError } from '../../api/errors';
import type { Chunk } from './stream-protocol';

/**
 * The records of one stream chunk. A chunk's data is a run of entries: a simple entry is a
 * 32-bit size (top bit clear) and one message; a sub-entry batch (top bit set) holds several
 * messages, maybe compressed, that a publisher sent as one. Offsets count records, so a batch of
 * ten takes ten offsets.
 */

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
/** No batch may decompress to more than this: a decompression bomb stops here. */
const MAX_BATCH = 256 * 1024 * 1024;

type ZstdSync = (data: Buffer) => Buffer;
const zstdNative = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;

function inflate(codec: number, data: Buffer, where: string): Buffer {
  const name = CODECS[codec] ?? `codec ${codec}`;
  try {
    if (codec === 0) return data;
    if (codec === 1) return gunzipSync(data, { maxOutputLength: MAX_BATCH });
    if (codec === 4) {
      if (zstdNative) return zstdNative(data);
      const out = zstdPure(data);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    }
  } catch (e) {
    throw new RewindError('unsupported', `${where}: the ${name} batch could not be decompressed (${(e as Error).message})`, 'The chunk may be damaged.');
  }
  throw new RewindError(
    'unsupported',
    `${where} holds a ${name}-compressed batch, which Rewind cannot decompress yet`,
    'Publish uncompressed, gzip or zstd batches, or read this stream over AMQP, where the broker decompresses.',
  );
}

/**
 * Calls `each` with every record of the chunk whose offset is in [from, to], in order. Batches
 * wholly before `from` are skipped without being decompressed.
 */
export function forEachRecord(chunk: Chunk, from: bigint, to: bigint, each: (offset: bigint, message: Buffer) => void): void {
  const data = chunk.data;
  const first = chunk.first;
  // Offsets as plain numbers inside the chunk: bigint arithmetic per record is slow.
  const lo = from > first ? Number(from - first) : 0;
  const hiBig = to - first;
  if (hiBig < 0n) return;
  const hi = hiBig > BigInt(chunk.records) ? chunk.records : Number(hiBig);
  let index = 0;
  let at = 0;
  for (let e = 0; e < chunk.entries && index <= hi; e++) {
    if (at + 4 > data.length) throw damaged(chunk, 'an entry runs past the chunk');
    const head = data.readUInt32BE(at);
    if ((head & 0x80000000) === 0) {
      const end = at + 4 + head;
      if (end > data.length) throw damaged(chunk, 'a message runs past the chunk');
      if (index >= lo) each(first + BigInt(index), data.subarray(at + 4, end));
      index++;
      at = end;
      continue;
    }
    // A sub-entry batch: flag and codec (1 byte), record count, uncompressed size, size, data.
    const codec = (data[at]! >> 4) & 0x07;
    const count = data.readUInt16BE(at + 1);
    const size = data.readUInt32BE(at + 7);
    const end = at + 11 + size;
    if (end > data.length) throw damaged(chunk, 'a batch runs past the chunk');
    if (index + count > lo) {
      const batch = inflate(codec, data.subarray(at + 11, end), `the chunk at offset ${first}`);
      let p = 0;
      for (let i = 0; i < count; i++, index++) {
        const n = batch.readUInt32BE(p);
        if (index >= lo && index <= hi) each(first + BigInt(index), batch.subarray(p + 4, p + 4 + n));
        p += 4 + n;
      }
    } else index += count;
    at = end;
  }
}

function damaged(chunk: Chunk, what: string): RewindError {
  return new RewindError('damaged', `The stream chunk at offset ${chunk.first} is damaged: ${what}`, 'Read this range over AMQP, or check the broker’s logs.');
}
