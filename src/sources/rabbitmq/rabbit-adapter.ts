import { DecoderChain } from '../../decoding/decoder-chain';
import type { BodyDecoding } from '../../decoding/decode-body';
import type { ResourceDecoding } from '../../model/decoder-settings';
import { performance } from 'node:perf_hooks';
import { escape as escapeVhost } from 'node:querystring';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { RewindError } from '../../model/errors';
import { streamTls, type RabbitProfile } from './profile';
import type { Envelope } from '../../model/envelope';
import type { ReadFrom, ReadTarget, Resource } from '../../model/resources';
import { throwIfAborted, whenAborted, type ReadOptions, type SourceAdapter, type StreamFollowAbility } from '../source-adapter';
import { ManagementClient, type ManagementQueue } from './management-client';
import type { Topology } from './routing';
import { deadLetterLinks, toTopology, type DeadLetterLink } from './topology';
import { RabbitDeadLetters } from './rabbit-dead-letters';
import { RabbitCompose } from './rabbit-compose';
import { RabbitMap } from './rabbit-map';
import { classifyRabbitError } from './rabbit-errors';
import { rabbitMessageToEnvelope, rabbitMessageToWire } from './rabbit-envelope';
import { ChunkClock, fillEnvelopeTimes, fillWireTimes } from './chunk-clock';
import { StreamReader } from './stream-reader';
import { StreamProtocolError, type StreamEndpoint } from './stream-protocol';
import { rangeBatches, StreamTail, type RangeOutcome, type StreamSeek } from './stream-read';
import { streamRecordToEnvelope, streamRecordToWire } from './stream-message';
import { superStreams, type SuperStream } from './stream-super';
import type { WireEvent } from '../../model/wire';
import { nextSlice, sliceDue } from '../time-slices';

const DEAD_LETTER = /(^|[._-])(dlq|dlx|dead[._-]?letters?|parking[._-]?lot|errors?)([._-]|$)/i;
/** Queues named as sending dead letters to one queue; more are counted. */
const FEEDS_LISTED = 20;
/** A stream has no end marker over AMQP: a read stops when nothing arrives for this long. */
const IDLE_END_MS = 750;
const FIRST_MESSAGE_MS = 3_000;
const BATCH_FLUSH = 500;
/** After the stream protocol could not be reached, reads go without chunk times this long. */
const STREAM_RETRY_MS = 5 * 60_000;

function queueType(q: ManagementQueue): 'classic' | 'quorum' | 'stream' {
  return q.type === 'quorum' || q.type === 'stream' ? q.type : 'classic';
}

export class RabbitAdapter implements SourceAdapter {
  /** Streams are followed; queues are browsed without taking. */
  readonly follows = true;
  readonly seeksByTime = true;
  private readonly address: string;
  private readonly management: ManagementClient;
  private vhostInUse: string;
  private streamProtocolDownUntil = 0;
  /** Why the stream protocol could not be used last time, said with reads that went over AMQP meanwhile. */
  private streamProtocolDownReason = '';
  /** The vhost as a map: topology, routing answers, queue pages and the queue tools. */
  readonly rabbitMap: RabbitMap;
  /** What bodies mean: RabbitMQ has no registry framing; content type, the user's choices and the chain's own look. */
  private readonly decoding = new DecoderChain(null);

  constructor(
    private readonly profile: RabbitProfile,
    private readonly password: string | null,
    /** Tests only: a stream port other than the profile's (the password's target stays the profile's). */
    private readonly streamOptions: { streamPort?: number } = {},
  ) {
    this.address = `${profile.host}:${profile.port}`;
    this.vhostInUse = profile.vhost;
    this.decoding.useEnvelopeRules(profile.envelopeRules ?? []);
    this.management = new ManagementClient({
      host: profile.host,
      port: profile.managementPort,
      tls: profile.tls,
      username: profile.username,
      password: password ?? '',
    });
    this.rabbitMap = new RabbitMap({ management: this.management, connectTo: (vhost) => this.connect(vhost), fail: (e) => this.fail(e) });
  }

