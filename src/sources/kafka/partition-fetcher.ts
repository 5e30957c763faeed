import type { Kafka } from 'kafkajs';
import { RewindError } from '../../model/errors';
import { errorChain } from '../connection-errors';
import { SOURCE_STALL_MS } from '../../model/timeouts';
import { sleep, throwIfAborted } from '../source-adapter';
import { decodeFetchResponse, type FetchedPartition, type FetchResponse } from './fetch-response';
import { createCluster, FETCH_API_KEY, fetchRequestEncoder, type ClusterLike } from './kafkajs-internals';
import { allRecords, committedRecords, readRecordSetInSlices, skippedBatches, type KafkaRecord, type RecordBatch, type SkipBatch } from './record-batches';

export type Isolation = 'read_committed' | 'read_uncommitted';

export interface FetchOptions {
  isolation: Isolation;
  signal: AbortSignal;
  /** How long the broker may hold the request while there is nothing new (a tail waits longer). */
  maxWaitMs?: number;
  /** Bytes per partition per fetch: small for a page, large for a scan. */
  maxBytes?: number;
  /** range(): ask for the next fetch while the caller handles this one (default). A page needs no more. */
  prefetch?: boolean;
  /** A search's word, from a batch's bytes, that none of its records can match: they are counted, not read. */
  skipBatch?: SkipBatch;
  /** range(): how many records of the range were counted and not read, as each fetch is handled. */
  onSkipped?(records: number): void;
}

export interface Fetched {
  /** The visible records at or after the requested offset, in offset order. */
  records: KafkaRecord[];
  /** Records of aborted transactions left out (read_committed). */
  hidden: number;
  /** Where the next fetch starts: after the last batch seen, visible or not. */
  next: number;
  /** Visible batches left unread (FetchOptions.skipBatch): their offsets, first to last. */
  skipped: { first: number; last: number }[];
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
}

export interface RangeEnd {
  next: number;
  /** Records of aborted transactions left out along the way. */
  hidden: number;
  /** read_committed stopped at a transaction that is not yet decided. */
  openTransaction: boolean;
  /** Offsets retention deleted while the read was on its way to them (the low watermark moved). */
  removed: number;
}

/** A broker that sends nothing back for this long is down or cut off: the read ends with `network`. */
export const STALL_MS = SOURCE_STALL_MS;

// Kafka's error codes that a fresh look at the metadata (a new leader) fixes.
const STALE_LEADER = new Set([5, 6, 13, 74, 75]);
const codeNames: Record<number, string> = {
  1: 'OFFSET_OUT_OF_RANGE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  74: 'FENCED_LEADER_EPOCH',
  75: 'UNKNOWN_LEADER_EPOCH',
};

/** The offset asked for is gone (retention) or not there yet. */
export class OffsetOutOfRange extends Error {
  constructor(
    readonly logStartOffset: number,
    readonly highWatermark: number,
  ) {
    super('offset out of range');
  }
}

/**
 * Reads partitions with direct Fetch requests to each partition's leader: no consumer group is
 * created, joined or left behind, so browsing costs no rebalance and needs only Read/Describe
 * ACLs. Every fetch has a deadline; a broker that stops answering fails the read with `network`
 * within STALL_MS, whatever the client library's own retries would do.
 */
export class PartitionFetcher {
  private cluster: ClusterLike | null = null;
  /** Topics seen carrying transaction markers: their watermarks count the markers' offsets too. */
  readonly transactional = new Set<string>();

  constructor(
    private readonly kafka: Kafka,
    private readonly address: string,
    private readonly stallMs = STALL_MS,
  ) {}

