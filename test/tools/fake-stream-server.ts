import { createServer, type Server, type Socket } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * A stream-protocol server on loopback that speaks RabbitMQ's real handshake (PeerProperties,
 * SaslHandshake, SaslAuthenticate with PLAIN, Tune, Open), answers StreamStats, Subscribe, Credit
 * and Unsubscribe, and delivers whatever chunks a test hands it: the hostile peer a third party
 * could put between Rewind and a stream (or publish into one). Written from the protocol's
 * description (rabbitmq-server's PROTOCOL.adoc and osiris's chunk format), never from Rewind's code.
 */

const RESPONSE = 0x8000;
const KEY = { subscribe: 7, deliver: 8, credit: 9, unsubscribe: 12, peerProperties: 17, saslHandshake: 18, saslAuthenticate: 19, tune: 20, open: 21, heartbeat: 23, streamStats: 28 };

export interface Subscription {
  socket: Socket;
  id: number;
  stream: string;
  /** The offset specification's type: 1 first, 2 last, 3 next, 4 offset, 5 timestamp. */
  spec: number;
  credit: number;
  /** Sends a whole frame (its size prefix included). */
  write(frame: Buffer): boolean;
}

export interface FakeStreamOptions {
  /** The version PeerProperties reports (3.11 and later have StreamStats). */
  version?: string;
  /** StreamStats' answer: the first and the last committed chunk's first offsets. */
  stats?: { first: bigint; committed: bigint };
  /** StreamStats' answer as raw bytes after the response code (a hostile one). */
  rawStats?: Buffer;
  /** Called once per accepted subscription, after its response went out. */
  onSubscribe(sub: Subscription): void;
  /** False (for all, or for the subscriptions it says): Unsubscribe is never answered, a stuck server. */
  answerUnsubscribe?: boolean | ((sub: Subscription) => boolean);
}

export interface FakeStreamServer {
  port: number;
  /** Connections accepted so far, and how many are open now. */
  accepted: number;
  open(): number;
  /** Subscriptions made so far, in order, with the credit each was given in all. */
  subscriptions: Subscription[];
  close(): Promise<void>;
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const str = (s: string) => Buffer.concat([u16(Buffer.byteLength(s)), Buffer.from(s)]);
const props = (p: Record<string, string>) => Buffer.concat([i32(Object.keys(p).length), ...Object.entries(p).flatMap(([k, v]) => [str(k), str(v)])]);

/** A frame: size, key, version 1, body. */
export function frame(key: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 4, 0);
  head.writeUInt16BE(key, 4);
  head.writeUInt16BE(1, 6);
  return Buffer.concat([head, body]);
}

const response = (key: number, correlation: number, body: Buffer = Buffer.alloc(0), code = 1) => frame(key | RESPONSE, Buffer.concat([i32(correlation), u16(code), body]));

/** A simple entry: a 31-bit size and the message's bytes. */
export function simpleEntry(message: Buffer): Buffer {
  return Buffer.concat([i32(message.length), message]);
}

/** A sub-entry batch: flag and codec, record count, uncompressed size, size, then the (compressed) body. */
export function subEntryBatch(codec: number, count: number, uncompressed: number, body: Buffer): Buffer {
  const head = Buffer.alloc(11);
  head[0] = 0x80 | (codec << 4);
  head.writeUInt16BE(count, 1);
  head.writeUInt32BE(uncompressed >>> 0, 3);
  head.writeUInt32BE(body.length, 7);
  return Buffer.concat([head, body]);
}

/** The records inside a sub-entry batch before compression: each a 32-bit size and its message. */
export const batchBody = (messages: Buffer[]) => Buffer.concat(messages.map(simpleEntry));

export interface ChunkSpec {
  first: bigint;
  /** The entries' bytes, as simpleEntry and subEntryBatch make them. */
  data: Buffer;
  entries: number;
  records: number;
  timestamp?: number;
  /** Default: the CRC-32 of `data`, as osiris writes it. */
  crc?: number;
  type?: number;
}

/** A Deliver frame (version 1) carrying one osiris chunk: the 48-byte header, then the data. */
export function deliverFrame(subscriptionId: number, chunk: ChunkSpec): Buffer {
  const h = Buffer.alloc(48);
  h[0] = 0x51; // magic 5, version 1
  h[1] = chunk.type ?? 0;
  h.writeUInt16BE(chunk.entries, 2);
  h.writeUInt32BE(chunk.records >>> 0, 4);
  h.writeBigInt64BE(BigInt(chunk.timestamp ?? Date.now()), 8);
  h.writeBigUInt64BE(1n, 16); // epoch
  h.writeBigUInt64BE(chunk.first, 24);
  h.writeUInt32BE((chunk.crc ?? crc32(chunk.data)) >>> 0, 32);
  h.writeUInt32BE(chunk.data.length, 36);
  h.writeUInt32BE(0, 40); // trailer: not sent on the wire
  h.writeUInt32BE(0, 44); // bloom filter size 0, reserved
  return frame(KEY.deliver, Buffer.concat([Buffer.from([subscriptionId]), h, chunk.data]));
}