  useDecoders(settings: Record<string, ResourceDecoding>): void {
    this.decoding.useMapping(settings);
  }

  /** The chain and the key a queue's choices are kept under: `vhost/queue`. */
  bodyDecoding(target: { vhost: string; queue: string }): BodyDecoding {
    return { chain: this.decoding, resource: `${target.vhost}/${target.queue}` };
  }

  async test(signal: AbortSignal) {
    const started = performance.now();
    let conn: ChannelModel | null = null;
    try {
      conn = await this.connect(this.profile.vhost);
      throwIfAborted(signal);
      const props = conn.connection.serverProperties;
      const version = typeof props.version === 'string' ? props.version : 'unknown version';
      const details = [`AMQP ${this.address}, vhost ${this.profile.vhost}`];
      try {
        const overview = await this.management.overview(signal);
        details.push(`management API :${this.profile.managementPort}, cluster ${overview.cluster_name ?? 'unnamed'}`);
      } catch (e) {
        // AMQP works; say plainly what will not.
        const reason = e instanceof RewindError ? e.message : String(e);
        details.push(`Queues cannot be listed: ${reason}`);
      }
      return { ok: true as const, server: `RabbitMQ ${version}`, details, latencyMs: performance.now() - started };
    } catch (e) {
      throw this.fail(e);
    } finally {
      await conn?.close().catch(() => undefined);
    }
  }

  async listResources(signal: AbortSignal): Promise<Resource[]> {
    const [vhosts, queues] = await Promise.all([this.management.vhosts(signal), this.management.queues(signal)]);
    const resources: Resource[] = vhosts.map((v) => ({ type: 'rabbit-vhost', name: v.name }));
    // A queue is a dead-letter queue because the topology sends dead letters to it, whatever its name.
    const links = (await Promise.all(vhosts.map((v) => this.deadLetterLinks(v.name, queues, signal).catch(() => [])))).flat();
    const supers = await Promise.all(vhosts.map((v) => this.superStreams(v.name, queues, signal)));
    // Who feeds each queue, found once: a 5,000-queue vhost whose 500 DLXs each reach 400 queues
    // took 3 s when every queue looked through every link.
    const feedsOf = new Map<string, { queue: string; exchange: string; routingKey: string | null }[]>();
    for (const l of links) {
      for (const to of new Set(l.to)) {
        const key = `${l.vhost}\u0000${to}`;
        const feeds = feedsOf.get(key) ?? [];
        feeds.push({ queue: l.from, exchange: l.exchange, routingKey: l.routingKey });
        feedsOf.set(key, feeds);
      }
      if (sliceDue()) await nextSlice();
    }
    const collator = new Intl.Collator();
    queues.sort((a, b) => collator.compare(a.vhost, b.vhost) || collator.compare(a.name, b.name));
    for (const q of queues) {
      if (sliceDue()) await nextSlice();
      const feeds = feedsOf.get(`${q.vhost}\u0000${q.name}`) ?? [];
      resources.push({
        type: 'rabbit-queue',
        vhost: q.vhost,
        name: q.name,
        queueType: queueType(q),
        // The management API samples every few seconds: a count, not a promise.
        messages: { value: Math.max(0, q.messages ?? 0), exact: false, note: 'Sampled by the management API every few seconds.' },
        consumers: q.consumers ?? 0,
        deadLetter: DEAD_LETTER.test(q.name) || feeds.length > 0,
        // A DLX that fans out to hundreds of queues made every one of them list every source: the
        // sidebar's answer for 5,000 queues grew to 12 MB. The first few are named, the rest counted.
        deadLetterOf: feeds.slice(0, FEEDS_LISTED),
        ...(feeds.length > FEEDS_LISTED ? { deadLetterOfTotal: feeds.length } : {}),
      });
    }
    // A super stream is listed once, with its partitions; each partition stays listed as the stream it is.
    resources.push(...supers.flat());
    return resources;
  }

