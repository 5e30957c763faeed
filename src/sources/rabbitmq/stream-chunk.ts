import { RewindError } from '../../model/errors';
import { crc32 } from '../checksums';
import { checksumInPieces, decodeInSlices, decodeNow, inflate, type Decoder } from '../decode-steps';
import type { Chunk } from './stream-protocol';

/**
 * The records of one stream chunk. A chunk's data is a run of entries: a simple entry is a
 * 32-bit size (top bit clear) and one message; a sub-entry batch (top bit set) holds several
 * messages, maybe compressed, that a publisher sent as one. Offsets count records, so a batch of
 * ten takes ten offsets. Sub-entry batches are decompressed by the same codecs as Kafka's record
 * batches (RabbitMQ numbers them the same way), under the same output limit. Each is one decoder
 * (decode-steps.ts) run two ways: at once, or in slices as reads do (a large batch decompressed
 * in a thread, a pause every few hundred records, a 256 MB chunk's checksum in pieces).
 */

/** Records between two places to pause. */
const PAUSE_EVERY = 256;

/**
 * Checks a delivered chunk before any of it is used: its data against the header's CRC-32 (as
 * osiris computed it when it wrote the chunk), and its entries against the header's counts, so
 * a chunk that claims 4 billion records or runs past its data is refused, not believed.
 */
export function verifyChunk(chunk: Chunk): void {
  decodeNow(checkChunk(chunk));
}

export function verifyChunkInSlices(chunk: Chunk, signal?: AbortSignal): Promise<void> {
  return decodeInSlices(checkChunk(chunk), signal);
}

function* checkChunk(chunk: Chunk): Decoder<void> {
  const data = chunk.data;
  const crc = yield* checksumInPieces(data, crc32);
  if (crc !== chunk.crc) throw damaged(chunk, `its data fails its CRC-32 check (the header says ${hex(chunk.crc)}, the data gives ${hex(crc)})`);
  let at = 0;
  let records = 0;
  for (let e = 0; e < chunk.entries; e++) {
    if (e % PAUSE_EVERY === PAUSE_EVERY - 1) yield null;
    if (at + 4 > data.length) throw damaged(chunk, 'an entry runs past the chunk');
    const head = data.readUInt32BE(at);
    if ((head & 0x80000000) === 0) {
      at += 4 + head;
      records++;
    } else {
      if (at + 11 > data.length) throw damaged(chunk, 'a batch runs past the chunk');
      records += data.readUInt16BE(at + 1);
      at += 11 + data.readUInt32BE(at + 7);
    }
    if (at > data.length) throw damaged(chunk, 'an entry runs past the chunk');
  }
  if (records !== chunk.records) throw damaged(chunk, `its header says ${chunk.records} records, its entries hold ${records}`);
  if (at !== data.length) throw damaged(chunk, `${data.length - at} bytes follow its last entry`);
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/**
 * Calls `each` with every record of the chunk whose offset is in [from, to], in order, until it
 * returns false. Batches wholly before `from` (or after a stop) are not decompressed.
 */
export type EachRecord = (offset: bigint, message: Buffer) => unknown;

export function forEachRecord(chunk: Chunk, from: bigint, to: bigint, each: EachRecord): void {
  decodeNow(chunkRecords(chunk, from, to, each));
}

/** forEachRecord in slices: what reads do, so that other calls go on meanwhile. */
export function forEachRecordInSlices(chunk: Chunk, from: bigint, to: bigint, each: EachRecord, signal?: AbortSignal): Promise<void> {
  return decodeInSlices(chunkRecords(chunk, from, to, each), signal);
}

function* chunkRecords(chunk: Chunk, from: bigint, to: bigint, each: EachRecord): Decoder<void> {
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
      if (index >= lo && each(first + BigInt(index), data.subarray(at + 4, end)) === false) return;
      if (index % PAUSE_EVERY === PAUSE_EVERY - 1) yield null;
      index++;
      at = end;
      continue;
    }
    // A sub-entry batch: flag and codec (1 byte), record count, uncompressed size, size, data.
    if (at + 11 > data.length) throw damaged(chunk, 'a batch runs past the chunk');
    const codec = (data[at]! >> 4) & 0x07;
    const count = data.readUInt16BE(at + 1);
    const size = data.readUInt32BE(at + 7);
    const end = at + 11 + size;
    if (end > data.length) throw damaged(chunk, 'a batch runs past the chunk');
    if (index + count > lo) {
      const body = data.subarray(at + 11, end);
      const batch = codec === 0 ? body : yield* inflate(codec, body, `the chunk at offset ${first}`);
      // Each record is a 32-bit size and its bytes: the count is checked against what is there.
      if (count * 4 > batch.length) throw damaged(chunk, `a batch claims ${count} records in ${batch.length} bytes`);
      let p = 0;
      for (let i = 0; i < count; i++, index++) {
        if (p + 4 > batch.length) throw damaged(chunk, 'a batch holds fewer records than it says');
        const n = batch.readUInt32BE(p);
        if (p + 4 + n > batch.length) throw damaged(chunk, 'a record runs past its batch');
        if (index >= lo && index <= hi && each(first + BigInt(index), batch.subarray(p + 4, p + 4 + n)) === false) return;
        if (index % PAUSE_EVERY === PAUSE_EVERY - 1) yield null;
        p += 4 + n;
      }
    } else index += count;
    at = end;
  }
}

function damaged(chunk: Chunk, what: string): RewindError {
  return new RewindError('damaged', `The stream chunk at offset ${chunk.first} is damaged: ${what}`, 'Read this range over AMQP, or check the broker’s logs.');
}
