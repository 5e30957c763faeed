import { gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { decompress as zstdPure } from 'fzstd';
import { RewindError } from '../../model/errors';
import { batchLimitBytes, overBatchLimit } from '../batch-limit';
import { inflateOffThread } from './inflate-pool';
import { lz4, lz4Bound, OutputLimit, snappy, snappyDeclared } from './lz4-snappy';

/**
 * Kafka's compression codecs, by the id in a batch's attributes (bits 0–2). RabbitMQ streams
 * number their sub-entry codecs the same way and read through here too, so one output limit
 * (batch-limit.ts) holds for every codec on both paths. Each codec is sized before it runs, from
 * what its framing declares (a snappy block's length, lz4 and zstd block headers, a zstd window),
 * so a bomb is refused before its memory is taken; gzip and native zstd stop at the limit as they
 * go. lz4 and snappy are decoded in JavaScript (lz4-snappy.ts says why).
 *
 * decompressAsync is what reads use: a batch whose headers plan more than a few MB of output (or
 * a gzip one past 8 MB) is decompressed in a worker thread (inflate-pool.ts), so a 256 MB batch
 * does not hold the core for the second it takes; smaller ones stay inline, where they cost less
 * than the hop to a thread.
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
  return gzipSmall(data, max) ?? gzipLarge(data, max);
}

/** gzip that inflates to at most 8 MB; null when it inflates to more and the limit allows more. */
function gzipSmall(data: Buffer, max: number): Buffer | null {
  try {
    return gunzipSync(data, { maxOutputLength: Math.min(max, GZIP_SMALL) });
  } catch (e) {
    if (!tooLarge(e)) throw e;
    if (max <= GZIP_SMALL) throw new OutputLimit('decompresses to');
    return null;
  }
}

/**
 * Past 8 MB: inflated in pieces of `piece` bytes. On the main thread 1 MB (see gzip()). In a
 * decompression thread 33 MB: the C library gives a thread's pieces smaller than its largest
 * mapping threshold (32 MB) from that thread's own heap and kept them, 250 MB of RSS after a
 * refused bomb, where pieces mapped on their own went back at once (60 MB).
 */
function gzipLarge(data: Buffer, max: number, piece = 1 << 20): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: max, chunkSize: piece });
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
 * decompress to (raw and RLE blocks their size, compressed ones the block maximum), the sizes its
 * frames declare (null when one does not), and the largest buffer a decoder allocates up front
 * (the content size, else the window), each refused past `max`.
 */
function zstdPlan(d: Buffer, max: number): { bound: number; declared: number | null } {
  let at = 0;
  let bound = 0;
  let declared: number | null = 0;
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
    declared = content === null || declared === null ? null : declared + content;
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
  return { bound, declared };
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

/** What the decompression thread runs: gzip comes to it only past 8 MB, so it starts there. */
export function decodeOffThread(codec: number, data: Buffer, max: number): Buffer {
  const decode = codec === 1 ? (d: Buffer, m: number) => gzipLarge(d, m, 33 << 20) : DECODERS[codec];
  if (!decode) throw new Error(`codec ${codec}`);
  return decode(data, max);
}

/**
 * Outputs planned past this go to a thread; below it the hop costs more than decoding inline. A
 * librdkafka lz4 batch of 10,000 small JSON records is about 4 MB out: inline in JavaScript that
 * held the core 50 to 150 ms on a loaded machine, so the line is at 1 MB (about 3 ms inline).
 */
const INLINE_MAX = 1 << 20;

/** The most a batch decompresses to by its headers alone; null when they do not say (gzip) or cannot be read (decoding then says why). */
function planned(codec: number, data: Buffer, max: number): number | null {
  try {
    if (codec === 2) return snappyDeclared(data);
    if (codec === 3) return lz4Bound(data, max);
    if (codec === 4) {
      const plan = zstdPlan(data, max);
      return plan.declared ?? plan.bound;
    }
  } catch {
    // A bomb or a damaged header: decoding inline refuses it at once, with the reason.
  }
  return null;
}

/** A codec's failure in the words every reader uses: over the limit, or what could not be decompressed where. */
function failed(e: unknown, name: string, where: string): Error {
  if (e instanceof OutputLimit) return overBatchLimit(`${where}: the ${name} batch ${e.what}`);
  if (e instanceof RewindError || (e as Error).name === 'AbortError') return e as Error;
  return new RewindError(
    'unsupported',
    `${where}: the ${name} batch could not be decompressed (${(e as Error).message})`,
    'The batch may be damaged, or written by a client with a non-standard framing.',
  );
}

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
    throw failed(e, name, where);
  }
  if (out.length > max) throw overBatchLimit(`${where}: the ${name} batch decompresses to`);
  return out;
}

/**
 * decompress(), with a large output made in a worker thread while the core goes on: the same
 * limit, the same errors. A read that is cancelled while its batch waits for a thread stops there.
 */
export async function decompressAsync(codec: number, data: Buffer, where: string, signal?: AbortSignal): Promise<Buffer> {
  if (!DECODERS[codec]) return decompress(codec, data, where);
  const name = CODEC_NAMES[codec]!;
  const max = batchLimitBytes();
  if (codec === 1) {
    let small: Buffer | null;
    try {
      small = gzipSmall(data, max);
    } catch (e) {
      throw failed(e, name, where);
    }
    if (small) return small;
  } else {
    const plan = planned(codec, data, max);
    if (plan === null || plan <= INLINE_MAX) return decompress(codec, data, where);
  }
  let out: Buffer;
  try {
    out = await inflateOffThread(codec, data, max, signal);
  } catch (e) {
    throw failed(e, name, where);
  }
  if (out.length > max) throw overBatchLimit(`${where}: the ${name} batch decompresses to`);
  return out;
}
