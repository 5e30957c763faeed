import type { Admin } from 'kafkajs';
import { RewindError } from '../../model/errors';
import type { Envelope } from '../../model/envelope';
import type { PageRequest, Positions, TopicFrom, TopicPage } from '../../model/topic-scan';
import { throwIfAborted } from '../source-adapter';
import { kafkaRecordToEnvelope } from './kafka-envelope';
import type { DecoderChain } from '../../decoding/decoder-chain';
import { prepareRecords } from './kafka-decoding';
import type { Isolation, PartitionFetcher, RangeEnd } from './partition-fetcher';
import type { KafkaRecord } from './record-batches';

/** What reading a whole topic needs from the Kafka adapter. */
export interface TopicAccess {
  readonly fetcher: PartitionFetcher;
  readonly decoding: DecoderChain;
  withAdmin<T>(request: (admin: Admin) => Promise<T>, what: string): Promise<T>;
  partitions(topic: string, signal: AbortSignal): Promise<Span[]>;
  fail(e: unknown): RewindError;
  /** Whether the broker's metadata marks the topic internal (Kafka's own topics). */
  markedInternal(topic: string): Promise<boolean>;
}

export interface Span {
  partition: number;
  low: number;
  high: number;
}

/** Each chosen partition's watermarks now; an unknown partition is an error that names the ones there are. */
export async function spansOf(access: TopicAccess, topic: string, only: number[] | null, signal: AbortSignal): Promise<Span[]> {
  const all = await access.partitions(topic, signal);
  if (all.length === 0) throw new RewindError('not_found', `No topic ${topic}`, 'It may have been deleted; refresh the topic list.');
  if (!only) return all;
  const missing = only.filter((p) => !all.some((s) => s.partition === p));
  if (missing.length) throw new RewindError('invalid_input', `${topic} has no partition ${missing.join(', ')} (it has ${all.length})`);
  return all.filter((s) => only.includes(s.partition));
}

/** Where a forward read starts in each partition. */
export async function startsOf(access: TopicAccess, topic: string, spans: Span[], from: TopicFrom): Promise<Map<number, number>> {
  const starts = new Map<number, number>();
  const clamp = (s: Span, n: number) => Math.min(Math.max(n, s.low), s.high);
  if (from.type === 'time') {
    const at = Date.parse(from.value);
    const hits = await access
      .withAdmin((a) => a.fetchTopicOffsetsByTimestamp(topic, at), 'finding offsets by time')
      .catch((e: unknown) => {
        throw access.fail(e);
      });
    for (const s of spans) {
      const hit = hits.find((h) => h.partition === s.partition);
      // -1 (or the end, as kafkajs says it): no record at or after that time.
      starts.set(s.partition, hit && hit.offset !== '-1' ? clamp(s, Number(hit.offset)) : s.high);
    }
    return starts;
  }
  for (const s of spans) {
    if (from.type === 'start') starts.set(s.partition, s.low);
    else if (from.type === 'end') starts.set(s.partition, s.high);
    else if (from.type === 'last') starts.set(s.partition, Math.max(s.low, s.high - from.perPartition));
    else {
      const v = from.value[String(s.partition)];
      starts.set(s.partition, v === undefined ? s.low : clamp(s, Number(v)));
    }
  }
  return starts;
}

interface Head {
  partition: number;
  records: KafkaRecord[];
  index: number;
  source: AsyncGenerator<KafkaRecord[], RangeEnd | void>;
}

const PAGE_FETCH_BYTES = 64 * 1024;
const LARGE_PAGE_FETCH_BYTES = 512 * 1024;

/**
 * A page of a whole topic: the partitions merged in time order, as if one log. Forward takes the
 * `limit` earliest records from each partition's start; backward (Previous, or the newest page)
 * the `limit` latest before each partition's position. Each partition is read only as far as
 * the merge needs.
 */