  /** The vhost's super streams; none when its exchanges cannot be listed (the queues still are). */
  private async superStreams(vhost: string, queues: ManagementQueue[], signal: AbortSignal): Promise<SuperStream[]> {
    try {
      const [exchanges, bindings] = await Promise.all([this.management.exchanges(vhost, signal), this.management.bindings(vhost, signal)]);
      return superStreams(vhost, exchanges, bindings, queues);
    } catch {
      return [];
    }
  }

  /** The vhost's topology as the routing simulator takes it. */
  async topology(vhost: string, signal: AbortSignal, queues?: ManagementQueue[]): Promise<Topology> {
    const [exchanges, bindings, policies, qs] = await Promise.all([
      this.management.exchanges(vhost, signal),
      this.management.bindings(vhost, signal),
      this.management.policies(vhost, signal).catch(() => []),
      queues ? Promise.resolve(queues) : this.management.queues(signal),
    ]);
    return toTopology(vhost, exchanges, qs, bindings, policies);
  }

  async deadLetterLinks(vhost: string, queues: ManagementQueue[], signal: AbortSignal): Promise<DeadLetterLink[]> {
    return deadLetterLinks(vhost, queues, await this.topology(vhost, signal, queues));
  }

  async read(options: ReadOptions) {
    const { target, limit, signal } = options;
    if (target.type !== 'rabbit-stream') throw new RewindError('unsupported', `RabbitMQ cannot range-read a ${target.type}`);
    // The stream protocol knows where the stream ends; AMQP only when it is out of reach (or a
    // classic queue was named: the stream protocol does not know it, and the check below says so).
    const opened = await this.openStreamReader(target.vhost);
    let reason = 'reason' in opened ? opened.reason : '';
    if ('reader' in opened) {
      try {
        return await this.readByStreamProtocol(opened.reader, target, options);
      } catch (e) {
        if (!(e instanceof FallBackToAmqp)) throw e;
        reason = e.message;
      } finally {
        opened.reader.close();
      }
    }
    let estimate: number | null = null;
    try {
      const queues = await this.management.queues(signal);
      const q = queues.find((x) => x.vhost === target.vhost && x.name === target.queue);
      if (q && queueType(q) !== 'stream') {
        throw new RewindError('unsupported', `${target.queue} is a ${queueType(q)} queue; only stream queues can be read without consuming`, 'Use a stream queue, or peek from the queue view.');
      }
      estimate = q?.messages ?? null;
    } catch (e) {
      if (e instanceof RewindError && e.code === 'unsupported') throw e;
      /* management is optional for reading; carry on without an estimate */
    }
    let count = 0;
    let last: bigint | null = null;
    const clock = this.chunkClock(target);
    // Batches go out in order once their times are filled; the consumer runs on meanwhile.
    let delivered = Promise.resolve();
    try {
      await this.consumeStream(
        target,
        options.from,
        signal,
        limit,
        (batch) => {
          count += batch.length;
          const done = count;
          const tail = batch[batch.length - 1];
          if (tail) last = BigInt(tail.position);
          delivered = delivered.then(async () => {
            await fillEnvelopeTimes(batch, clock);
            options.onBatch(batch);
            options.onProgress({ done, total: estimate === null ? null : Math.min(limit, estimate), exact: false });
          });
          return count >= limit;
        },
        true,
        (m) => rabbitMessageToEnvelope(target.queue, m, undefined, options.previewBytes, this.bodyDecoding(target)),
      );
      await delivered;
    } finally {
      clock?.close();
    }
    const lastSeen = last as bigint | null;
    return {
      count,
      next: count >= limit && lastSeen !== null ? (lastSeen + 1n).toString() : null,
      end: null,
      via: 'AMQP' as const,
      notes: [`Read over AMQP because ${reason}. AMQP does not say where a stream ends, so this read stopped after ${IDLE_END_MS} ms without a message.`],
    };
  }

