import type { ReadFrom } from '../../model/resources';
import { forEachRecordInSlices } from './stream-chunk';
import type { OffsetSpec } from './stream-protocol';
import type { StreamBounds, StreamReader } from './stream-reader';

/**
 * Ranges and tails of a stream by the stream protocol. A range read learns the stream's last
 * offset before it starts and ends exactly there: no waiting for a silence that may be a slow
 * broker, no stopping short.
 */

/** Where a read starts: a ReadFrom, or the stream protocol's own first, last (chunk) and next (new messages only). */
export type StreamSeek = ReadFrom | { type: 'first' } | { type: 'last' } | { type: 'next' };

/** Builds one record of the caller's shape from its offset, its AMQP 1.0 bytes and its chunk's time (ms). */
export type RecordConverter<T> = (offset: bigint, message: Buffer, chunkTime: number) => T;

/** What a range read found, filled in as it goes. */
export interface RangeOutcome {
  bounds: StreamBounds | null;
  count: number;
  /** The last offset delivered, or null when none was. */
  lastOffset: bigint | null;
  /** Where to continue when the read stopped at its limit before the end; null when it reached the end. */
  next: bigint | null;
}

const BATCH = 500;

/** The subscription's start and the first offset wanted (a chunk may begin before it). */
export function startOf(seek: StreamSeek): { spec: OffsetSpec; from: bigint } {
  switch (seek.type) {
    case 'start':
    case 'first':
      return { spec: { type: 'first' }, from: 0n };
    case 'position':
      return { spec: { type: 'offset', offset: BigInt(seek.value) }, from: BigInt(seek.value) };
    case 'time':
      return { spec: { type: 'timestamp', ms: Date.parse(seek.value) }, from: 0n };
    case 'last':
      return { spec: { type: 'last' }, from: 0n };
    case 'next':
      return { spec: { type: 'next' }, from: 0n };
  }
}

/** Whether a read from `seek` can find anything at or before the stream's end. */
function reaches(seek: StreamSeek, bounds: StreamBounds): boolean {
  if (seek.type === 'next') return false; // only messages written after the read began
  if (seek.type === 'position') return BigInt(seek.value) <= bounds.last;
  // The broker starts a time seek at the first chunk written at or after it.
  if (seek.type === 'time') return Date.parse(seek.value) <= bounds.lastChunkTime;
  return true;
}

/**
 * Reads from `seek` to the stream's last offset as it was when the read began, or `to` if that
 * comes first, at most `limit` records, in batches of about `batch`. `outcome` says how it went.
 */
export async function* rangeBatches<T>(
  reader: StreamReader,
  stream: string,
  seek: StreamSeek,
  options: { limit: number; to?: bigint | null; signal: AbortSignal; convert: RecordConverter<T>; batch?: number },
  outcome: RangeOutcome,
): AsyncGenerator<T[]> {
  const bounds = await reader.bounds(stream, options.signal);
  outcome.bounds = bounds;
  if (!bounds || !reaches(seek, bounds) || options.limit <= 0) return;
  const end = options.to !== undefined && options.to !== null && options.to < bounds.last ? options.to : bounds.last;
  const { spec, from } = startOf(seek);
  const size = options.batch ?? BATCH;
  let batch: T[] = [];
  const convert = options.convert;
  for await (const chunk of reader.chunks(stream, spec, end, options.signal)) {
    const room = options.limit - outcome.count;
    let taken = 0;
    let last: bigint | null = null;
    // In slices: a chunk may hold a million messages, or a sub-entry batch of 256 MB.
    await forEachRecordInSlices(
      chunk,
      from,
      end,
      (offset, message) => {
        if (taken >= room) return false;
        batch.push(convert(offset, message, chunk.timestamp));
        taken++;
        last = offset;
      },
      options.signal,
    );
    outcome.count += taken;
    if (last !== null) outcome.lastOffset = last;
    if (batch.length >= size) {
      const out = batch;
      batch = [];
      yield out;
    }
    if (outcome.count >= options.limit) break;
  }
  if (batch.length > 0) yield batch;
  const lastOffset = outcome.lastOffset;
  outcome.next = outcome.count >= options.limit && lastOffset !== null && lastOffset < end ? lastOffset + 1n : null;
}

/** A live tail: follows a stream from `seek` until its signal aborts; pausing stops asking the broker for more. */
export class StreamTail<T> {
  private paused: { promise: Promise<void>; resume: () => void } | null = null;
  private subscribed!: () => void;
  /** Resolves once the broker has the subscription (nothing written after that is missed); rejects as `done` does when it never came. */
  readonly ready: Promise<void>;
  readonly done: Promise<void>;

  constructor(reader: StreamReader, stream: string, seek: StreamSeek, signal: AbortSignal, convert: RecordConverter<T>, onBatch: (items: T[]) => void) {
    const subscribed = new Promise<void>((resolve) => (this.subscribed = resolve));
    this.done = this.run(reader, stream, seek, signal, convert, onBatch);
    this.ready = Promise.race([subscribed, this.done]);
  }

  pause(): void {
    if (this.paused) return;
    let resume!: () => void;
    const promise = new Promise<void>((r) => (resume = r));
    this.paused = { promise, resume };
  }

  resume(): void {
    const p = this.paused;
    this.paused = null;
    p?.resume();
  }

  private async run(reader: StreamReader, stream: string, seek: StreamSeek, signal: AbortSignal, convert: RecordConverter<T>, onBatch: (items: T[]) => void): Promise<void> {
    const { spec, from } = startOf(seek);
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    try {
      for await (const chunk of reader.chunks(stream, spec, null, signal, null, undefined, () => this.subscribed())) {
        // While paused the chunk waits here and no more credit is given: the broker holds the rest.
        while (this.paused && !signal.aborted) await Promise.race([this.paused.promise, aborted]);
        if (signal.aborted) return;
        const batch: T[] = [];
        await forEachRecordInSlices(chunk, from, BigInt(Number.MAX_SAFE_INTEGER), (offset, message) => batch.push(convert(offset, message, chunk.timestamp)), signal);
        if (batch.length > 0) onBatch(batch);
      }
    } catch (e) {
      // Stopping a tail is its normal end.
      if (!signal.aborted) throw e;
    }
  }
}
