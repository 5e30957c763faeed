import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/**
 * The few commands of RabbitMQ's stream protocol (the rabbitmq_stream plugin, port 5552; 5551
 * with TLS) that Rewind needs to learn when a stream's chunks were written: connect, authenticate
 * (PLAIN), subscribe from an offset with credit, and read each delivered chunk's header. The
 * messages themselves are read over AMQP elsewhere; chunk bodies are skipped here.
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

const KEY = { subscribe: 7, deliver: 8, credit: 9, peerProperties: 17, saslHandshake: 18, saslAuthenticate: 19, tune: 20, open: 21, close: 22, heartbeat: 23 } as const;
const RESPONSE = 0x8000;
const OK = 1;
const CODES: Record<number, string> = {
  2: 'the stream does not exist',
  6: 'the stream is not available on this node',
  8: 'authentication failed',
  11: 'this user may only connect from localhost',
  12: 'no access to the virtual host',
  16: 'access refused',
};

export class StreamProtocolError extends Error {}

export class StreamConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private correlation = 0;
  private readonly pending = new Map<number, { resolve: (body: Buffer) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  /** The server tunes after authentication and refuses Open until the client has tuned back. */
  private tuned!: () => void;
  private readonly tuning = new Promise<void>((resolve) => (this.tuned = resolve));
  onChunk: (header: ChunkHeader) => void = () => undefined;
  onClose: (e: Error) => void = () => undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.read(d));
    const end = (e: Error) => this.fail(e);
    socket.on('error', end);
    socket.on('close', () => end(new StreamProtocolError('the stream connection closed')));
  }

  /** Connects and opens the virtual host; rejects within `timeoutMs` whatever the server does. */
  static async open(endpoint: StreamEndpoint, timeoutMs: number): Promise<StreamConnection> {
    const socket = endpoint.tls ? tlsConnect({ host: endpoint.host, port: endpoint.port, servername: endpoint.host }) : tcpConnect({ host: endpoint.host, port: endpoint.port });
    const conn = new StreamConnection(socket);
    const timer = setTimeout(() => conn.fail(new StreamProtocolError(`no answer from ${endpoint.host}:${endpoint.port} in ${timeoutMs} ms`)), timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once(endpoint.tls ? 'secureConnect' : 'connect', resolve);
        socket.once('error', reject);
      });
      await conn.request(KEY.peerProperties, map({ product: 'Rewind', connection_name: 'Rewind (chunk times)' }));
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

  /** Subscribes from an offset with no credit yet: chunks come as credit() allows. */
  async subscribe(subscriptionId: number, stream: string, offset: bigint): Promise<void> {
    const spec = Buffer.alloc(10);
    spec.writeUInt16BE(4, 0); // an absolute offset
    spec.writeBigUInt64BE(offset, 2);
    await this.request(KEY.subscribe, Buffer.concat([Buffer.from([subscriptionId]), str(stream), spec, uint16(0), int32(0)]));
  }

  credit(subscriptionId: number, chunks: number): void {
    this.send(KEY.credit, Buffer.concat([Buffer.from([subscriptionId]), uint16(chunks)]));
  }

  close(): void {
    this.socket.destroy();
  }

  /** Rejects once the connection has failed (for waits that are not requests). */
  private closed(): Promise<never> {
    return new Promise((_, reject) => {
      if (this.failure) return reject(this.failure);
      const previous = this.onClose;
      this.onClose = (e) => (previous(e), reject(e));
    });
  }

  private request(key: number, body: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.correlation;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
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
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, data]) : data;
    while (this.buffered.length >= 4) {
      const size = this.buffered.readUInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      try {
        this.frame(frame.readUInt16BE(0), frame.subarray(4));
      } catch (e) {
        this.fail(e as Error);
        return;
      }
    }
  }

  private frame(key: number, body: Buffer): void {
    if (key === KEY.tune) {
      // Agree to the server's frame size and heartbeat, as clients do.
      this.send(KEY.tune, body.subarray(0, 8));
      this.tuned();
    } else if (key === KEY.heartbeat) {
      this.send(KEY.heartbeat, Buffer.alloc(0));
    } else if (key === KEY.deliver) {
      // SubscriptionId, then the osiris chunk header: magic+version, type, entries, records, timestamp, epoch, first offset…
      this.onChunk({ records: body.readUInt32BE(1 + 4), timestamp: Number(body.readBigInt64BE(1 + 8)), first: body.readBigUInt64BE(1 + 24) });
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
      else waiter.reject(new StreamProtocolError(`stream protocol: ${CODES[code] ?? `response code ${code}`}`));
    }
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.pending.values()) w.reject(e);
    this.pending.clear();
    this.socket.destroy();
    this.onClose(e);
  }
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