  async fetch(topic: string, partition: number, offset: number, options: FetchOptions): Promise<Fetched> {
    const deadline = Date.now() + this.stallMs;
    const maxWaitMs = options.maxWaitMs ?? 250;
    let attempt = 0;
    let unknownSeen = false;
    for (;;) {
      throwIfAborted(options.signal);
      let part: FetchedPartition;
      try {
        part = await this.request(topic, partition, offset, options, maxWaitMs, deadline);
      } catch (e) {
        if (e instanceof RewindError || (e as Error).name === 'AbortError') throw e;
        // The metadata says a topic is gone. It may be another one this client asked about before
        // (kafkajs refreshes all of them together): a fresh client first; then it is this one.
        if (/UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition/i.test(errorChain(e).messages.join(' | ')) || (e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') {
          await this.reset();
          if (unknownSeen) throw new RewindError('not_found', `Topic ${topic} no longer exists`, 'It was deleted; refresh the topic list.');
          unknownSeen = true;
          continue;
        }
        // A dropped connection or a moved leader: look again a few times (about 3 s), then say so.
        await this.reset();
        if (attempt >= RECONNECTS || Date.now() + backoff(attempt) >= deadline) throw this.unreachable(e);
        await sleep(backoff(attempt++), options.signal);
        continue;
      }
      if (part.errorCode === 0) return await this.visible(part, topic, partition, offset, options);
      if (part.errorCode === 1) throw new OffsetOutOfRange(part.logStartOffset, part.highWatermark);
      if (part.errorCode === 3 && attempt === 0) {
        await this.reset();
        attempt++;
        continue;
      }
      if (part.errorCode === 3) throw new RewindError('not_found', `Topic ${topic} has no partition ${partition}`, 'It may have been deleted; refresh the topic list.');
      if (part.errorCode === 29) throw new RewindError('auth', `Not authorized to read ${topic} (TOPIC_AUTHORIZATION_FAILED)`, 'Ask for Read and Describe ACLs on the topic.');
      if (STALE_LEADER.has(part.errorCode) && Date.now() + backoff(attempt) < deadline) {
        await this.reset();
        await sleep(backoff(attempt++), options.signal);
        continue;
      }
      throw new RewindError('internal', `Kafka refused the fetch of ${topic}/${partition}: ${codeNames[part.errorCode] ?? `error ${part.errorCode}`}`);
    }
  }

  /**
   * The records from `start` up to `end` (exclusive), a fetch at a time, the next fetch already
   * under way while the caller handles a page. Returns where it stopped and why: the end, or a
   * transaction still open (read_committed shows nothing past it until it is decided).
   */
  async *range(topic: string, partition: number, start: number, end: number, options: FetchOptions): AsyncGenerator<KafkaRecord[], RangeEnd> {
    let offset = start;
    let hidden = 0;
    let removed = 0;
    let stuck = 0;
    let pending: Promise<Fetched> | null = null;
    const get = (at: number) => {
      const p = this.fetch(topic, partition, at, options);
      p.catch(() => undefined);
      return p;
    };
    // A prefetch left behind when the caller stops early settles on its own (`get` catches it).
    {
      while (offset < end) {
        let page: Fetched;
        try {
          page = await (pending ?? get(offset));
        } catch (e) {
          pending = null;
          // Retention removed what was next: go on from the oldest record there is, and say so.
          if (e instanceof OffsetOutOfRange && offset < e.logStartOffset) {
            removed += Math.min(e.logStartOffset, end) - offset;
            offset = Math.min(e.logStartOffset, end);
            continue;
          }
          if (e instanceof OffsetOutOfRange) return { next: offset, hidden, openTransaction: false, removed };
          throw e;
        }
        pending = options.prefetch !== false && page.next > offset && page.next < end ? get(page.next) : null;
        hidden += page.hidden;
        if (options.onSkipped && page.skipped.length > 0) {
          // Counted by offsets: a batch that begins before the range or runs past its end counts only its part.
          const n = page.skipped.reduce((sum, b) => sum + Math.max(0, Math.min(b.last, end - 1) - Math.max(b.first, offset) + 1), 0);
          if (n > 0) options.onSkipped(n);
        }
        const wanted = before(page.records, end);
        if (wanted.length > 0) yield wanted;
        if (page.next > offset) {
          // A batch may run past the end: the next read starts at the end, not after the batch.
          offset = Math.min(page.next, end);
          stuck = 0;
          continue;
        }
        if (options.isolation === 'read_committed' && page.lastStableOffset >= 0 && page.lastStableOffset <= offset) return { next: offset, hidden, openTransaction: true, removed };
        if (page.highWatermark <= offset) return { next: offset, hidden, openTransaction: false, removed };
        if (++stuck >= 3) throw new RewindError('internal', `Kafka returned no records for ${topic}/${partition} at offset ${offset}, below its high watermark ${page.highWatermark}`);
      }
      return { next: offset, hidden, openTransaction: false, removed };
    }
  }

  /** New records as they arrive, from `start`, until the signal aborts. */
  async follow(topic: string, partition: number, start: number, options: FetchOptions, onRecords: (records: KafkaRecord[]) => void): Promise<void> {
    let offset = start;
    while (!options.signal.aborted) {
      let page: Fetched;
      try {
        page = await this.fetch(topic, partition, offset, { ...options, maxWaitMs: 1_000 });
      } catch (e) {
        if (e instanceof OffsetOutOfRange) {
          offset = Math.max(e.logStartOffset, Math.min(offset, e.highWatermark));
          continue;
        }
        throw e;
      }
      if (page.records.length > 0) onRecords(page.records);
      offset = page.next;
    }
  }

  /** Learns many topics' leaders in one metadata request, before fetching from each of them. */
  async prepare(topics: string[]): Promise<void> {
    this.cluster ??= createCluster(this.kafka);
    await this.cluster.connect();
    await this.cluster.addMultipleTargetTopics(topics);
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private async request(topic: string, partition: number, offset: number, options: FetchOptions, maxWaitMs: number, deadline: number): Promise<FetchedPartition> {
    const work = (async () => {
      const cluster = await this.connected(topic);
      const leaders = cluster.findLeaderForPartitions(topic, [partition]);
      const nodeId = Object.keys(leaders)[0];
      if (nodeId === undefined) throw new RewindError('not_found', `Topic ${topic} has no partition ${partition}`, 'Refresh the topic list.');
      const broker = await cluster.findBroker({ nodeId });
      const version = (broker.versions?.[FETCH_API_KEY]?.maxVersion ?? 4) >= 11 ? 11 : 4;
      const maxBytes = options.maxBytes ?? 1024 * 1024;
      const request = fetchRequestEncoder(version)({
        replicaId: -1,
        maxWaitTime: maxWaitMs,
        minBytes: 1,
        maxBytes,
        isolationLevel: options.isolation === 'read_committed' ? 1 : 0,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
      });
      const response = (await broker.connectionPool.send({
        request,
        response: { decode: async (payload: Buffer) => decodeFetchResponse(payload, version), parse: async (decoded: unknown) => decoded },
        requestTimeout: maxWaitMs + this.stallMs,
        logResponseError: false,
      })) as FetchResponse;
      const part = response.partitions.find((p) => p.topic === topic && p.partition === partition);
      if (!part) throw new Error(`the broker answered without ${topic}/${partition}`);
      return part;
    })();
    return withDeadline(work, deadline, options.signal, () => this.stalled(topic, partition));
  }

  /** The records of a fetch, read in slices (a large batch decompressed in a thread): other calls go on meanwhile. */
  private async visible(part: FetchedPartition, topic: string, partition: number, offset: number, options: FetchOptions): Promise<Fetched> {
    const isolation = options.isolation;
    let batches: RecordBatch[] = [];
    try {
      if (part.records && part.records.length > 0) batches = await readRecordSetInSlices(part.records, `${topic}/${partition}`, options.signal, options.skipBatch);
    } catch (e) {
      if (e instanceof RewindError || (e as Error).name === 'AbortError') throw e;
      // Not the network's fault: retrying would read the same bytes again.
      throw new RewindError('internal', `Kafka sent records Rewind cannot read at ${topic}/${partition} near offset ${offset}: ${(e as Error).message}`, 'Read from a later offset to go past them.');
    }
    if (batches.some((b) => b.control || b.transactional)) this.transactional.add(topic);
    const shown = isolation === 'read_committed' ? committedRecords(batches, part.aborted) : { records: allRecords(batches), hidden: 0, skipped: skippedBatches(batches) };
    // In offset order: those before the offset asked for are at the start (a batch begins before it).
    let first = 0;
    while (first < shown.records.length && shown.records[first]!.offset < offset) first++;
    const records = first === 0 ? shown.records : shown.records.slice(first);
    const last = batches[batches.length - 1];
    return {
      records,
      hidden: shown.hidden,
      skipped: shown.skipped.map((b) => ({ first: b.baseOffset, last: b.lastOffset })),
      next: last ? Math.max(offset, last.lastOffset + 1) : offset,
      highWatermark: part.highWatermark,
      lastStableOffset: part.lastStableOffset,
      logStartOffset: part.logStartOffset,
    };
  }

  private async connected(topic: string): Promise<ClusterLike> {
    this.cluster ??= createCluster(this.kafka);
    const cluster = this.cluster;
    await cluster.connect();
    // Always through kafkajs's lock: a refresh another read started may still be under way.
    await cluster.addTargetTopic(topic);
    return cluster;
  }

  /** Forget connections and metadata; the next fetch starts afresh (and forgets deleted topics). */
  private async reset(): Promise<void> {
    const cluster = this.cluster;
    this.cluster = null;
    await cluster?.disconnect().catch(() => undefined);
  }

  private stalled(topic: string, partition: number): RewindError {
    void this.reset();
    return new RewindError(
      'network',
      `The broker at ${this.address} stopped answering: no reply to a fetch of ${topic}/${partition} in ${this.stallMs / 1000} s`,
      'Check that the broker is running and reachable, then read again from where this stopped.',
    );
  }

  private unreachable(e: unknown): RewindError {
    const reason = e instanceof Error ? e.message : String(e);
    return new RewindError('network', `Lost the broker at ${this.address} while reading: ${reason}`, 'Check that the broker is running and reachable, then read again from where this stopped.');
  }
}

/** The records (in offset order) before `end`: all of them but for a batch that runs past it. */
function before(records: KafkaRecord[], end: number): KafkaRecord[] {
  let n = records.length;
  while (n > 0 && records[n - 1]!.offset >= end) n--;
  return n === records.length ? records : records.slice(0, n);
}

const backoff = (attempt: number) => Math.min(2_000, 200 * 2 ** attempt);
/** Tries after a lost connection: a restarting broker or a moved leader is back within these. */
const RECONNECTS = 4;

/** The work, or the stall error at the deadline, or a cancel: whichever comes first. */
function withDeadline<T>(work: Promise<T>, deadline: number, signal: AbortSignal, stalled: () => RewindError): Promise<T> {
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(stalled())), Math.max(0, deadline - Date.now()));
    const onAbort = () => finish(() => reject(Object.assign(new Error('Cancelled'), { name: 'AbortError' })));
    signal.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    function finish(f: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      f();
    }
    work.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}