  /** A range read by the stream protocol: from `from` to the last offset the stream had when it began. */
  private async readByStreamProtocol(reader: StreamReader, target: StreamTarget, options: ReadOptions) {
    const { limit, signal } = options;
    const outcome: RangeOutcome = { bounds: null, count: 0, lastOffset: null, next: null };
    let done = 0;
    let first: bigint | null = null;
    const decoding = this.bodyDecoding(target);
    const convert = (offset: bigint, message: Buffer, chunkTime: number) => streamRecordToEnvelope(target.queue, offset, chunkTime, message, options.previewBytes, decoding);
    try {
      for await (const batch of rangeBatches(reader, target.queue, options.from, { limit, signal, convert }, outcome)) {
        first ??= BigInt(batch[0]!.position);
        done += batch.length;
        options.onBatch(batch);
        // Offsets in a stream have no gaps: from the first one read to the end is the exact total.
        const total = outcome.bounds ? Math.min(limit, Number(outcome.bounds.last - first + 1n)) : null;
        options.onProgress({ done, total, exact: total !== null });
      }
    } catch (e) {
      throw done === 0 ? this.streamFallBack(e) : this.streamFail(e);
    }
    return {
      count: outcome.count,
      next: outcome.next === null ? null : outcome.next.toString(),
      // As Kafka's high watermark: the offset after the last one.
      end: outcome.bounds ? (outcome.bounds.last + 1n).toString() : null,
      via: 'stream protocol' as const,
    };
  }

  async *events(target: ReadTarget, from: ReadFrom, to: number | null, signal: AbortSignal, buffer = 10_000): AsyncGenerator<WireEvent[]> {
    if (target.type !== 'rabbit-stream') throw new RewindError('unsupported', `RabbitMQ cannot read a ${target.type}`);
    const opened = await this.openStreamReader(target.vhost);
    if ('reader' in opened) {
      const outcome: RangeOutcome = { bounds: null, count: 0, lastOffset: null, next: null };
      const decoding = this.bodyDecoding(target);
      const convert = (offset: bigint, message: Buffer, chunkTime: number) => streamRecordToWire(target.queue, offset, chunkTime, message, decoding);
      const range = rangeBatches(opened.reader, target.queue, from, { limit: Number.POSITIVE_INFINITY, to: to === null ? null : BigInt(to), signal, convert, batch: buffer }, outcome);
      let fellBack = false;
      try {
        for (;;) {
          let step: IteratorResult<WireEvent[]>;
          try {
            step = await range.next();
          } catch (e) {
            const fallBack = outcome.count === 0 ? this.streamFallBack(e) : this.streamFail(e);
            if (!(fallBack instanceof FallBackToAmqp)) throw fallBack;
            fellBack = true;
            break;
          }
          if (step.done) break;
          yield step.value;
        }
      } finally {
        await range.return(undefined).catch(() => undefined);
        opened.reader.close();
      }
      if (!fellBack) return;
    }
    let next: ReadFrom = from;
    for (;;) {
      const page: WireEvent[] = [];
      await this.consumeStream<WireEvent>(
        target,
        next,
        signal,
        buffer,
        (batch) => (page.push(...batch), page.length >= buffer),
        true,
        (m) => rabbitMessageToWire(target.queue, m, this.bodyDecoding(target)),
      );
      const clock = this.chunkClock(target);
      await fillWireTimes(page, clock).finally(() => clock?.close());
      const wanted = to === null ? page : page.filter((e) => e.position <= to);
      if (wanted.length > 0) yield wanted;
      const last = page[page.length - 1];
      // A short page met the end of the stream.
      if (page.length < buffer || !last || (to !== null && last.position >= to)) return;
      next = { type: 'position', value: String(last.position + 1) };
    }
  }

