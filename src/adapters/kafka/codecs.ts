import { gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { lz4Decompress, snappyDecompress } from '@platformatic/wasm-utils/bundled';
import { decompress as zstdPure } from 'fzstd';
import { RewindError } from '../../api/errors';

/** Kafka's compression codecs, by the id in a batch's attributes (bits 0–2). */
export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** No decompressed batch may be larger than this: a decompression bomb stops here. */
const MAX_DECOMPRESSED = 256 * 1024 * 1024;

// Java's producer (snappy-java) frames snappy blocks the xerial way; librdkafka writes raw snappy.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function snappy(data: Buffer): Buffer {
  if (data.length >= 16 && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    const blocks: Buffer[] = [];
    let at = 16; // magic, version, compatible version
    let total = 0;
    while (at + 4 <= data.length) {
      const size = data.readInt32BE(at);
      at += 4;
      if (size < 0 || at + size > data.length) throw new Error('a xerial snappy block runs past the batch');
      const block = snappyDecompress(data.subarray(at, at + size));
      total += block.length;
      if (total > MAX_DECOMPRESSED) throw new Error('decompresses to more than 256 MB');
      blocks.push(block);
      at += size;
    }
    return Buffer.concat(blocks);
  }
  return snappyDecompress(data);
}

type ZstdSync = (data: Buffer) => Buffer;
const zstdNative = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;

function zstd(data: Buffer): Buffer {
  // Node 22.15+ (the desktop app's runtime) has zstd built in; Node 20 uses a pure-JS decoder.
  if (zstdNative) return zstdNative(data);
  const out = zstdPure(data);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

const DECODERS: Record<number, (data: Buffer) => Buffer> = {
  1: (data) => gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED }),
  2: snappy,
  3: (data) => lz4Decompress(data),
  4: zstd,
};

/**
 * The records of a compressed batch, decompressed. A codec that fails says which codec and
 * where, so one bad batch reads as "lz4 batch at offset 120 could not be decompressed".
 */
export function decompress(codec: number, data: Buffer, where: string): Buffer {
  const decode = DECODERS[codec];
  const name = CODEC_NAMES[codec] ?? `codec ${codec}`;
  if (!decode) throw new RewindError('unsupported', `${where} is compressed with ${name}, which Rewind cannot decompress`, 'Kafka knows gzip, snappy, lz4 and zstd; this batch names another codec.');
  let out: Buffer;
  try {
    out = decode(data);
  } catch (e) {
    throw new RewindError(
      'unsupported',
      `${where}: the ${name} batch could not be decompressed (${(e as Error).message})`,
      'The batch may be damaged, or written by a client with a non-standard framing.',
    );
  }
  if (out.length > MAX_DECOMPRESSED) throw new RewindError('limit', `${where}: the ${name} batch decompresses to more than 256 MB`);
  return out;
}
