import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { decodeOffThread } from './codecs';
import { OutputLimit } from './lz4-snappy';

/**
 * A decompression thread (inflate-pool.ts starts them): one batch at a time, under the limit the
 * core gives. The output goes back without a copy (its memory is handed over), an error as what
 * it was (over the limit, or the codec's own words).
 */
export interface InflateRequest {
  codec: number;
  input: Uint8Array;
  max: number;
}

export type InflateAnswer = { ok: true; out: ArrayBuffer; offset: number; length: number } | { ok: false; limit: string | null; message: string };

/** Small outputs may live in Node's shared pool, which cannot be handed over: those are copied first. */
const HAND_OVER_FROM = 64 * 1024;

// Below the core's own thread: on Linux a priority set with pid 0 is the calling thread's alone,
// so on a 2-core machine a 256 MB decompression no longer takes the CPU from calls that answer
// in a millisecond. Where the OS refuses, the thread runs as before.
try {
  setPriority(10);
} catch {
  // not allowed here: nothing to do
}

parentPort?.on('message', ({ codec, input, max }: InflateRequest) => {
  let answer: InflateAnswer;
  const transfer: ArrayBuffer[] = [];
  try {
    let out: Uint8Array = decodeOffThread(codec, Buffer.from(input.buffer, input.byteOffset, input.byteLength), max);
    // Copied when small, or when most of its buffer is unused (an lz4 output sized by its bound).
    if (out.byteLength < HAND_OVER_FROM || out.byteLength < (out.buffer.byteLength * 3) / 4) {
      const own = new Uint8Array(out.byteLength);
      own.set(out);
      out = own;
    }
    const buffer = out.buffer as ArrayBuffer;
    answer = { ok: true, out: buffer, offset: out.byteOffset, length: out.byteLength };
    transfer.push(buffer);
  } catch (e) {
    answer = { ok: false, limit: e instanceof OutputLimit ? e.what : null, message: (e as Error).message ?? String(e) };
  }
  parentPort!.postMessage(answer, transfer);
});