  /**
   * Follows a stream live from `from` (the stream protocol's `next`: only what arrives from now)
   * until the signal aborts. By the stream protocol, pause() stops asking the broker for more and
   * resume() goes on from there, nothing missed; over AMQP (its port out of reach) they do nothing.
   */
  async followStream(
    target: StreamTarget,
    from: StreamSeek,
    signal: AbortSignal,
    onBatch: (items: Envelope[]) => void,
  ): Promise<{ via: 'stream protocol' | 'AMQP'; done: Promise<void>; pause(): void; resume(): void }> {
    const opened = await this.openStreamReader(target.vhost);
    if ('reader' in opened) {
      const r = opened.reader;
      const decoding = this.bodyDecoding(target);
      const convert = (offset: bigint, message: Buffer, chunkTime: number) => streamRecordToEnvelope(target.queue, offset, chunkTime, message, undefined, decoding);
      const tail = new StreamTail(r, target.queue, from, signal, convert, onBatch);
      const done = tail.done.catch((e: unknown) => Promise.reject(this.streamFail(e))).finally(() => r.close());
      done.catch(() => undefined);
      // Handed out once the broker has the subscription: what is written after this call is seen.
      const refused = await tail.ready.then(
        () => null,
        (e: unknown) => this.streamFallBack(e),
      );
      if (!refused) return { via: 'stream protocol', done, pause: () => tail.pause(), resume: () => tail.resume() };
      if (!(refused instanceof FallBackToAmqp)) throw refused;
    }
    const seek: ReadFrom = from.type === 'first' ? { type: 'start' } : from.type === 'last' || from.type === 'next' ? { type: 'position', value: '0' } : from;
    const clock = this.chunkClock(target);
    let delivered = Promise.resolve();
    const done = (async () => {
      try {
        await this.consumeStream(
          target,
          seek,
          signal,
          Number.POSITIVE_INFINITY,
          (batch) => {
            delivered = delivered.then(async () => {
              await fillEnvelopeTimes(batch, clock);
              onBatch(batch);
            });
            return false;
          },
          false,
          (m) => rabbitMessageToEnvelope(target.queue, m, undefined, undefined, this.bodyDecoding(target)),
          from.type === 'next' ? 'next' : from.type === 'last' ? 'last' : undefined,
        );
        await delivered;
      } finally {
        clock?.close();
      }
    })();
    done.catch(() => undefined);
    return { via: 'AMQP', done, pause: () => undefined, resume: () => undefined };
  }

  readonly deadLetters = new RabbitDeadLetters(this);
  readonly compose = new RabbitCompose(this);
  readonly streams: StreamFollowAbility = {
    follow: (target, from, signal, onBatch) => {
      if (target.type !== 'rabbit-stream') throw new RewindError('unsupported', 'Only RabbitMQ streams are followed this way');
      return this.followStream(target, from, signal, onBatch);
    },
  };

  async connectTo(vhost: string): Promise<ChannelModel> {
    return this.connect(vhost);
  }

  async queueInfo(vhost: string, name: string, signal: AbortSignal): Promise<ManagementQueue> {
    const q = (await this.management.queues(signal)).find((x) => x.vhost === vhost && x.name === name);
    if (!q) throw new RewindError('not_found', `No queue ${name} in vhost ${vhost}`, 'It may have been deleted; reload the connection.');
    return q;
  }

