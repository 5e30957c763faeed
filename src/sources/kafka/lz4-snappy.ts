import { crc32c } from '../checksums';

/**
 * lz4 frames and snappy (raw, xerial-framed, and the framing format) decoded here in plain
 * JavaScript, against the bytes they have and an output limit. Not the WebAssembly decoders of
 * @platformatic/wasm-utils: each damaged input traps inside them ('unreachable'), an lz4 trap
 * leaks about 75 KB of their memory, and after some thousands of traps the module's memory is
 * corrupt and every later call fails, valid input included, until the process restarts.
 */

/** Output that would pass the caller's limit; `what` says how ("decompresses to"). */
export class OutputLimit extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

function cut(what: string): Error {
  return new Error(`${what} cut short`);
}

/** Copies `len` bytes from `from` to `op` inside `out`, overlapping forward as LZ77 copies do. */
function copyMatch(out: Buffer, op: number, from: number, len: number): void {
  if (len <= 32) {
    for (let k = 0; k < len; k++) out[op + k] = out[from + k]!;
    return;
  }
  // A match closer than its length repeats its last `op - from` bytes: copied in runs that double,
  // each from what is already written, a run of a million zeros takes twenty copies, not a
  // million steps (text with long repeats, such as padding, took most of a fetch's time).
  let step = op - from;
  for (let done = 0; done < len;) {
    const n = Math.min(step, len - done);
    out.copyWithin(op + done, op + done - step, op + done - step + n);
    done += n;
    step *= 2;
  }
}

// --- lz4 ------------------------------------------------------------------------------------------

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];
const isSkippable = (magic: number) => magic >>> 4 === 0x184d2a5;

interface Lz4Frame {
  /** Where its first block starts, and its flags and block maximum. */
  blocks: number;
  flags: number;
  blockMax: number;
}

/**
 * Walks an lz4 stream's frames (the frame format: magic, flags, block maximum, optional content
 * size and dictionary id, header checksum, then blocks until an end mark) without decoding: the
 * frames, and the most they can decompress to (a stored block its size, a compressed one its
 * frame's block maximum). Refuses before anything is allocated when that passes `max`.
 */
function lz4Frames(d: Buffer, max: number): { frames: Lz4Frame[]; bound: number } {
  let at = 0;
  let bound = 0;
  const frames: Lz4Frame[] = [];
  const need = (n: number) => {
    if (at + n > d.length) throw cut('an lz4 frame');
  };
  while (at < d.length) {
    need(4);
    const magic = d.readUInt32LE(at);
    if (isSkippable(magic)) {
      need(8);
      at += 8 + d.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== LZ4_MAGIC) throw new Error('not an lz4 frame');
    need(7);
    const flags = d[at + 4]!;
    const blockMax = LZ4_BLOCK_MAX[(d[at + 5]! >> 4) & 7]!;
    if (flags >> 6 !== 1 || blockMax === 0) throw new Error('an lz4 frame of an unknown version or block size');
    at += 6;
    if (flags & 0x08) {
      need(8);
      if (Number(d.readBigUInt64LE(at)) > max) throw new OutputLimit('decompresses to');
      at += 8;
    }
    at += (flags & 0x01 ? 4 : 0) + 1; // dictionary id, header checksum
    frames.push({ blocks: at, flags, blockMax });
    for (;;) {
      need(4);
      const word = d.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw new Error('an lz4 block larger than its frame allows');
      at += size + (flags & 0x10 ? 4 : 0);
      need(0);
      bound += word >>> 31 ? size : blockMax;
      if (bound > max) throw new OutputLimit('decompresses to');
    }
    at += flags & 0x04 ? 4 : 0; // content checksum
  }
  if (at > d.length) throw cut('an lz4 frame');
  return { frames, bound };
}

/** The most an lz4 stream can decompress to, from its frame and block headers (refused past `max`). */
export const lz4Bound = (d: Buffer, max: number): number => lz4Frames(d, max).bound;

/**
 * One lz4 block (sequences of literals and matches) from src[ip, end) into `out` at `op`, never
 * past `limit`; a match may reach back to `floor` (the block's start when blocks are independent).
 */
function lz4Block(src: Buffer, ip: number, end: number, out: Buffer, op: number, limit: number, floor: number): number {
  for (;;) {
    if (ip >= end) throw cut('an lz4 block');
    const token = src[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= end) throw cut('an lz4 block');
        b = src[ip++]!;
        lit += b;
      } while (b === 255);
    }
    if (ip + lit > end || op + lit > limit) throw new Error('an lz4 literal run past its block');
    if (lit > 16) src.copy(out, op, ip, ip + lit);
    else for (let k = 0; k < lit; k++) out[op + k] = src[ip + k]!;
    ip += lit;
    op += lit;
    if (ip === end) return op; // the last sequence is literals only
    if (ip + 2 > end) throw cut('an lz4 block');
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || op - offset < floor) throw new Error('an lz4 match reaching before its data');
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (ip >= end) throw cut('an lz4 block');
        b = src[ip++]!;
        len += b;
      } while (b === 255);
    }
    if (op + len > limit) throw new Error('an lz4 block larger than its frame allows');
    copyMatch(out, op, op - offset, len);
    op += len;
  }
}

/** An lz4 stream of frames (what Kafka's producers and RabbitMQ's stream client write), at most `max` bytes out. */
export function lz4(data: Buffer, max: number): Buffer {
  const { frames, bound } = lz4Frames(data, max);
  const out = Buffer.allocUnsafe(bound);
  let op = 0;
  for (const frame of frames) {
    let at = frame.blocks;
    const frameStart = op;
    for (;;) {
      const word = data.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      const limit = Math.min(out.length, op + frame.blockMax);
      if (word >>> 31) {
        data.copy(out, op, at, at + size);
        op += size;
      } else {
        // Linked blocks (the default of the frame format) may copy from the frame's earlier output.
        op = lz4Block(data, at, at + size, out, op, limit, frame.flags & 0x20 ? op : frameStart);
      }
      at += size + (frame.flags & 0x10 ? 4 : 0);
    }
  }
  return out.subarray(0, op);
}

