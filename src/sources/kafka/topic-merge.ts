import type { SourceAdapter } from '../source-adapter';
import type { WireEvent } from '../../model/wire';

export interface PartitionRange {
  partition: number;
  start: bigint;
  /** Exclusive: the high watermark when the run began. */
  end: bigint;
}

/** Where the merge stood after `seq` events: the next offset to take in each partition. */
export interface TopicCursor {
  seq: number;
  next: Map<number, bigint>;
}

const BATCH = 5_000;
/** Records buffered per partition: the whole merge holds about this many in total. */
const BUFFERED = 20_000;

interface Head {
  partition: number;
  events: WireEvent[];
  index: number;
  time: number;
  source: AsyncIterator<WireEvent[]>;
}

/**
 * The records of a whole topic as one sequence: partitions merged in timestamp order (ties by
 * partition, then offset, so the order is the same every time), numbered from `cursor.seq + 1`.
 * `position` is that number; `version` keeps the offset and `id` names partition and offset when
 * the record has no id. Every `cursorEvery` events, and at the end, `onCursor` says where the merge
 * stands, so a later replay can restart from there instead of from the beginning.
 */
export async function* mergedTopic(
  adapter: SourceAdapter,
  topic: string,
  ranges: PartitionRange[],
  cursor: TopicCursor,
  signal: AbortSignal,
  options: { onCursor?: (c: TopicCursor) => void; cursorEvery?: number; until?: number } = {},
): AsyncGenerator<WireEvent[]> {
  const live = ranges.map((r) => ({ ...r, start: cursor.next.get(r.partition) ?? r.start })).filter((r) => r.start < r.end);
  const page = Math.max(500, Math.floor(BUFFERED / Math.max(1, live.length)));
  const heads: Head[] = [];
  const refill = async (h: Head): Promise<boolean> => {
    const r = await h.source.next();
    if (r.done || r.value.length === 0) return false;
    h.events = r.value;
    h.index = 0;
    h.time = Date.parse(h.events[0]!.timestamp) || 0;
    return true;
  };
  const opened = live.map((r): Head => ({
    partition: r.partition,
    events: [],
    index: 0,
    time: 0,
    source: adapter.events({ type: 'kafka-partition', topic, partition: r.partition }, { type: 'position', value: r.start.toString() }, Number(r.end - 1n), signal, page),
  }));
  // Each partition's consumer joins on its first read: let them join together.
  const filled = await Promise.all(opened.map(refill));
  heads.push(...opened.filter((_, i) => filled[i]));
  const next = new Map(cursor.next);
  for (const r of ranges) if (!next.has(r.partition)) next.set(r.partition, r.start);
  const every = options.cursorEvery ?? 1000;
  let seq = cursor.seq;
  let out: WireEvent[] = [];
  while (heads.length > 0 && (options.until === undefined || seq < options.until)) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) {
      const a = heads[i]!;
      const b = heads[best]!;
      if (a.time < b.time || (a.time === b.time && a.partition < b.partition)) best = i;
    }
    const h = heads[best]!;
    const e = h.events[h.index]!;
    seq++;
    out.push({ ...e, position: seq, version: e.position, id: e.id || `${topic}/${h.partition}@${e.position}` });
    next.set(h.partition, BigInt(e.position) + 1n);
    if (seq % every === 0) options.onCursor?.({ seq, next: new Map(next) });
    if (++h.index < h.events.length) h.time = Date.parse(h.events[h.index]!.timestamp) || 0;
    else if (!(await refill(h))) heads.splice(best, 1);
    if (out.length >= BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
  // Where it stopped, too: a read model continues from here.
  if (seq % every !== 0) options.onCursor?.({ seq, next: new Map(next) });
  for (const h of heads) await h.source.return?.(undefined);
}

/** The events numbered `from`..`to` of a merge, replayed from the nearest cursor at or before `from`. */
export async function* topicStretch(
  adapter: SourceAdapter,
  topic: string,
  ranges: PartitionRange[],
  cursors: TopicCursor[],
  from: number,
  to: number,
  signal: AbortSignal,
): AsyncGenerator<WireEvent[]> {
  let cursor = cursors[0]!;
  for (const c of cursors) if (c.seq < from && c.seq > cursor.seq) cursor = c;
  for await (const batch of mergedTopic(adapter, topic, ranges, cursor, signal, { until: to })) {
    const wanted = batch.filter((e) => e.position >= from);
    if (wanted.length > 0) yield wanted;
  }
}

/** The same stretch, whole. */
export async function topicRange(adapter: SourceAdapter, topic: string, ranges: PartitionRange[], cursors: TopicCursor[], from: number, to: number, signal: AbortSignal): Promise<WireEvent[]> {
  const out: WireEvent[] = [];
  for await (const batch of topicStretch(adapter, topic, ranges, cursors, from, to, signal)) out.push(...batch);
  return out;
}
