import { gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { decompress as zstdPure } from 'fzstd';
import { RewindError } from '../../api/errors';
import { batchLimitBytes, overBatchLimit } from '../batch-limit';
import { lz4, OutputLimit, snappy } from './lz4-snappy';

/**
 * Kafka's compression codecs, by the id in a batch's attributes (bits 0–2). RabbitMQ streams
 * number their sub-entry codecs the same way and read through here too, so one output limit
 * (batch-limit.ts) holds for every codec on both paths. Each codec is sized before it runs, from
 * what its framing declares (a snappy block's length, lz4 and zstd block headers, a zstd window),
 * so a bomb is refused before its memory is taken; gzip and native zstd stop at the limit as they
 * go. lz4 and snappy are decoded in JavaScript (lz4-snappy.ts says why).
 */
export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

const tooLarge = (e: unknown) => (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
/** Most batches inflate to far less than this, in Node's default output pieces (16 KB). */
const GZIP_SMALL = 8 << 20;

/**
 * gzip (several members read as one stream), at most `max` bytes out. What passes 8 MB is
 * inflated again in 1 MB pieces: freed, those go back to the system, where a 256 MB bomb inflated
 * in 16 KB pieces left 266 MB of RSS behind for good (the allocator keeps small pieces).
 */
function gzip(data: Buffer, max: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: Math.min(max, GZIP_SMALL) });
  } catch (e) {
    if (!tooLarge(e)) throw e;
    if (max <= GZIP_SMALL) throw new OutputLimit('decompresses to');
  }
  try {
    return gunzipSync(data, { maxOutputLength: max, chunkSize: 1 << 20 });
  } catch (e) {
    if (tooLarge(e)) throw new OutputLimit('decompresses to');
    throw e;
  }
}

// --- zstd frames ------------------------------------------------------------------------------------

type ZstdSync = (data: Buffer, options?: { maxOutputLength?: number }) => Buffer;
const isSkippable = (magic: number) => magic >>> 4 === 0x184d2a5;
const zstdNative = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;
const ZSTD_BLOCK_MAX = 128 * 1024;
const ZSTD_WINDOW_ALWAYS = 8 << 20;

/**
 * Walks a zstd stream's frames and block headers (RFC 8878) without decoding: the most it can
 * decompress to (raw and RLE blocks their size, compressed ones the block maximum) and the
 * largest buffer a decoder allocates up front (the content size, else the window).
 */
function zstdPlan(d: Buffer, max: number): void {
  let at = 0;
  let bound = 0;
  const need = (n: number) => {
    if (at + n > d.length) throw new Error('a zstd frame cut short');
  };
  while (at < d.length) {
    need(4);
    const magic = d.readUInt32LE(at);
    if (isSkippable(magic)) {
      need(8);
      at += 8 + d.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== 0xfd2fb528) throw new Error('not a zstd frame');
    need(5);
    const descriptor = d[at + 4]!;
    at += 5;
    if (descriptor & 0x08) throw new Error('a zstd frame with its reserved bit set');
    const single = (descriptor >> 5) & 1;
    let window = 0;
    if (!single) {
      need(1);
      const w = d[at++]!;
      const base = 2 ** (10 + (w >> 3));
      window = base + (base / 8) * (w & 7);
    }
    at += [0, 1, 2, 4][descriptor & 3]!; // dictionary id
    const sizeBytes = [single, 2, 4, 8][descriptor >> 6]!;
    need(sizeBytes);
    const content = sizeBytes === 0 ? null : sizeBytes === 1 ? d[at]! : sizeBytes === 2 ? d.readUInt16LE(at) + 256 : sizeBytes === 4 ? d.readUInt32LE(at) : Number(d.readBigUInt64LE(at));
    at += sizeBytes;
    if (single) window = content ?? 0;
    // A decoder allocates the content size, or else the window: a window of 8 MB (what zstd
    // streams with up to level 19) is always allowed, a larger one only within the limit.
    if (content !== null ? content > max : window > Math.max(max, ZSTD_WINDOW_ALWAYS)) throw new OutputLimit(content === null ? 'needs a window of' : 'decompresses to');
    const blockMax = Math.min(window, ZSTD_BLOCK_MAX);
    for (let last = 0; !last;) {
      need(3);
      const h = d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16);
      at += 3;
      last = h & 1;
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      if (type === 3) throw new Error('a zstd block of the reserved type');
      at += type === 1 ? 1 : size;
      need(0);
      bound += type === 2 ? blockMax : size;
      if (bound > max) throw new OutputLimit('decompresses to');
    }
    at += descriptor & 0x04 ? 4 : 0; // content checksum
  }
  if (at > d.length) throw new Error('a zstd frame cut short');
}

function zstd(data: Buffer, max: number): Buffer {
  zstdPlan(data, max);
  // Node 22.15+ (the desktop app's runtime) has zstd built in; Node 20 uses a pure-JS decoder.
  if (zstdNative) {
    try {
      return zstdNative(data, { maxOutputLength: max });
    } catch (e) {
      if (tooLarge(e)) throw new OutputLimit('decompresses to');
      throw e;
    }
  }
  const out = zstdPure(data);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

const DECODERS: Record<number, (data: Buffer, max: number) => Buffer> = { 1: gzip, 2: snappy, 3: lz4, 4: zstd };

/**
 * The records of a compressed batch, decompressed. A codec that fails says which codec and
 * where, so one bad batch reads as "lz4 batch at offset 120 could not be decompressed"; one
 * that would pass the batch limit is refused, naming the limit and how to raise it.
 */
export function decompress(codec: number, data: Buffer, where: string): Buffer {
  const decode = DECODERS[codec];
  const name = CODEC_NAMES[codec] ?? `codec ${codec}`;
  if (!decode) throw new RewindError('unsupported', `${where} is compressed with ${name}, which Rewind cannot decompress`, 'The codecs are gzip, snappy, lz4 and zstd; this batch names another.');
  const max = batchLimitBytes();
  let out: Buffer;
  try {
    out = decode(data, max);
  } catch (e) {
    if (e instanceof OutputLimit) throw overBatchLimit(`${where}: the ${name} batch ${e.what}`);
    throw new RewindError(
      'unsupported',
      `${where}: the ${name} batch could not be decompressed (${(e as Error).message})`,
      'The batch may be damaged, or written by a client with a non-standard framing.',
    );
  }
  if (out.length > max) throw overBatchLimit(`${where}: the ${name} batch decompresses to`);
  return out;
}