export async function readPage(access: TopicAccess, req: PageRequest, signal: AbortSignal): Promise<TopicPage> {
  const { topic, isolation, limit } = req;
  const spans = await spansOf(access, topic, req.partitions, signal);
  const backward = req.direction === 'backward' || req.from.type === 'end';
  const starts = req.from.type === 'end' ? new Map(spans.map((s) => [s.partition, s.high])) : await startsOf(access, topic, spans, req.from);
  throwIfAborted(signal);
  const maxBytes = limit > 500 ? LARGE_PAGE_FETCH_BYTES : PAGE_FETCH_BYTES;
  const ends: RangeEnd[] = [];
  const heads: Head[] = spans.map((s) => ({
    partition: s.partition,
    records: [],
    index: 0,
    source: backward
      ? backwardChunks(access.fetcher, topic, s, starts.get(s.partition)!, isolation, maxBytes, limit, signal)
      : forwardChunks(access.fetcher, topic, s, starts.get(s.partition)!, isolation, maxBytes, signal, ends),
  }));
  const refill = async (h: Head): Promise<boolean> => {
    for (;;) {
      const r = await h.source.next();
      if (r.done) return false;
      if (r.value.length > 0) {
        h.records = r.value;
        h.index = 0;
        return true;
      }
    }
  };
  const taken: { partition: number; record: KafkaRecord }[] = [];
  try {
    const filled = await Promise.all(heads.map(refill));
    const live = heads.filter((_, i) => filled[i]);
    while (live.length > 0 && taken.length < limit) {
      let best = 0;
      for (let i = 1; i < live.length; i++) if (before(live[i]!, live[best]!, backward)) best = i;
      const h = live[best]!;
      taken.push({ partition: h.partition, record: h.records[h.index]! });
      if (++h.index >= h.records.length && !(await refill(h))) live.splice(best, 1);
    }
  } catch (e) {
    throw e instanceof RewindError ? e : access.fail(e);
  } finally {
    await Promise.all(heads.map((h) => h.source.return(undefined)));
  }
  if (backward) taken.reverse();

  const first: Positions = {};
  const next: Positions = {};
  for (const s of spans) {
    const mine = taken.filter((t) => t.partition === s.partition);
    const at = starts.get(s.partition)!;
    first[String(s.partition)] = String(mine.length ? mine[0]!.record.offset : at);
    next[String(s.partition)] = String(mine.length ? mine[mine.length - 1]!.record.offset + 1 : at);
  }
  await prepareRecords(
    access.decoding,
    taken.map((t) => t.record),
  );
  const records: Envelope[] = taken.map((t) => kafkaRecordToEnvelope(topic, t.partition, t.record, undefined, access.decoding));
  const hidden = ends.reduce((n, e) => n + e.hidden, 0);
  const notes: string[] = [];
  if (hidden > 0) notes.push(`${hidden.toLocaleString('en-US')} record${hidden === 1 ? '' : 's'} of aborted transactions hidden (read_committed).`);
  if (ends.some((e) => e.openTransaction)) notes.push('A partition stopped at a transaction that is still open: read_committed shows its records once it is decided.');
  return {
    records,
    first,
    next,
    spans: spans.map((s) => ({ partition: s.partition, low: String(s.low), high: String(s.high) })),
    atStart: spans.every((s) => Number(first[String(s.partition)]) <= s.low),
    atEnd: spans.every((s) => Number(next[String(s.partition)]) >= s.high),
    notes,
  };
}

/** Whether head a's record comes before b's in the merge (after it, reading backward). */
function before(a: Head, b: Head, backward: boolean): boolean {
  const ta = a.records[a.index]!.timestamp;
  const tb = b.records[b.index]!.timestamp;
  if (ta !== tb) return backward ? ta > tb : ta < tb;
  return backward ? a.partition > b.partition : a.partition < b.partition;
}

async function* forwardChunks(
  fetcher: PartitionFetcher,
  topic: string,
  s: Span,
  start: number,
  isolation: Isolation,
  maxBytes: number,
  signal: AbortSignal,
  ends: RangeEnd[],
): AsyncGenerator<KafkaRecord[], void> {
  if (start >= s.high) return;
  const end = yield* fetcher.range(topic, s.partition, start, s.high, { isolation, signal, maxBytes, prefetch: false });
  ends.push(end);
}

/** A partition read backward from `before`: windows that grow as far back as the merge asks. */
async function* backwardChunks(
  fetcher: PartitionFetcher,
  topic: string,
  s: Span,
  before: number,
  isolation: Isolation,
  maxBytes: number,
  limit: number,
  signal: AbortSignal,
): AsyncGenerator<KafkaRecord[], void> {
  let end = Math.min(before, s.high);
  let window = Math.min(Math.max(20, limit), 1_000);
  while (end > s.low) {
    const start = Math.max(s.low, end - window);
    const records: KafkaRecord[] = [];
    for await (const chunk of fetcher.range(topic, s.partition, start, end, { isolation, signal, maxBytes, prefetch: false })) records.push(...chunk);
    if (records.length > 0) yield records.reverse();
    end = start;
    window = Math.min(window * 4, 20_000);
  }
}
