import { throwIfAborted } from './source-adapter';
import { decompress, decompressAsync } from './kafka/codecs';
import { nextSlice, sliceDue } from './time-slices';

/**
 * Decoders of what may be large (a Kafka record set, a RabbitMQ stream chunk) are written once,
 * as generators that hand out what may take long: a body to decompress, and places where they
 * may stop for a moment (every few hundred records, between pieces of a checksum). decodeNow runs
 * them straight through (tests, the decoder fuzz suite); decodeInSlices, as reads do, sends a
 * large body to a decompression thread and lets the event loop turn every few ms, so a batch of
 * 250,000 records does not hold up every other call while it is read.
 */
export interface Inflate {
  codec: number;
  data: Buffer;
  where: string;
}

/** An Inflate, or null: a place to pause. */
export type DecodeStep = Inflate | null;
export type Decoder<T> = Generator<DecodeStep, T, Buffer | undefined>;

/** Inside a decoder: `const body = yield* inflate(codec, data, where)`. */
export function* inflate(codec: number, data: Buffer, where: string): Decoder<Buffer> {
  return (yield { codec, data, where })!;
}

/** Checksums in pieces of this size, with a pause between them. */
const PIECE = 4 << 20;

/** A CRC of `data` piece by piece (`crc` takes the CRC of what came before). */
export function* checksumInPieces(data: Uint8Array, crc: (piece: Uint8Array, previous: number) => number): Decoder<number> {
  let c = crc(data.subarray(0, PIECE), 0);
  for (let at = PIECE; at < data.length; at += PIECE) {
    yield null;
    c = crc(data.subarray(at, at + PIECE), c);
  }
  return c;
}

export function decodeNow<T>(decoder: Decoder<T>): T {
  let step = decoder.next();
  while (!step.done) {
    const s = step.value;
    if (s === null) {
      step = decoder.next();
      continue;
    }
    let out: Buffer;
    try {
      out = decompress(s.codec, s.data, s.where);
    } catch (e) {
      step = decoder.throw(e);
      continue;
    }
    step = decoder.next(out);
  }
  return step.value;
}

export async function decodeInSlices<T>(decoder: Decoder<T>, signal?: AbortSignal): Promise<T> {
  let step = decoder.next();
  while (!step.done) {
    const s = step.value;
    if (s === null) {
      if (sliceDue()) {
        await nextSlice();
        if (signal) throwIfAborted(signal);
      }
      step = decoder.next();
      continue;
    }
    let out: Buffer;
    try {
      out = await decompressAsync(s.codec, s.data, s.where, signal);
    } catch (e) {
      step = decoder.throw(e);
      continue;
    }
    step = decoder.next(out);
  }
  return step.value;
}
