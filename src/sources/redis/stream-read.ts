import type { Redis } from 'ioredis';
import { RewindError } from '../../model/errors';
import type { ReadFrom } from '../../model/resources';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import type { WireEvent } from '../../model/wire';
import { throwIfAborted, type ReadOptions } from '../source-adapter';
import { afterId, compareIds, entryToEnvelope, entryToWire, xrangeEntries, xrevrangeEntries, type StreamEntry } from './stream-entry';

const PAGE = 500;
const STREAM_ID = /^\d+(-\d+)?$/;

/** The first id a read asks for (XRANGE's inclusive start). */
export function startId(from: ReadFrom | { type: 'last' }): string {
  if (from.type === 'start') return '-';
  if (from.type === 'time') return String(Date.parse(from.value));
  if (from.type === 'position') {
    if (!STREAM_ID.test(from.value)) throw new RewindError('invalid_input', `"${from.value}" is not a stream id`, 'Type an id such as 1700000000000-0, or its milliseconds alone.');
    return from.value;
  }
  throw new RewindError('invalid_input', 'A stream is read from its start, an id, a time or its last entries');
}

async function lastId(redis: Redis, key: string): Promise<string | null> {
  const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
  return last[0]?.[0] ?? null;
}

async function ensureStream(redis: Redis, key: string): Promise<void> {
  const type = await redis.type(key);
  if (type === 'none') throw new RewindError('not_found', `There is no key ${key} any more`, 'Reload the list.');
  if (type !== 'stream') throw new RewindError('conflict', `${key} is a ${type}, not a stream`, 'Reload the list: the key changed since it was listed.');
}

/** Reads a stream from an id, a time, its start or its last entries, up to its end as the read began. */
export async function readStream(redis: Redis, key: string, options: ReadOptions, rules: readonly EnvelopeRule[]) {
  await ensureStream(redis, key);
  const end = await lastId(redis, key);
  if (end === null) return { count: 0, next: null, end: null };
  let start: string;
  if (options.from.type === 'last') {
    const tail = await xrevrangeEntries(redis, key, '+', '-', options.limit);
    start = tail.at(-1)?.[0] ?? '-';
  } else start = startId(options.from);
  let count = 0;
  const fetch = (from: string, room: number) => xrangeEntries(redis, key, from, end, Math.min(PAGE, room));
  // The next page is asked for before this one is converted: Redis answers while Rewind works.
  let coming: Promise<StreamEntry[]> | null = fetch(start, options.limit);
  while (coming) {
    if (options.signal.aborted) {
      // A page still on its way lands unread.
      coming.catch(() => undefined);
      throwIfAborted(options.signal);
    }
    const page: StreamEntry[] = await coming;
    coming = null;
    if (page.length === 0) break;
    count += page.length;
    const last = page.at(-1)![0];
    const atEnd = compareIds(last, end) >= 0;
    start = afterId(last);
    if (!atEnd && count < options.limit) coming = fetch(start, options.limit - count);
    options.onBatch(page.map((e) => entryToEnvelope(e, key, options.previewBytes, rules)));
    options.onProgress({ done: count, total: null, exact: false });
    if (atEnd) return { count, next: null, end };
  }
  return { count, next: count === 0 ? null : start, end };
}

/** A stream as projections take it, page by page, up to `to` entries (null: its end when the feed began). */
export async function* streamEvents(redis: Redis, key: string, from: ReadFrom, to: number | null, signal: AbortSignal, buffer: number, rules: readonly EnvelopeRule[]): AsyncGenerator<WireEvent[]> {
  await ensureStream(redis, key);
  const end = await lastId(redis, key);
  if (end === null) return;
  let start = startId(from);
  let ordinal = 0;
  for (;;) {
    throwIfAborted(signal);
    const room = to === null ? buffer : Math.min(buffer, to - ordinal);
    if (room <= 0) return;
    const page = await xrangeEntries(redis, key, start, end, room);
    if (page.length === 0) return;
    yield page.map((e) => entryToWire(e, key, ++ordinal, rules));
    const last = page.at(-1)![0];
    if (compareIds(last, end) >= 0) return;
    start = afterId(last);
  }
}
