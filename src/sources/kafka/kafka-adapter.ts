import { performance } from 'node:perf_hooks';
import { ConfigResourceTypes, Kafka, logLevel, Partitioners, type Admin, type KafkaConfig, type Producer, type SASLOptions } from 'kafkajs';
import { RewindError } from '../../model/errors';
import type { KafkaProfile } from './profile';
import type { ProjectionFrom, ReadFrom, ReadTarget, Resource } from '../../model/resources';
import type { WireEvent } from '../../model/wire';
import { sleep, throwIfAborted, type ReadOptions, type SourceAdapter } from '../source-adapter';
import { classifyKafkaError } from './kafka-errors';
import { kafkaRecordToEnvelope } from './kafka-envelope';
import { kafkaRecordToWire } from './kafka-wire';
import { KafkaDeadLetters } from './kafka-dead-letters';
import { KafkaCompose } from './kafka-compose';
import { KafkaGroups } from './kafka-groups';
import { KafkaTopics } from './kafka-topics';
import { TopicOffsets, transient } from './topic-offsets';
import { installRecordEncoder } from './kafkajs-record-encoder';
import { brokerVersions, clusterVersionLabel, type BrokerVersion } from './broker-version';
import { DecoderChain } from '../../decoding/decoder-chain';
import { registryTestError, SchemaRegistry } from '../../decoding/schema-registry';
import { encodeForRegistry, type RegistryWrite } from '../../decoding/registry-encode';
import { prepareRecords } from './kafka-decoding';
import type { ResourceDecoding } from '../../model/decoder-settings';

// Before kafkajs produces anything: null header values and header order kept (see the file).
installRecordEncoder();
import { createCluster } from './kafkajs-internals';
import { commitOffsets, type CommitAnswer } from './offset-commit';
import { OffsetOutOfRange, PartitionFetcher, STALL_MS, type Isolation } from './partition-fetcher';
import type { KafkaRecord } from './record-batches';

const DEAD_LETTER = /([._-](dlt|dlq)|dead[._-]?letter)/i;
/** Bytes per fetch: a page of the records view needs little; a scan or a rebuild reads in bulk. */
const PAGE_BYTES = 256 * 1024;
const SCAN_BYTES = 8 * 1024 * 1024;
const BATCH_FLUSH = 500;
/** How many more times an admin request is asked while a leader settles (about 3 s in all). */
const LEADER_SETTLE_TRIES = 5;
/** Records per partition sampled to tell a dead-letter topic by its headers. */
const DLT_SAMPLE = 20;
/** How long one listing may spend sampling, and how many topics at once. */
const DLT_SAMPLE_BUDGET_MS = 800;
const DLT_SAMPLE_PARALLEL = 8;

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

/** The work, or a `network` error once the broker has been silent for STALL_MS. */
async function answered<T>(work: Promise<T>, address: string, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RewindError('network', `The broker at ${address} stopped answering: no reply to ${what} in ${STALL_MS / 1000} s`, 'Check that the broker is running and reachable, then try again.'),
        ),
      STALL_MS,
    );
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, silent]);
  } finally {
    clearTimeout(timer);
  }
}

export class KafkaAdapter implements SourceAdapter {
  readonly follows = true;
  readonly seeksByTime = true;
  private readonly kafka: Kafka;
  private readonly address: string;
  readonly fetcher: PartitionFetcher;
  private readonly offsets: TopicOffsets;
  private admin: Admin | null = null;
  /** What sampling a topic's newest records found, kept while its high watermarks do not move. */
  private readonly dltSamples = new Map<string, { highs: string; origins: string[] }>();

  /** What records' bytes mean: one chain per connection, so schemas are fetched once for it. */
  readonly decoding: DecoderChain;
  private readonly registry: SchemaRegistry | null;

