import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { RewindError } from '../../model/errors';
import { BATCH_LIMIT_VARIABLE, batchLimitBytes, batchLimitMb } from '../batch-limit';
import { throwIfAborted, whenAborted } from '../source-adapter';

/**
 * The commands of RabbitMQ's stream protocol (the rabbitmq_stream plugin, port 5552; 5551 with
 * TLS) that Rewind reads streams with: connect, authenticate (PLAIN), subscribe from an offset
 * specification with credit, unsubscribe, the chunks delivered, and StreamStats where the broker
 * has it (3.11 and later; older brokers close the connection on a command they do not know, so
 * it is only sent to brokers whose version says they have it). Chunks arrive whole; see
 * stream-chunk.ts for their records.
 *
 * Nothing the server declares is taken on trust: a frame larger than agreed is refused as soon as
 * its size is read (before its bytes are kept) and the connection closed; every request has a
 * time limit and can be abandoned by its caller; a malformed frame fails the connection with
 * what was wrong.
 */

export interface StreamEndpoint {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
  vhost: string;
}

/** One chunk as its header describes it: offsets [first, first + records) written at `timestamp` (ms). */
export interface ChunkHeader {
  first: bigint;
  records: number;
  timestamp: number;
}

/** A delivered chunk: its header, its type (0: messages; others: the broker's tracking) and its entries' bytes. */
export interface Chunk extends ChunkHeader {
  type: number;
  entries: number;
  data: Buffer;
  /** The CRC-32 of `data` as the chunk's header gives it (stream-chunk.ts checks it). */
  crc: number;
}

/** Where a subscription starts, as the protocol's OffsetSpecification says it. */
export type OffsetSpec = { type: 'first' } | { type: 'last' } | { type: 'next' } | { type: 'offset'; offset: bigint } | { type: 'timestamp'; ms: number };

const KEY = {
  subscribe: 7,
  deliver: 8,
  credit: 9,
  unsubscribe: 12,
  metadataUpdate: 16,
  peerProperties: 17,
  saslHandshake: 18,
  saslAuthenticate: 19,
  tune: 20,
  open: 21,
  close: 22,
  heartbeat: 23,
  streamStats: 28,
} as const;
const NAMES: Record<number, string> = { 7: 'Subscribe', 12: 'Unsubscribe', 17: 'PeerProperties', 18: 'SaslHandshake', 19: 'SaslAuthenticate', 21: 'Open', 28: 'StreamStats' };
const RESPONSE = 0x8000;
const OK = 1;
/**
 * The largest frame other than a chunk delivery, offered in Tune (RabbitMQ's own default, and
 * ample for every answer Rewind asks for). Deliveries are not held to it: RabbitMQ sends a chunk
 * whole, larger than the frame max when its messages are, so they are held to the batch limit.
 */
const FRAME_MAX = 1_048_576;
/** A request the server has not answered in this long fails the connection. */
const REQUEST_MS = 10_000;
const CODES: Record<number, string> = {
  2: 'the stream does not exist',
  4: 'no such subscription',
  6: 'the stream is not available on this node',
  8: 'authentication failed',
  11: 'this user may only connect from localhost',
  12: 'no access to the virtual host',
  13: 'the broker does not know this command',
  16: 'access refused',
};
/** The osiris chunk header that starts every Deliver, after the subscription id. */
const CHUNK_HEADER = 48;
/** What a Deliver frame carries besides the chunk's data: key and version, subscription id, header, bloom filter. */
const DELIVER_OVERHEAD = 4 + 1 + CHUNK_HEADER + 255;

export class StreamProtocolError extends Error {
  constructor(
    message: string,
    /** The protocol's response code, when the broker answered with one. */
    readonly code: number | null = null,
  ) {
    super(message);
  }
}

export class StreamConnection {
  /** Bytes received and not yet framed, kept as pieces: a chunk spans many socket reads. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  private correlation = 0;
  private readonly pending = new Map<number, { resolve: (body: Buffer) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  /** The frame max agreed in Tune (before it, the one Rewind offers). */
  private frameMax = FRAME_MAX;
  /** The server tunes after authentication and refuses Open until the client has tuned back. */
  private tuned!: () => void;
  private readonly tuning = new Promise<void>((resolve) => (this.tuned = resolve));
  /** The broker's version from its peer properties ("3.10.8"), or null when it gave none. */
  serverVersion: string | null = null;
  onChunk: (subscriptionId: number, chunk: Chunk) => void = () => undefined;
  /** The broker refused credit for a subscription (it no longer exists). */
  onCreditError: (subscriptionId: number, code: number) => void = () => undefined;
  /** The stream moved or was deleted: the broker has dropped its subscriptions. */
  onStreamGone: (stream: string) => void = () => undefined;
  onClose: (e: Error) => void = () => undefined;

