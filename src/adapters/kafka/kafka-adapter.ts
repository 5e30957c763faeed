import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaConfig, type KafkaMessage, type SASLOptions } from 'kafkajs';
import { RewindError } from '../../api/errors';
import type { KafkaProfile } from '../../model/connections';
import type { Envelope } from '../../model/envelope';
import type { ProjectionFrom, ReadFrom, ReadTarget, Resource } from '../../model/resources';
import { BROKER_CAPABILITIES, throwIfAborted, type OutgoingMessage, type ReadOptions, type SourceAdapter, type SubscribeOptions } from '../source-adapter';
import { classifyKafkaError } from './kafka-errors';
import { kafkaMessageToEnvelope } from './kafka-envelope';
import { kafkaMessageToWire } from './kafka-wire';
import type { WireEvent } from '../../projections/wire';

const DEAD_LETTER = /([._-](dlt|dlq)|dead[._-]?letter)/i;
/** A read that gets nothing new for this long has met the end (trailing control records, compaction). */
const IDLE_END_MS = 5_000;
/** Joining the throwaway group and the first fetch; real clusters add a 3 s rebalance delay. */
const FIRST_BATCH_MS = 30_000;
const BATCH_FLUSH = 500;

function isUnknownTopic(e: unknown): boolean {
  for (let x = e as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, i = 0; x && i < 5; i++) {
    if (x.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    x = (x.originalError ?? x.cause) as typeof x;
  }
  return false;
}

function saslOptions(profile: KafkaProfile, password: string | null): SASLOptions | undefined {
  if (profile.sasl === 'none') return undefined;
  const credentials = { username: profile.username, password: password ?? '' };
  switch (profile.sasl) {
    case 'plain':
      return { mechanism: 'plain', ...credentials };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', ...credentials };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', ...credentials };
  }
}

export class KafkaAdapter implements SourceAdapter {
  readonly capabilities = BROKER_CAPABILITIES;
  private readonly kafka: Kafka;
  private readonly address: string;
  private admin: Admin | null = null;