// --- snappy -----------------------------------------------------------------------------------------

/** A raw snappy block's declared length (its leading varint) and where its elements start. */
function snappyPreamble(block: Buffer): [number, number] {
  let n = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    n += (block[i]! & 0x7f) * 2 ** (7 * i);
    if ((block[i]! & 0x80) === 0) return [n, i + 1];
  }
  throw new Error('a snappy block without a length');
}

/** One raw snappy block: literals and copies, exactly as long as its preamble says, at most `room` bytes. */
export function snappyBlock(src: Buffer, room: number): Buffer {
  const [n, start] = snappyPreamble(src);
  if (n > room) throw new OutputLimit('decompresses to');
  const out = Buffer.allocUnsafe(n);
  const end = src.length;
  let ip = start;
  let op = 0;
  while (ip < end) {
    const tag = src[ip++]!;
    let len: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        len = tag >>> 2;
        if (len >= 60) {
          const k = len - 59;
          if (ip + k > end) throw cut('a snappy block');
          len = src.readUIntLE(ip, k);
          ip += k;
        }
        len += 1;
        if (ip + len > end || op + len > n) throw new Error('a snappy literal past its block');
        if (len > 16) src.copy(out, op, ip, ip + len);
        else for (let k = 0; k < len; k++) out[op + k] = src[ip + k]!;
        ip += len;
        op += len;
        continue;
      }
      case 1:
        if (ip >= end) throw cut('a snappy block');
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | src[ip++]!;
        break;
      case 2:
        if (ip + 2 > end) throw cut('a snappy block');
        len = (tag >>> 2) + 1;
        offset = src.readUInt16LE(ip);
        ip += 2;
        break;
      default:
        if (ip + 4 > end) throw cut('a snappy block');
        len = (tag >>> 2) + 1;
        offset = src.readUInt32LE(ip);
        ip += 4;
    }
    if (offset === 0 || offset > op || op + len > n) throw new Error('a snappy copy out of its block');
    copyMatch(out, op, op - offset, len);
    op += len;
  }
  if (op !== n) throw new Error(`a snappy block that says ${n} bytes holds ${op}`);
  return out;
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const FRAMED_MAGIC = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);

/** The framing format's checksum: the CRC-32C of the data, rotated and offset. */
function masked(data: Buffer): number {
  const c = crc32c(data);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/**
 * What a snappy input says it decompresses to, without decoding: a raw block's declared length,
 * the sum of xerial's, 64 KB for each frame of the framing format (its most).
 */
export function snappyDeclared(data: Buffer): number {
  if (data.length >= 16 && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    let total = 0;
    for (let at = 16; at + 4 <= data.length;) {
      const size = data.readInt32BE(at);
      if (size < 0 || at + 4 + size > data.length) break;
      total += snappyPreamble(data.subarray(at + 4, at + 4 + size))[0];
      at += 4 + size;
    }
    return total;
  }
  if (data.length >= FRAMED_MAGIC.length && data.subarray(0, FRAMED_MAGIC.length).equals(FRAMED_MAGIC)) {
    let total = 0;
    for (let at = 0; at + 4 <= data.length; at += 4 + data.readUIntLE(at + 1, 3)) total += 65_536;
    return total;
  }
  return snappyPreamble(data)[0];
}

/**
 * Snappy as each client frames it: raw (librdkafka), xerial's blocks (Java's Kafka producer), or
 * the framing format (RabbitMQ's stream Java client), at most `max` bytes out.
 */
export function snappy(data: Buffer, max: number): Buffer {
  const blocks: Buffer[] = [];
  let total = 0;
  const add = (b: Buffer) => {
    total += b.length;
    blocks.push(b);
  };
  if (data.length >= 16 && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    let at = 16; // magic, version, compatible version
    while (at + 4 <= data.length) {
      const size = data.readInt32BE(at);
      at += 4;
      if (size < 0 || at + size > data.length) throw new Error('a xerial snappy block runs past the batch');
      add(snappyBlock(data.subarray(at, at + size), max - total));
      at += size;
    }
  } else if (data.length >= FRAMED_MAGIC.length && data.subarray(0, FRAMED_MAGIC.length).equals(FRAMED_MAGIC)) {
    let at = 0;
    while (at < data.length) {
      if (at + 4 > data.length) throw cut('a snappy frame');
      const type = data[at]!;
      const size = data.readUIntLE(at + 1, 3);
      const body = data.subarray(at + 4, at + 4 + size);
      if (body.length !== size) throw new Error('a snappy frame runs past the batch');
      at += 4 + size;
      if (type === 0x00 || type === 0x01) {
        if (size < 4) throw new Error('a snappy frame without its checksum');
        // At most 64 KB a frame, by the format.
        const out = type === 0x00 ? snappyBlock(body.subarray(4), Math.min(65_536, max - total)) : body.subarray(4);
        if (out.length > max - total) throw new OutputLimit('decompresses to');
        if (masked(out) !== body.readUInt32LE(0)) throw new Error('a snappy frame fails its CRC-32C check');
        add(out);
      } else if (type >= 0x02 && type <= 0x7f) {
        throw new Error(`a snappy frame of reserved type ${type}`);
      } // 0x80–0xfe may be skipped; 0xff names the stream
    }
  } else {
    return snappyBlock(data, max);
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks, total);
}