  private constructor(
    private readonly socket: Socket,
    /** host:port, for what errors say. */
    private readonly label: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.read(d));
    const end = (e: Error) => this.fail(e);
    socket.on('error', end);
    socket.on('close', () => end(new StreamProtocolError('the stream connection closed')));
  }

  /** Connects and opens the virtual host; rejects within `timeoutMs` whatever the server does. */
  static async open(endpoint: StreamEndpoint, timeoutMs: number, name = 'Rewind'): Promise<StreamConnection> {
    const socket = endpoint.tls ? tlsConnect({ host: endpoint.host, port: endpoint.port, servername: endpoint.host }) : tcpConnect({ host: endpoint.host, port: endpoint.port });
    const conn = new StreamConnection(socket, `${endpoint.host}:${endpoint.port}`);
    const timer = setTimeout(() => conn.fail(new StreamProtocolError(`no answer from ${endpoint.host}:${endpoint.port} in ${timeoutMs} ms`)), timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once(endpoint.tls ? 'secureConnect' : 'connect', resolve);
        socket.once('error', reject);
      });
      const peer = await conn.request(KEY.peerProperties, map({ product: 'Rewind', connection_name: name }));
      conn.serverVersion = readMap(peer).version ?? null;
      await conn.request(KEY.saslHandshake, Buffer.alloc(0));
      const plain = Buffer.from(`\0${endpoint.username}\0${endpoint.password}`);
      await conn.request(KEY.saslAuthenticate, Buffer.concat([str('PLAIN'), int32(plain.length), plain]));
      const closed = conn.closed();
      closed.catch(() => undefined);
      await Promise.race([conn.tuning, closed]);
      await conn.request(KEY.open, str(endpoint.vhost));
      return conn;
    } catch (e) {
      conn.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Subscribes from `spec` with `credit` chunks granted; more come as credit() allows. */
  async subscribe(subscriptionId: number, stream: string, spec: OffsetSpec, credit = 0, signal?: AbortSignal): Promise<void> {
    await this.request(KEY.subscribe, Buffer.concat([Buffer.from([subscriptionId]), str(stream), offsetSpec(spec), uint16(credit), int32(0)]), signal);
  }

  async unsubscribe(subscriptionId: number): Promise<void> {
    await this.request(KEY.unsubscribe, Buffer.from([subscriptionId]));
  }

  credit(subscriptionId: number, chunks: number): void {
    if (this.failure) return;
    this.send(KEY.credit, Buffer.concat([Buffer.from([subscriptionId]), uint16(chunks)]));
  }

  /** Whether the broker has StreamStats (RabbitMQ 3.11 and later). */
  hasStreamStats(): boolean {
    const [major = 0, minor = 0] = (this.serverVersion ?? '').split('.').map((x) => Number.parseInt(x, 10) || 0);
    return major > 3 || (major === 3 && minor >= 11);
  }

  /**
   * The stream's statistics (RabbitMQ 3.11+): `first_chunk_id` is the first offset of its first
   * chunk, `committed_chunk_id` that of its last committed chunk (-1 on an empty stream).
   */
  async streamStats(stream: string, signal?: AbortSignal): Promise<Record<string, bigint>> {
    const body = await this.request(KEY.streamStats, str(stream), signal);
    const malformed = () => new StreamProtocolError(`the stream server at ${this.label} sent a malformed StreamStats answer`);
    const out: Record<string, bigint> = {};
    if (body.length < 4) throw malformed();
    let at = 4;
    const count = body.readInt32BE(0);
    // A name's length and a 64-bit value at the least, each.
    if (count < 0 || count > (body.length - 4) / 10) throw malformed();
    for (let i = 0; i < count; i++) {
      if (at + 2 > body.length) throw malformed();
      const n = body.readUInt16BE(at);
      if (at + 2 + n + 8 > body.length) throw malformed();
      const key = body.toString('utf8', at + 2, at + 2 + n);
      at += 2 + n;
      out[key] = body.readBigInt64BE(at);
      at += 8;
    }
    return out;
  }

  close(): void {
    this.fail(new StreamProtocolError('the stream connection was closed'));
  }

  get failed(): Error | null {
    return this.failure;
  }

  /** Rejects once the connection has failed (for waits that are not requests). */
  closed(): Promise<never> {
    return new Promise((_, reject) => {
      if (this.failure) return reject(this.failure);
      const previous = this.onClose;
      this.onClose = (e) => (previous(e), reject(e));
    });
  }

  /**
   * Sends a request and waits for its answer: at most REQUEST_MS (then the connection fails, as
   * one that stopped answering), or until `signal` aborts (then the answer is no longer awaited).
   */
  private request(key: number, body: Buffer, signal?: AbortSignal): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    if (signal) throwIfAborted(signal);
    const id = ++this.correlation;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.fail(
            new RewindError('timeout', `The stream server at ${this.label} did not answer ${NAMES[key] ?? `command ${key}`} in ${REQUEST_MS / 1000} s`, 'The broker may be overloaded; try again.'),
          ),
        REQUEST_MS,
      );
      const settled = () => {
        clearTimeout(timer);
        off();
        this.pending.delete(id);
      };
      const off = signal
        ? whenAborted(signal, () => {
            settled();
            try {
              throwIfAborted(signal);
            } catch (e) {
              reject(e as Error);
            }
          })
        : () => undefined;
      this.pending.set(id, { resolve: (b) => (settled(), resolve(b)), reject: (e) => (settled(), reject(e)) });
      this.send(key, Buffer.concat([int32(id), body]));
    });
  }

  private send(key: number, body: Buffer): void {
    const frame = Buffer.alloc(8);
    frame.writeUInt32BE(4 + body.length, 0);
    frame.writeUInt16BE(key, 4);
    frame.writeUInt16BE(1, 6);
    this.socket.write(Buffer.concat([frame, body]));
  }

  private read(data: Buffer): void {
    if (this.failure) return;
    this.parts.push(data);
    this.partsLength += data.length;
    while (this.partsLength >= 4 && !this.failure) {
      let head = this.parts[0]!;
      if (head.length < 6 && this.partsLength >= 6) head = this.join();
      else if (head.length < 4) head = this.join();
      const size = head.readUInt32BE(0);
      // Checked as soon as the size is known, before the frame's bytes are kept. Until its key
      // has arrived a frame may be a delivery, and is held to that limit.
      const deliver = head.length < 6 || head.readUInt16BE(4) === KEY.deliver;
      const limit = deliver ? batchLimitBytes() + DELIVER_OVERHEAD : this.frameMax;
      if (size > limit) return this.fail(this.tooLarge(size, deliver));
      if (this.partsLength < 4 + size) return;
      // Most frames sit in the first piece; a chunk larger than a socket read is joined once.
      if (head.length < 4 + size) head = this.join();
      const frame = head.subarray(4, 4 + size);
      if (head.length === 4 + size) this.parts.shift();
      else this.parts[0] = head.subarray(4 + size);
      this.partsLength -= 4 + size;
      try {
        if (frame.length < 4) throw new RangeError('shorter than its key and version');
        this.frame(frame.readUInt16BE(0), frame.subarray(4));
      } catch (e) {
        const known = e instanceof RewindError || e instanceof StreamProtocolError;
        this.fail(known ? e : new StreamProtocolError(`the stream server at ${this.label} sent a malformed frame (${e instanceof Error ? e.message : String(e)})`));
        return;
      }
    }
  }

  private tooLarge(size: number, deliver: boolean): RewindError {
    const mb = (n: number) => `${Math.round(n / 1048576)} MB`;
    return deliver
      ? new RewindError(
          'limit',
          `The stream server at ${this.label} sent a frame of ${mb(size)}, more than the ${batchLimitMb()} MB Rewind takes in one chunk; the connection was closed`,
          `If the stream really holds chunks that large, start Rewind with ${BATCH_LIMIT_VARIABLE} set higher (in MB).`,
        )
      : new RewindError(
          'limit',
          `The stream server at ${this.label} sent a frame of ${mb(size)}, more than the ${this.frameMax} bytes agreed; the connection was closed`,
          'Check that RabbitMQ’s stream plugin, not something else, listens on that port.',
        );
  }

  private join(): Buffer {
    const all = Buffer.concat(this.parts, this.partsLength);
    this.parts = [all];
    return all;
  }

  private frame(key: number, body: Buffer): void {
    if (key === KEY.deliver) {
      // SubscriptionId, then the osiris chunk header: magic+version, type, entries, records,
      // timestamp, epoch, first offset, crc, data length, trailer length, bloom filter size + reserved.
      const at = 1;
      if (body.length < at + CHUNK_HEADER) throw new RangeError('a Deliver frame shorter than its chunk header');
      const dataLength = body.readUInt32BE(at + 36);
      const bloom = body[at + 44]!;
      const start = at + CHUNK_HEADER + bloom;
      const first = body.readBigUInt64BE(at + 24);
      if (start + dataLength > body.length) {
        throw new RewindError(
          'damaged',
          `The stream chunk at offset ${first} is damaged: its data (${dataLength} bytes) runs past its frame`,
          'Read this range over AMQP, or check the broker’s logs.',
        );
      }
      this.onChunk(body[0]!, {
        type: body[at + 1]!,
        entries: body.readUInt16BE(at + 2),
        records: body.readUInt32BE(at + 4),
        timestamp: Number(body.readBigInt64BE(at + 8)),
        first,
        crc: body.readUInt32BE(at + 32),
        data: body.subarray(start, start + dataLength),
      });
    } else if (key === KEY.tune) {
      // The server's frame max and heartbeat; the frame max answered is the smaller of its and
      // Rewind's (0 from the server: no limit of its own), and frames past it are refused.
      if (body.length < 8) throw new RangeError('a Tune frame shorter than 8 bytes');
      const offered = body.readUInt32BE(0);
      this.frameMax = offered === 0 ? FRAME_MAX : Math.min(offered, FRAME_MAX);
      const tune = Buffer.alloc(8);
      tune.writeUInt32BE(this.frameMax, 0);
      tune.writeUInt32BE(body.readUInt32BE(4), 4);
      this.send(KEY.tune, tune);
      this.tuned();
    } else if (key === KEY.heartbeat) {
      this.send(KEY.heartbeat, Buffer.alloc(0));
    } else if (key === KEY.metadataUpdate) {
      // Code, then the stream's name.
      this.onStreamGone(body.toString('utf8', 4, 4 + body.readUInt16BE(2)));
    } else if (key === (KEY.credit | RESPONSE)) {
      // Sent only when credit was refused: ResponseCode, SubscriptionId (no correlation id).
      this.onCreditError(body[2]!, body.readUInt16BE(0));
    } else if (key === KEY.close) {
      // CorrelationId, ClosingCode, ClosingReason.
      const reason = body.length >= 8 ? body.toString('utf8', 8, 8 + body.readUInt16BE(6)) : '';
      this.fail(new StreamProtocolError(`the server closed the stream connection${reason ? `: ${reason}` : ''}`));
    } else if (key & RESPONSE) {
      const id = body.readUInt32BE(0);
      const code = body.length >= 6 ? body.readUInt16BE(4) : OK;
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      if (!waiter) return;
      if (code === OK) waiter.resolve(body.subarray(6));
      else waiter.reject(new StreamProtocolError(`stream protocol: ${CODES[code] ?? `response code ${code}`}`, code));
    }
  }

  /** Ends the connection with `e`: every request waiting and every listener gets it, and what was buffered is let go. */
  fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.parts = [];
    this.partsLength = 0;
    for (const w of [...this.pending.values()]) w.reject(e);
    this.pending.clear();
    this.socket.destroy();
    this.onClose(e);
  }
}