  async streamHead(vhost: string, queue: string, limit: number, signal: AbortSignal): Promise<Envelope[]> {
    const messages: Envelope[] = [];
    const opened = await this.openStreamReader(vhost);
    if ('reader' in opened) {
      try {
        const outcome: RangeOutcome = { bounds: null, count: 0, lastOffset: null, next: null };
        const decoding = this.bodyDecoding({ vhost, queue });
        const convert = (offset: bigint, message: Buffer, chunkTime: number) => streamRecordToEnvelope(queue, offset, chunkTime, message, undefined, decoding);
        for await (const batch of rangeBatches(opened.reader, queue, { type: 'start' }, { limit, signal, convert }, outcome)) messages.push(...batch);
        return messages;
      } catch (e) {
        const fallBack = messages.length === 0 ? this.streamFallBack(e) : this.streamFail(e);
        if (!(fallBack instanceof FallBackToAmqp)) throw fallBack;
      } finally {
        opened.reader.close();
      }
    }
    await this.consumeStream({ type: 'rabbit-stream', vhost, queue }, { type: 'start' }, signal, limit, (batch) => (messages.push(...batch), messages.length >= limit));
    const clock = this.chunkClock({ type: 'rabbit-stream', vhost, queue });
    await fillEnvelopeTimes(messages, clock).finally(() => clock?.close());
    return messages;
  }

  async close(): Promise<void> {
    /* every operation opens and closes its own AMQP connection */
  }

  private async connect(vhost: string): Promise<ChannelModel> {
    try {
      this.vhostInUse = vhost;
      const conn = await amqp.connect(
        {
          protocol: this.profile.tls ? 'amqps' : 'amqp',
          hostname: this.profile.host,
          port: this.profile.port,
          username: this.profile.username,
          password: this.password ?? '',
          // amqplib unescapes the vhost it is given: escaped here, `%2F` stays `%2F` and is not `/`.
          vhost: escapeVhost(vhost),
          heartbeat: 30,
        },
        // Named, so operators see who is connected in the management UI.
        { timeout: 5_000, servername: this.profile.host, clientProperties: { connection_name: 'Rewind' } },
      );
      // Errors after connect surface on the channel in use; this keeps them from being unhandled.
      conn.on('error', () => undefined);
      return conn;
    } catch (e) {
      throw this.fail(e);
    }
  }

  /**
   * Stream queues are read over AMQP with a consumer that starts at an offset and acks as it goes
   * (reading a stream removes nothing). `onBatch` returns true when enough has been read.
   */
  private async consumeStream<T = Envelope>(
    target: Extract<ReadTarget, { type: 'rabbit-stream' }>,
    from: ReadFrom | { type: 'last' },
    signal: AbortSignal,
    limit: number,
    onBatch: (batch: T[]) => boolean,
    idleEnds = true,
    convert: (message: ConsumeMessage) => T = (m) => rabbitMessageToEnvelope(target.queue, m, undefined, undefined, this.bodyDecoding(target)) as T,
    /** AMQP's own `x-stream-offset` words, for a tail that starts at the end. */
    offsetWord?: 'next' | 'last',
  ): Promise<void> {
    let conn: ChannelModel | null = null;
    let timer: NodeJS.Timeout | undefined;
    try {
      conn = await this.connect(target.vhost);
      const channel: Channel = await conn.createChannel();
      const closed = new Promise<never>((_, reject) => {
        channel.on('error', (e: Error) => reject(this.fail(e)));
        conn?.on('close', (e?: Error) => reject(this.fail(e ?? new Error('connection closed'))));
      });
      closed.catch(() => undefined);
      await channel.prefetch(Math.min(Number.isFinite(limit) ? limit : 1000, 1000));
      let buffer: T[] = [];
      let received = 0;
      let stop!: () => void;
      const done = new Promise<void>((resolve) => (stop = resolve));
      const arm = (ms: number) => {
        if (!idleEnds) return;
        clearTimeout(timer);
        timer = setTimeout(() => flush(true), ms);
      };
      const flush = (end: boolean) => {
        const batch = buffer;
        buffer = [];
        const enough = batch.length > 0 && onBatch(batch);
        if (enough || end) stop();
      };
      const onMessage = (message: ConsumeMessage | null) => {
        if (!message) return stop(); // cancelled by the server (queue deleted)
        if (received >= limit) return;
        received++;
        buffer.push(convert(message));
        channel.ack(message);
        if (buffer.length >= BATCH_FLUSH || received >= limit) flush(received >= limit);
        else arm(IDLE_END_MS);
      };
      const { consumerTag } = await channel.consume(target.queue, onMessage, {
        noAck: false,
        arguments: { 'x-stream-offset': offsetWord ?? streamOffset(from) },
      });
      arm(FIRST_MESSAGE_MS);
      whenAborted(signal, () => stop());
      await Promise.race([done, closed]);
      if (buffer.length > 0) flush(true);
      await channel.cancel(consumerTag).catch(() => undefined);
      throwIfAborted(signal);
    } catch (e) {
      throw this.fail(e);
    } finally {
      clearTimeout(timer);
      await conn?.close().catch(() => undefined);
    }
  }