  constructor(
    private readonly profile: KafkaProfile,
    password: string | null,
    registryPassword: string | null = null,
  ) {
    this.address = `${profile.host}:${profile.port}`;
    this.registry = profile.registry?.url ? new SchemaRegistry({ url: profile.registry.url, username: profile.registry.username, password: registryPassword }) : null;
    this.decoding = new DecoderChain(this.registry);
    this.decoding.useEnvelopeRules(profile.envelopeRules ?? []);
    const sasl = saslOptions(profile, password);
    const config: KafkaConfig = {
      clientId: 'rewind',
      brokers: [this.address],
      ssl: profile.tls,
      connectionTimeout: 5_000,
      authenticationTimeout: 5_000,
      requestTimeout: 10_000,
      // Fail fast: the user is waiting on a click, and a wrong port will not fix itself.
      retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1_000 },
      logLevel: logLevel.NOTHING,
      ...(sasl ? { sasl } : {}),
    };
    this.kafka = new Kafka(config);
    this.fetcher = new PartitionFetcher(this.kafka, this.address);
    this.offsets = new TopicOffsets(this.kafka);
  }

  async registryEncode(write: RegistryWrite, jsonText: string): Promise<{ bytes: Buffer; description: string }> {
    if (!this.registry) throw new RewindError('invalid_input', 'This connection has no schema registry', "Add the registry's URL in the connection's settings.");
    return encodeForRegistry(this.registry, write, jsonText);
  }

  async schemaSubjects(): Promise<string[]> {
    if (!this.registry) throw new RewindError('invalid_input', 'This connection has no schema registry', "Add the registry's URL in the connection's settings.");
    try {
      return await this.registry.subjects();
    } catch (e) {
      throw new RewindError('network', (e as Error).message, 'Check the registry URL, user and password in the connection settings.');
    }
  }

  useDecoders(settings: Record<string, ResourceDecoding>): void {
    this.decoding.useMapping(settings);
  }

  async test(signal: AbortSignal, scope: 'all' | 'broker' = 'all') {
    const started = performance.now();
    const admin = this.kafka.admin();
    try {
      await answered(admin.connect(), this.address, 'connecting');
      throwIfAborted(signal);
      const cluster = await answered(admin.describeCluster(), this.address, 'describing the cluster');
      const brokers = cluster.brokers.length;
      // The version is a nicety: a broker that will not say leaves it "not known", never fails the test.
      const versions = await answered(
        brokerVersions(
          this.kafka,
          cluster.brokers.map((b) => b.nodeId),
        ),
        this.address,
        'ApiVersions',
      ).catch(() => new Map<number, BrokerVersion>());
      const release = clusterVersionLabel([...versions.values()]);
      // A registry that does not answer fails the test: the records would show raw.
      const registry = this.registry && scope === 'all' ? await this.registry.check().catch((e: unknown) => Promise.reject(registryTestError(e))) : null;
      return {
        ok: true as const,
        server: `Apache Kafka${release ? ` ${release.replace(/^Kafka /, '')}` : ' (version not known)'}, ${brokers} broker${brokers === 1 ? '' : 's'}`,
        details: [
          `cluster id ${cluster.clusterId}`,
          ...(registry ? [registry] : []),
          `controller ${cluster.controller ?? 'unknown'}`,
          ...cluster.brokers.map((b) => {
            const v = versions.get(b.nodeId);
            return `broker ${b.nodeId} at ${b.host}:${b.port}: ${v ? `${v.label ?? 'version not known'} (${v.basis})` : 'version not asked'}`;
          }),
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
      let spans: Map<string, { partition: number; low: string; high: string }[]> | null = null;
      let topics: Awaited<ReturnType<Admin['fetchTopicMetadata']>>['topics'] = [];
      // Twice at most: a topic deleted between the metadata and the offsets is left out on the second look.
      for (let look = 0; spans === null; look++) {
        topics = await this.withAdmin(async (admin) => (await admin.fetchTopicMetadata()).topics, 'listing topics');
        throwIfAborted(signal);
        try {
          spans = await this.answered(this.offsets.of(topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionId) }))), 'reading offsets');
        } catch (e) {
          if (look > 0 || !isUnknownTopic(e)) throw e;
        }
      }
      throwIfAborted(signal);
      const compacted = await this.compactedTopics(topics.map((t) => t.name));
      const sampled = await this.sampleDeadLetters(
        topics.filter((t) => !DEAD_LETTER.test(t.name) && !t.name.startsWith('__')).map((t) => ({ topic: t.name, partitions: spans!.get(t.name) ?? [] })),
        signal,
      );
      const result: Resource[] = [];
      for (const t of topics.sort((a, b) => a.name.localeCompare(b.name))) {
        const offsets = spans.get(t.name) ?? [];
        const partitions = t.partitions
          .map((p) => {
            const o = offsets.find((x) => x.partition === p.partitionId);
            return { partition: p.partitionId, low: o?.low ?? '0', high: o?.high ?? '0', leader: p.leader };
          })
          .sort((a, b) => a.partition - b.partition);
        const records = partitions.reduce((sum, p) => sum + (BigInt(p.high) - BigInt(p.low)), 0n);
        const byName = DEAD_LETTER.test(t.name);
        const origins = sampled.get(t.name) ?? [];
        result.push({
          type: 'kafka-topic',
          name: t.name,
          internal: t.name.startsWith('__'),
          partitions,
          // Watermarks count offsets, not records: compaction and transaction markers leave gaps.
          records: compacted.has(t.name)
            ? { value: Number(records), exact: false, note: 'An offset span: compaction removed records without freeing their offsets.' }
            : this.fetcher.transactional.has(t.name)
              ? { value: Number(records), exact: false, note: 'Written in transactions: each commit or abort marker takes an offset too.' }
              : { value: Number(records), exact: true },
          deadLetter: byName || origins.length > 0,
          deadLetterOf: origins,
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
    const from = options.from;
    if (from.type === 'last') throw new RewindError('invalid_input', 'Only a RabbitMQ stream starts at its last chunk', 'Start from an offset, a time or the beginning.');
    const isolation: Isolation = options.isolation ?? 'read_committed';
    try {
      const { low, high } = await this.watermarks(target.topic, target.partition);
      const start = await this.resolveStart(target.topic, target.partition, from, low, high);
      const end = Math.min(start + limit, high);
      if (start >= end) return { count: 0, next: null, end: String(high), notes: [] };
      const total = end - start;
      let count = 0;
      const range = this.fetcher.range(target.topic, target.partition, start, end, { isolation, signal, maxBytes: PAGE_BYTES });
      let step = await range.next();
      while (!step.done) {
        await prepareRecords(this.decoding, step.value);
        const envelopes = step.value.map((r) => kafkaRecordToEnvelope(target.topic, target.partition, r, options.previewBytes, this.decoding));
        for (let i = 0; i < envelopes.length; i += BATCH_FLUSH) options.onBatch(envelopes.slice(i, i + BATCH_FLUSH));
        count += envelopes.length;
        options.onProgress({ done: count, total, exact: false });
        step = await range.next();
      }
      const stop = step.value;
      const notes: string[] = [];
      if (stop.hidden > 0) notes.push(`${stop.hidden.toLocaleString('en-US')} record${stop.hidden === 1 ? '' : 's'} of aborted transactions hidden (read_committed).`);
      if (stop.removed > 0) notes.push(`${stop.removed.toLocaleString('en-US')} offsets were deleted by retention while this read was on its way to them (the low watermark moved).`);
      if (stop.openTransaction) notes.push(`Stopped at offset ${stop.next}: a transaction there is still open, and read_committed shows records only once it is decided.`);
      return { count, next: stop.next < high ? String(stop.next) : null, end: String(high), notes };
    } catch (e) {
      throw this.fail(e);
    }
  }

  /**
   * A partition from `from` to `to` (inclusive; null: the high watermark when it starts), fetch by
   * fetch, for long reads such as rebuilds. Nothing is read ahead of the caller but the next fetch.
   */
  async *records(topic: string, partition: number, from: ReadFrom, to: number | null, signal: AbortSignal, isolation: Isolation = 'read_committed'): AsyncGenerator<KafkaRecord[]> {
    let start: number;
    let end: number;
    try {
      const { low, high } = await this.watermarks(topic, partition);
      start = await this.resolveStart(topic, partition, from, low, high);
      end = to !== null && to + 1 < high ? to + 1 : high;
    } catch (e) {
      throw this.fail(e);
    }
    if (start >= end) return;
    try {
      yield* this.fetcher.range(topic, partition, start, end, { isolation, signal, maxBytes: SCAN_BYTES });
    } catch (e) {
      throw this.fail(e);
    }
  }

  async *events(target: ReadTarget, from: ReadFrom, to: number | null, signal: AbortSignal): AsyncGenerator<WireEvent[]> {
    if (target.type !== 'kafka-partition') throw new RewindError('unsupported', `Kafka cannot read a ${target.type}`);
    let out: WireEvent[] = [];
    for await (const chunk of this.records(target.topic, target.partition, from, to, signal)) {
      await prepareRecords(this.decoding, chunk);
      for (const r of chunk) out.push(kafkaRecordToWire(target.topic, r, this.decoding));
      // The worker takes a batch per message: fewer, larger ones cost less.
      if (out.length >= 5_000) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await Promise.all([admin?.disconnect().catch(() => undefined), this.fetcher.close()]);
  }

  /**
   * Runs an admin request with a deadline, once more on a fresh admin client if the topic is
   * unknown: kafkajs keeps every topic a client has asked about in its metadata refreshes, so
   * one topic deleted elsewhere fails every later request of that client (kafkajs#1146).
   */
  async withAdmin<T>(request: (admin: Admin) => Promise<T>, what: string): Promise<T> {
    const once = async () => request(await this.getAdmin());
    for (let attempt = 0; ; attempt++) {
      try {
        return await answered(once(), this.address, what);
      } catch (e) {
        if (e instanceof RewindError && e.code === 'network') await this.close();
        if (isUnknownTopic(e) && attempt === 0) {
          await this.close();
          continue;
        }
        // While a leader moves or settles, the cluster says "not the leader" for a few seconds:
        // ask again with fresh metadata (about 3 s in all) before calling it an error.
        if (!transient(e) || attempt >= LEADER_SETTLE_TRIES) throw e;
        await this.close();
        await sleep(Math.min(1_000, 100 * 2 ** attempt), new AbortController().signal);
      }
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
      const offsets = await this.withAdmin((admin) => admin.fetchTopicOffsets(topic), 'reading offsets');
      throwIfAborted(signal);
      if (offsets.length === 0) throw new RewindError('not_found', `No topic ${topic}`);
      if (from.type === 'offsets') {
        const unknown = Object.keys(from.value).filter((p) => !offsets.some((o) => o.partition === Number(p)));
        if (unknown.length) throw new RewindError('invalid_input', `${topic} has no partition ${unknown.join(', ')} (it has ${offsets.length})`);
      }
      const ranges = [];
      for (const o of offsets.sort((a, b) => a.partition - b.partition)) {
        const low = Number(o.low);
        const high = Number(o.high);
        const start =
          from.type === 'offsets'
            ? await this.resolveStart(topic, o.partition, from.value[String(o.partition)] === undefined ? { type: 'start' } : { type: 'position', value: from.value[String(o.partition)]! }, low, high)
            : await this.resolveStart(topic, o.partition, from, low, high);
        ranges.push({ partition: o.partition, start: BigInt(start), end: BigInt(high) });
      }
      return ranges;
    } catch (e) {
      throw this.fail(e);
    }
  }

  /**
   * A topic is a dead-letter topic, whatever its name, when its newest records carry Spring
   * Kafka's or Kafka Connect's dead-letter headers: the topics those say they came from. Samples
   * run a few at a time within a time budget, so a cluster of thousands of topics still lists in
   * about a second; a topic not reached this time is sampled on a later listing (results are kept
   * while its high watermarks do not move).
   */
  private async sampleDeadLetters(topics: { topic: string; partitions: { partition: number; low: string; high: string }[] }[], signal: AbortSignal): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    const todo: typeof topics = [];
    for (const t of topics) {
      const highs = t.partitions.map((p) => p.high).join(',');
      const cached = this.dltSamples.get(t.topic);
      if (cached && cached.highs === highs) found.set(t.topic, cached.origins);
      else if (t.partitions.some((p) => Number(p.high) > Number(p.low))) todo.push(t);
    }
    if (todo.length === 0) return found;
    const deadline = Date.now() + DLT_SAMPLE_BUDGET_MS;
    await this.fetcher.prepare(todo.map((t) => t.topic)).catch(() => undefined);
    const worker = async () => {
      for (let t = todo.shift(); t && Date.now() < deadline && !signal.aborted; t = todo.shift()) {
        const origins = await this.dltOrigins(t.topic, t.partitions, signal);
        if (origins) found.set(t.topic, origins);
      }
    };
    await Promise.all(Array.from({ length: DLT_SAMPLE_PARALLEL }, worker));
    return found;
  }

  private async dltOrigins(topic: string, partitions: { partition: number; low: string; high: string }[], signal: AbortSignal): Promise<string[] | null> {
    const origins = new Set<string>();
    for (const p of partitions.filter((x) => Number(x.high) > Number(x.low)).slice(0, 3)) {
      try {
        // The newest few records: a DLT may hold some without the headers, written by hand.
        const page = await this.fetcher.fetch(topic, p.partition, Math.max(Number(p.low), Number(p.high) - DLT_SAMPLE), { isolation: 'read_uncommitted', signal, maxBytes: 64 * 1024, maxWaitMs: 0 });
        for (const r of page.records) {
          for (const h of r.headers) {
            if ((h.key === 'kafka_dlt-original-topic' || h.key === '__connect.errors.topic') && h.value) origins.add(h.value.toString('utf8'));
          }
        }
      } catch {
        // Not known this time: listed by its name alone, and sampled again next time.
        return null;
      }
    }
    const sorted = [...origins].sort();
    this.dltSamples.set(topic, { highs: partitions.map((p) => p.high).join(','), origins: sorted });
    return sorted;
  }

  /** Topics whose cleanup.policy includes compact, asked for all topics in one request. */
  private async compactedTopics(names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    try {
      const { resources } = await this.withAdmin(
        (admin) => admin.describeConfigs({ includeSynonyms: false, resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })) }),
        'reading topic configs',
      );
      return new Set(resources.filter((r) => r.configEntries.some((c) => c.configName === 'cleanup.policy' && /compact/.test(c.configValue ?? ''))).map((r) => r.resourceName));
    } catch {
      // Without DescribeConfigs rights the counts cannot be known exact: every topic is an estimate.
      return new Set(names);
    }
  }

  private async watermarks(topic: string, partition: number): Promise<{ low: number; high: number }> {
    const offsets = await this.withAdmin((admin) => admin.fetchTopicOffsets(topic), 'reading offsets');
    const o = offsets.find((x) => x.partition === partition);
    if (!o) throw new RewindError('not_found', `Topic ${topic} has no partition ${partition}`);
    return { low: Number(o.low), high: Number(o.high) };
  }

  private async resolveStart(topic: string, partition: number, from: ReadFrom, low: number, high: number): Promise<number> {
    if (from.type === 'start') return low;
    if (from.type === 'position') {
      const wanted = Number(from.value);
      return wanted < low ? low : wanted > high ? high : wanted;
    }
    const byTime = await this.withAdmin((admin) => admin.fetchTopicOffsetsByTimestamp(topic, new Date(from.value).getTime()), 'finding an offset by time');
    const hit = byTime.find((x) => x.partition === partition);
    // -1 means no record at or after that time: start at the end.
    return hit && hit.offset !== '-1' ? Number(hit.offset) : high;
  }

  fail(e: unknown): RewindError {
    return classifyKafkaError(e, this.address, this.profile.tls);
  }

  readonly deadLetters = new KafkaDeadLetters(this);
  readonly compose = new KafkaCompose(this);
  readonly consumerGroups = new KafkaGroups(this);
  readonly topics = new KafkaTopics(this);

  async topicEnds(topics: string[]): Promise<Map<string, { partition: number; low: string; high: string }[]>> {
    if (topics.length === 0) return new Map();
    const all = await this.withAdmin(async (admin) => (await admin.fetchTopicMetadata()).topics, 'listing topics');
    const wanted = new Set(topics);
    const here = all.filter((t) => wanted.has(t.name));
    return this.answered(this.offsets.of(here.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionId) }))), 'reading offsets');
  }

  /** Each partition's watermarks now. */
  async partitions(topic: string, signal: AbortSignal): Promise<{ partition: number; low: number; high: number }[]> {
    const offsets = await this.withAdmin((admin) => admin.fetchTopicOffsets(topic), 'reading offsets').catch((e: unknown) => {
      throw isUnknownTopic(e) ? new RewindError('not_found', `No topic ${topic}`, 'It may have been deleted; refresh the topic list.') : this.fail(e);
    });
    throwIfAborted(signal);
    return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
  }

  async topicExists(topic: string, signal: AbortSignal): Promise<boolean> {
    const topics = await this.withAdmin((admin) => admin.listTopics(), 'listing topics');
    throwIfAborted(signal);
    return topics.includes(topic);
  }

  /** One fetch at an offset, committed records only: null when the partition or the offset is not there (any more). */
  async fetchAt(topic: string, partition: number, offset: number, signal: AbortSignal): Promise<{ records: KafkaRecord[]; next: number } | null> {
    try {
      const got = await this.fetcher.fetch(topic, partition, offset, { isolation: 'read_committed', signal, maxBytes: 1024 * 1024, maxWaitMs: 0 });
      return { records: got.records, next: got.next };
    } catch (e) {
      if (e instanceof OffsetOutOfRange || (e instanceof RewindError && e.code === 'not_found')) return null;
      throw this.fail(e);
    }
  }

  /** Whether the broker's metadata marks a topic internal (`is_internal`, which kafkajs's admin leaves out). */
  async markedInternal(topic: string): Promise<boolean> {
    const cluster = createCluster(this.kafka);
    try {
      await answered(cluster.connect(), this.address, 'connecting');
      const { topicMetadata } = await answered(cluster.metadata({ topics: [topic] }), this.address, 'reading topic metadata');
      return topicMetadata.some((t) => t.topic === topic && t.isInternal === true);
    } finally {
      await cluster.disconnect().catch(() => undefined);
    }
  }

  /** Offsets committed for a group from outside it, as Kafka's own tools do (see offset-commit.ts). */
  commitOffsets(groupId: string, topics: { topic: string; partitions: { partition: number; offset: string }[] }[]): Promise<CommitAnswer[]> {
    return answered(commitOffsets(this.kafka, groupId, topics), this.address, 'committing offsets');
  }

  answered<T>(work: Promise<T>, what: string): Promise<T> {
    return answered(work, this.address, what);
  }

  /** An idempotent producer with acks=all: what a redrive writes is in the log exactly once, or reported. */
  async producer(): Promise<Producer> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await answered(producer.connect(), this.address, 'connecting a producer');
    return producer;
  }
}