function offsetSpec(spec: OffsetSpec): Buffer {
  const codes = { first: 1, last: 2, next: 3, offset: 4, timestamp: 5 } as const;
  const b = Buffer.alloc(spec.type === 'offset' || spec.type === 'timestamp' ? 10 : 2);
  b.writeUInt16BE(codes[spec.type], 0);
  if (spec.type === 'offset') b.writeBigUInt64BE(spec.offset, 2);
  if (spec.type === 'timestamp') b.writeBigInt64BE(BigInt(Math.floor(spec.ms)), 2);
  return b;
}

/** A string-to-string map as PeerProperties answers it. */
function readMap(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  if (body.length < 4) return out;
  let at = 4;
  const text = () => {
    const n = body.readUInt16BE(at);
    const s = body.toString('utf8', at + 2, at + 2 + n);
    at += 2 + n;
    return s;
  };
  for (let i = body.readInt32BE(0); i > 0 && at < body.length; i--) {
    const k = text();
    out[k] = text();
  }
  return out;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function uint16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function str(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([uint16(bytes.length), bytes]);
}
function map(entries: Record<string, string>): Buffer {
  const pairs = Object.entries(entries);
  return Buffer.concat([int32(pairs.length), ...pairs.flatMap(([k, v]) => [str(k), str(v)])]);
}