/** A chunk of plain messages starting at `first`. */
export function messagesChunk(first: bigint, messages: Buffer[]): ChunkSpec {
  return { first, data: Buffer.concat(messages.map(simpleEntry)), entries: messages.length, records: messages.length };
}

export async function fakeStreamServer(options: FakeStreamOptions): Promise<FakeStreamServer> {
  const sockets = new Set<Socket>();
  const state: FakeStreamServer = {
    port: 0,
    accepted: 0,
    open: () => sockets.size,
    subscriptions: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((socket) => {
    state.accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    const subs = new Map<number, Subscription>();
    socket.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
        const size = pending.readUInt32BE(0);
        const f = pending.subarray(4, 4 + size);
        pending = pending.subarray(4 + size);
        handle(socket, f.readUInt16BE(0), f.subarray(4), subs);
      }
    });
  });
  const handle = (socket: Socket, key: number, body: Buffer, subs: Map<number, Subscription>) => {
    const correlation = body.length >= 4 ? body.readUInt32BE(0) : 0;
    switch (key) {
      case KEY.peerProperties:
        socket.write(response(KEY.peerProperties, correlation, props({ product: 'RabbitMQ', version: options.version ?? '3.13.7', platform: 'Erlang/OTP 26' })));
        break;
      case KEY.saslHandshake:
        socket.write(response(KEY.saslHandshake, correlation, Buffer.concat([i32(1), str('PLAIN')])));
        break;
      case KEY.saslAuthenticate: {
        socket.write(response(KEY.saslAuthenticate, correlation));
        // Then the server tunes: a frame max of 1 MB and a heartbeat of 60 s, RabbitMQ's defaults.
        const tune = Buffer.alloc(8);
        tune.writeUInt32BE(1_048_576, 0);
        tune.writeUInt32BE(60, 4);
        socket.write(frame(KEY.tune, tune));
        break;
      }
      case KEY.tune:
      case KEY.heartbeat:
        break;
      case KEY.open:
        socket.write(response(KEY.open, correlation, props({ advertised_host: '127.0.0.1', advertised_port: String(state.port) })));
        break;
      case KEY.streamStats: {
        if (options.rawStats) {
          socket.write(response(KEY.streamStats, correlation, options.rawStats));
          break;
        }
        const s = options.stats ?? { first: 0n, committed: 0n };
        const entry = (k: string, v: bigint) => {
          const b = Buffer.alloc(8);
          b.writeBigInt64BE(v);
          return Buffer.concat([str(k), b]);
        };
        socket.write(response(KEY.streamStats, correlation, Buffer.concat([i32(2), entry('first_chunk_id', s.first), entry('committed_chunk_id', s.committed)])));
        break;
      }
      case KEY.subscribe: {
        const id = body[4]!;
        const n = body.readUInt16BE(5);
        const stream = body.toString('utf8', 7, 7 + n);
        const spec = body.readUInt16BE(7 + n);
        const credit = body.readUInt16BE(7 + n + 2 + (spec === 4 || spec === 5 ? 8 : 0));
        const sub: Subscription = { socket, id, stream, spec, credit, write: (f) => socket.write(f) };
        subs.set(id, sub);
        state.subscriptions.push(sub);
        socket.write(response(KEY.subscribe, correlation));
        options.onSubscribe(sub);
        break;
      }
      case KEY.credit: {
        const sub = subs.get(body[0]!);
        if (sub) sub.credit += body.readUInt16BE(1);
        break;
      }
      case KEY.unsubscribe: {
        const sub = subs.get(body[4]!);
        subs.delete(body[4]!);
        const answer = typeof options.answerUnsubscribe === 'function' ? !sub || options.answerUnsubscribe(sub) : options.answerUnsubscribe !== false;
        if (answer) socket.write(response(KEY.unsubscribe, correlation));
        break;
      }
      default:
        socket.write(response(key, correlation, Buffer.alloc(0), 13)); // unknown command
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as { port: number }).port;
  return state;
}

/**
 * Writes `total` bytes of filler after `head` as fast as the peer takes them, stopping when the
 * peer goes away: a frame that claims gigabytes and keeps coming.
 */
export function sendLazily(socket: Socket, head: Buffer, total: number, piece = 1 << 20): void {
  const filler = Buffer.alloc(piece, 0x41);
  let sent = 0;
  const pump = () => {
    while (sent < total && !socket.destroyed) {
      sent += piece;
      if (!socket.write(filler)) return void socket.once('drain', pump);
    }
  };
  socket.write(head);
  pump();
}