  constructor(
    private readonly profile: KafkaProfile,
    password: string | null,
  ) {
    this.address = `${profile.host}:${profile.port}`;
    const sasl = saslOptions(profile, password);
    const config: KafkaConfig = {
      clientId: 'rewind',
      brokers: [this.address],
      ssl: profile.tls,
      connectionTimeout: 5_000,
      authenticationTimeout: 5_000,
      requestTimeout: 15_000,
      // Fail fast: the user is waiting on a click, and a wrong port will not fix itself.
      retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1_000 },
      logLevel: logLevel.NOTHING,
      ...(sasl ? { sasl } : {}),
    };
    this.kafka = new Kafka(config);
  }

  async test(signal: AbortSignal) {
    const started = performance.now();
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      throwIfAborted(signal);
      const cluster = await admin.describeCluster();
      const brokers = cluster.brokers.length;
      return {
        ok: true as const,
        server: `Apache Kafka, ${brokers} broker${brokers === 1 ? '' : 's'}`,
        details: [
          `cluster id ${cluster.clusterId}`,
          `controller ${cluster.controller ?? 'unknown'}`,
          ...cluster.brokers.map((b) => `broker ${b.nodeId} at ${b.host}:${b.port}`),
        ],
        latencyMs: performance.now() - started,
      };
    } catch (e) {
      throw this.fail(e);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async listResources(signal: AbortSignal): Promise<Resource[]> {
    try {
      const topics = await this.withAdmin(async (admin) => (await admin.fetchTopicMetadata()).topics);
      throwIfAborted(signal);
      const result: Resource[] = [];
      for (const t of topics.sort((a, b) => a.name.localeCompare(b.name))) {
        throwIfAborted(signal);
        // A topic deleted since the metadata was read has no offsets: leave it out.
        const offsets = await this.withAdmin((admin) => admin.fetchTopicOffsets(t.name)).catch((e: unknown) => (isUnknownTopic(e) ? null : Promise.reject(e)));
        if (!offsets) continue;
        const partitions = t.partitions
          .map((p) => {
            const o = offsets.find((x) => x.partition === p.partitionId);
            return { partition: p.partitionId, low: o?.low ?? '0', high: o?.high ?? '0', leader: p.leader };
          })
          .sort((a, b) => a.partition - b.partition);
        const records = partitions.reduce((sum, p) => sum + (BigInt(p.high) - BigInt(p.low)), 0n);
        result.push({
          type: 'kafka-topic',
          name: t.name,
          internal: t.name.startsWith('__'),
          partitions,
          // Watermarks count compacted-away and transaction-marker offsets too.
          records: { value: Number(records), exact: false },
          deadLetter: DEAD_LETTER.test(t.name),
        });
      }
      return result;
    } catch (e) {
      throw this.fail(e);
    }
  }

  async read(options: ReadOptions) {
    const { target, limit, signal } = options;
    if (target.type !== 'kafka-partition') throw new RewindError('unsupported', `Kafka cannot read a ${target.type}`);
    try {
      const { low, high } = await this.watermarks(target.topic, target.partition);
      const start = await this.resolveStart(target.topic, target.partition, options.from, low, high);
      const end = start + BigInt(limit) < high ? start + BigInt(limit) : high;
      if (start >= end) {
        return { count: 0, next: null, end: high.toString() };
      }
      const total = Number(end - start);
      let count = 0;
      let lastOffset = start - 1n;
      await this.consume(target.topic, target.partition, start, signal, (batch, lastInBatch) => {
        const wanted = batch.filter((e) => BigInt(e.position) < end);
        count += wanted.length;
        if (wanted.length > 0) {
          options.onBatch(wanted);
          options.onProgress({ done: count, total, exact: false });
        }
        // The fetch may run past the range; continue after the last offset actually delivered.
        lastOffset = lastInBatch < end ? lastInBatch : end - 1n;
        return lastInBatch + 1n >= end;
      });
      const next = lastOffset + 1n < high ? (lastOffset + 1n).toString() : null;
      return { count, next, end: high.toString() };
    } catch (e) {
      throw this.fail(e);
    }
  }

  /**
   * A partition from `from` to `to` (inclusive; null: the high watermark when it starts) as one
   * consumer's batches, for long reads such as rebuilds. The consumer waits while `highWater`
   * records are not yet taken, so memory stays bounded however far behind the reader falls.
   */
  async *stream<T extends { position: string | number }>(
    topic: string,
    partition: number,
    from: ReadFrom,
    to: bigint | null,
    signal: AbortSignal,
    convert: (message: KafkaMessage) => T,
    highWater = 20_000,
  ): AsyncGenerator<T[]> {
    let start: bigint;
    let end: bigint;
    try {
      const { low, high } = await this.watermarks(topic, partition);
      start = await this.resolveStart(topic, partition, from, low, high);
      end = to !== null && to + 1n < high ? to + 1n : high;
    } catch (e) {
      throw this.fail(e);
    }
    if (start >= end) return;
    const queue: T[][] = [];
    let queued = 0;
    let wake: (() => void) | null = null;
    let room: (() => void) | null = null;
    let finished = false;
    let failure: unknown = null;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const consuming = this.consume(
      topic,
      partition,
      start,
      stop.signal,
      (batch: T[], last) => {
        const wanted = batch.filter((e) => BigInt(e.position) < end);
        if (wanted.length > 0) {
          queue.push(wanted);
          queued += wanted.length;
          wake?.();
        }
        return last + 1n >= end;
      },
      { convert, waitForRoom: () => (queued < highWater ? Promise.resolve() : new Promise<void>((resolve) => (room = resolve))) },
    ).then(
      () => ((finished = true), wake?.()),
      (e: unknown) => ((failure = e), (finished = true), wake?.()),
    );
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          queued -= next.length;
          if (queued < highWater && room) {
            (room as () => void)();
            room = null;
          }
          yield next;
          continue;
        }
        if (failure !== null) throw this.fail(failure);
        if (finished) {
          throwIfAborted(signal);
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      stop.abort();
      (room as (() => void) | null)?.();
      await consuming;
    }
  }

  async *events(target: ReadTarget, from: ReadFrom, to: number | null, signal: AbortSignal, buffer = 10_000): AsyncGenerator<WireEvent[]> {
    if (target.type !== 'kafka-partition') throw new RewindError('unsupported', `Kafka cannot read a ${target.type}`);
    // One consumer for the whole range: joining a group per page costs more than the page.
    let out: WireEvent[] = [];
    const convert = (m: KafkaMessage) => kafkaMessageToWire(target.topic, m);
    for await (const chunk of this.stream(target.topic, target.partition, from, to === null ? null : BigInt(to), signal, convert, buffer)) {
      out.push(...chunk);
      // The worker takes a batch per message: fewer, larger ones cost less.
      if (out.length >= 5_000) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  }

  async subscribe(options: SubscribeOptions): Promise<void> {
    const { target } = options;
    if (target.type !== 'kafka-partition') throw new RewindError('unsupported', `Kafka cannot follow a ${target.type}`);
    try {
      const { low, high } = await this.watermarks(target.topic, target.partition);
      const start = await this.resolveStart(target.topic, target.partition, options.from, low, high);
      await this.consume(target.topic, target.partition, start, options.signal, (batch) => {
        options.onBatch(batch);
        return false;
      }, { idleEnds: false });
    } catch (e) {
      throw this.fail(e);
    }
  }

  async publish(target: ReadTarget, messages: OutgoingMessage[], signal: AbortSignal) {
    if (target.type !== 'kafka-partition') throw new RewindError('unsupported', `Kafka cannot publish to a ${target.type}`);
    const producer = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
    try {
      await producer.connect();
      throwIfAborted(signal);
      const sent = await producer.send({
        topic: target.topic,
        acks: -1,
        messages: messages.map((m) => ({
          partition: target.partition,
          key: m.key ?? null,
          value: Buffer.from(m.value),
          headers: Object.fromEntries((m.headers ?? []).map((h) => [h.name, h.binary ? Buffer.from(h.value, 'base64') : h.value])),
        })),
      });
      const base = BigInt(sent[0]?.baseOffset ?? '0');
      return { positions: messages.map((_, i) => (base + BigInt(i)).toString()) };
    } catch (e) {
      throw this.fail(e);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }

  /**
   * Runs an admin request, once more on a fresh admin client if the topic is unknown: kafkajs
   * keeps every topic a client has asked about in its metadata refreshes, so one topic deleted
   * elsewhere fails every later request of that client (kafkajs#1146).
   */
  private async withAdmin<T>(request: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await request(await this.getAdmin());
    } catch (e) {
      if (!isUnknownTopic(e)) throw e;
      await this.close();
      return request(await this.getAdmin());
    }
  }

  private async getAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /**
   * Where a whole-topic read starts and ends in each partition: from the start, a time, or an
   * offset per partition; the end is the high watermark now (exclusive).
   */
  async partitionRanges(topic: string, from: ProjectionFrom, signal: AbortSignal): Promise<{ partition: number; start: bigint; end: bigint }[]> {
    try {
      const offsets = await this.withAdmin((admin) => admin.fetchTopicOffsets(topic));
      throwIfAborted(signal);
      if (offsets.length === 0) throw new RewindError('not_found', `No topic ${topic}`);
      if (from.type === 'offsets') {
        const unknown = Object.keys(from.value).filter((p) => !offsets.some((o) => o.partition === Number(p)));
        if (unknown.length) throw new RewindError('invalid_input', `${topic} has no partition ${unknown.join(', ')} (it has ${offsets.length})`);
      }
      const ranges = [];
      for (const o of offsets.sort((a, b) => a.partition - b.partition)) {
        const low = BigInt(o.low);
        const high = BigInt(o.high);
        const start =
          from.type === 'offsets'
            ? await this.resolveStart(topic, o.partition, from.value[String(o.partition)] === undefined ? { type: 'start' } : { type: 'position', value: from.value[String(o.partition)]! }, low, high)
            : await this.resolveStart(topic, o.partition, from, low, high);
        ranges.push({ partition: o.partition, start, end: high });
      }
      return ranges;
    } catch (e) {
      throw this.fail(e);
    }
  }

  private async watermarks(topic: string, partition: number): Promise<{ low: bigint; high: bigint }> {
    const offsets = await this.withAdmin((admin) => admin.fetchTopicOffsets(topic));
    const o = offsets.find((x) => x.partition === partition);
    if (!o) throw new RewindError('not_found', `Topic ${topic} has no partition ${partition}`);
    return { low: BigInt(o.low), high: BigInt(o.high) };
  }

  private async resolveStart(topic: string, partition: number, from: ReadFrom, low: bigint, high: bigint): Promise<bigint> {
    if (from.type === 'start') return low;
    if (from.type === 'position') {
      const wanted = BigInt(from.value);
      return wanted < low ? low : wanted > high ? high : wanted;
    }
    const byTime = await this.withAdmin((admin) => admin.fetchTopicOffsetsByTimestamp(topic, new Date(from.value).getTime()));
    const hit = byTime.find((x) => x.partition === partition);
    // -1 means no record at or after that time: start at the end.
    return hit && hit.offset !== '-1' ? BigInt(hit.offset) : high;
  }

  /**
   * kafkajs has no manual partition assignment, so a range read joins a throwaway consumer group
   * (never committing, deleted afterwards), pauses the other partitions and seeks. `onBatch`
   * returns true when the read has what it needs.
   */
  private async consume<T = Envelope>(
    topic: string,
    partition: number,
    start: bigint,
    signal: AbortSignal,
    onBatch: (batch: T[], lastOffset: bigint) => boolean,
    {
      idleEnds = true,
      waitForRoom,
      convert = (m) => kafkaMessageToEnvelope(topic, partition, m) as T,
    }: { idleEnds?: boolean; waitForRoom?: () => Promise<void>; convert?: (message: KafkaMessage) => T } = {},
  ): Promise<void> {
    const groupId = `rewind-browse-${randomUUID()}`;
    const consumer: Consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxWaitTimeInMs: 250,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
    });
    let settle!: (error?: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (!idleEnds) return;
      clearTimeout(idle);
      idle = setTimeout(() => settle(), IDLE_END_MS);
    };
    const armFirst = () => {
      if (!idleEnds) return;
      idle = setTimeout(
        () => settle(new RewindError('timeout', `No records arrived from ${topic}/${partition} within ${FIRST_BATCH_MS / 1000} s`, 'The broker may be overloaded; try again.')),
        FIRST_BATCH_MS,
      );
    };
    const onAbort = () => settle();
    signal.addEventListener('abort', onAbort, { once: true });
    consumer.on(consumer.events.CRASH, (event) => settle(event.payload.error));
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let done = false;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }) => {
          if (done || batch.partition !== partition) return;
          if (waitForRoom) {
            // The reader is behind: hold this batch (and so the fetches) without counting it as idle.
            clearTimeout(idle);
            await waitForRoom();
            if (done || signal.aborted) return;
          }
          armIdle();
          let chunk: T[] = [];
          for (const message of batch.messages) {
            if (BigInt(message.offset) < start) continue;
            chunk.push(convert(message));
            resolveOffset(message.offset);
            if (chunk.length >= BATCH_FLUSH) {
              if (onBatch(chunk, BigInt(message.offset))) {
                done = true;
                settle();
                return;
              }
              chunk = [];
            }
          }
          const last = BigInt(batch.lastOffset());
          if (onBatch(chunk, last)) {
            done = true;
            settle();
          }
        },
      });
      const others = (await this.partitionsOf(topic)).filter((p) => p !== partition);
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
      consumer.seek({ topic, partition, offset: start.toString() });
      armFirst();
      if (signal.aborted) settle();
      await finished;
      throwIfAborted(signal);
    } finally {
      clearTimeout(idle);
      signal.removeEventListener('abort', onAbort);
      await consumer.disconnect().catch(() => undefined);
      await this.withAdmin((admin) => admin.deleteGroups([groupId])).catch(() => undefined);
    }
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    const { topics } = await this.withAdmin((admin) => admin.fetchTopicMetadata({ topics: [topic] }));
    return topics[0]?.partitions.map((p) => p.partitionId) ?? [];
  }

  private fail(e: unknown): RewindError {
    return classifyKafkaError(e, this.address, this.profile.tls);
  }
}