  /**
   * Reads the times a stream's chunks were written, for messages that carry no time (see
   * ChunkClock); null while the stream protocol is known to be out of reach.
   */
  private chunkClock(target: Extract<ReadTarget, { type: 'rabbit-stream' }>): ChunkClock | null {
    if (Date.now() < this.streamProtocolDownUntil) return null;
    return new ChunkClock(this.streamEndpoint(target.vhost), target.queue, () => (this.streamProtocolDownUntil = Date.now() + STREAM_RETRY_MS));
  }

  private streamEndpoint(vhost: string): StreamEndpoint {
    const p = this.profile;
    // The profile's stream port, with the AMQP port's TLS unless the user allowed it without.
    const port = this.streamOptions.streamPort ?? p.streamPort;
    return { host: p.host, port, tls: streamTls(p), username: p.username, password: this.password ?? '', vhost };
  }

  /** A stream-protocol connection to the vhost, or why there is none (reads then go over AMQP). */
  private async openStreamReader(vhost: string): Promise<{ reader: StreamReader } | { reason: string }> {
    if (Date.now() < this.streamProtocolDownUntil) return { reason: this.streamProtocolDownReason };
    const endpoint = this.streamEndpoint(vhost);
    try {
      // Named for the connection profile, so operators see whose stream connection it is.
      return { reader: await StreamReader.open(endpoint, `Rewind: ${this.profile.name} (stream reader)`) };
    } catch (e) {
      // Nothing listening, no answer, a refused login: not worth a try per read for a while.
      this.streamProtocolDownUntil = Date.now() + STREAM_RETRY_MS;
      this.streamProtocolDownReason = `the stream protocol at ${endpoint.host}:${endpoint.port} could not be used (${e instanceof Error ? e.message : String(e)})`;
      return { reason: this.streamProtocolDownReason };
    }
  }

  /** A failure before anything was read: the broker refused the stream protocol for this stream, so AMQP is tried. */
  private streamFallBack(e: unknown): Error {
    if (e instanceof StreamProtocolError) return new FallBackToAmqp(`the stream protocol refused this stream (${e.message})`);
    return this.streamFail(e);
  }

  private streamFail(e: unknown): Error {
    if (e instanceof RewindError || (e instanceof Error && e.name === 'AbortError')) return e;
    if (e instanceof StreamProtocolError) return new RewindError('network', `Reading the stream failed: ${e.message}`, 'Check that the broker is up, then read again from where it stopped.');
    return this.fail(e);
  }

  fail(e: unknown): RewindError {
    return classifyRabbitError(e, this.address, this.profile.tls, this.vhostInUse, this.profile.username);
  }
}

type StreamTarget = Extract<ReadTarget, { type: 'rabbit-stream' }>;

/** Raised inside a stream read that found the stream protocol refused before reading anything. */
class FallBackToAmqp extends Error {}

function streamOffset(from: ReadFrom | { type: 'last' }): unknown {
  switch (from.type) {
    case 'start':
      return 'first';
    case 'last':
      return 'last';
    case 'position':
      return Number(from.value);
    case 'time':
      return { '!': 'timestamp', value: Math.floor(new Date(from.value).getTime() / 1000) };
  }
}
