import type { Envelope } from '../../model/envelope';
import type { WireEvent } from '../../model/wire';
import { StreamConnection, type ChunkHeader, type StreamEndpoint } from './stream-protocol';

/**
 * When each message of a stream was written, for messages that carry no time of their own (AMQP
 * 0.9.1 publishers rarely set `timestamp`). RabbitMQ stamps every chunk of a stream as it writes
 * it; AMQP consumers never see that stamp, the stream protocol does. A clock subscribes once,
 * from the first offset asked about, and reads chunk headers only as far as it is asked (one
 * chunk of credit at a time), so a page costs a chunk or two, not the stream.
 *
 * Everything here is best effort: a broker without the stream plugin, a refused login, a stream
 * on another node leave the time empty, as before, and never fail the read.
 */
const CONNECT_MS = 3_000;
/** A chunk asked for that does not come in this long is not coming (the offset is past the end). */
const CHUNK_WAIT_MS = 3_000;
const SUBSCRIPTION = 1;
/**
 * Chunk headers kept at most. A clock asks for one chunk at a time and drops those behind the
 * offset asked about, so it holds one or two; a server that sends chunks it was not asked for
 * (a flood) is not a clock to trust: past this, or past its credit, the clock stops.
 */
const KEPT_MAX = 64;

export class ChunkClock {
  private conn: StreamConnection | null = null;
  private opening: Promise<StreamConnection | null> | null = null;
  private broken = false;
  /** Chunk headers seen, in offset order; those wholly before the last offset asked are dropped. */
  private chunks: ChunkHeader[] = [];
  private start: bigint | null = null;
  private credited = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly endpoint: StreamEndpoint,
    private readonly stream: string,
    /** Called when the stream protocol cannot be reached, so the caller can stop trying for a while. */
    private readonly onUnreachable: () => void = () => undefined,
  ) {}

  /** The ISO time the chunk holding `offset` was written, or null when it cannot be learned. */
  async timeOf(offset: bigint): Promise<string | null> {
    if (this.broken) return null;
    const conn = await this.connected(offset);
    if (!conn || this.start === null || offset < this.start) return null;
    for (;;) {
      this.chunks = this.chunks.filter((c) => c.first + BigInt(c.records) > offset);
      const chunk = this.chunks[0];
      if (chunk && chunk.first <= offset) return new Date(chunk.timestamp).toISOString();
      if (chunk && chunk.first > offset) return null; // not in any chunk (removed by retention)
      if (this.broken || !(await this.nextChunk(conn))) return null;
    }
  }

  close(): void {
    this.broken = true;
    this.conn?.close();
    this.wake();
  }

  private connected(offset: bigint): Promise<StreamConnection | null> {
    this.opening ??= (async () => {
      let conn: StreamConnection;
      try {
        conn = await StreamConnection.open(this.endpoint, CONNECT_MS, 'Rewind (chunk times)');
      } catch {
        // Nothing listening, no answer, or a refused login: the caller stops trying for a while.
        this.broken = true;
        this.onUnreachable();
        return null;
      }
      this.conn = conn;
      conn.onChunk = (_subscription, c) => {
        this.credited--;
        if (this.credited < 0 || this.chunks.length >= KEPT_MAX) {
          // Unasked for: the times stay empty from here (a read never fails for them).
          this.close();
          return;
        }
        // The header is all a clock needs; the messages stay with the connection's buffer.
        this.chunks.push({ first: c.first, records: c.records, timestamp: c.timestamp });
        this.wake();
      };
      conn.onClose = () => {
        this.broken = true;
        this.wake();
      };
      try {
        // Closed while connecting: nothing more to ask.
        if (this.broken) throw new Error('closed');
        await conn.subscribe(SUBSCRIPTION, this.stream, { type: 'offset', offset });
        this.start = offset;
        return conn;
      } catch {
        // This stream only (not on this node, deleted meanwhile): other streams may still work.
        this.close();
        return null;
      }
    })();
    return this.opening;
  }

  /** Asks for one more chunk (unless one is on its way) and waits for it; false when none came. */
  private nextChunk(conn: StreamConnection): Promise<boolean> {
    if (this.credited <= 0) {
      conn.credit(SUBSCRIPTION, 1);
      this.credited = 1;
    }
    const seen = this.chunks.length;
    return new Promise((resolve) => {
      // A chunk that does not come is not coming: stop asking, or every later message would wait too.
      const timer = setTimeout(() => ((this.broken = true), finish(false)), CHUNK_WAIT_MS);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      this.waiters.push(() => finish(this.chunks.length > seen));
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Gives the envelopes that carry no time of their own the time their chunk was written. */
export async function fillEnvelopeTimes(batch: Envelope[], clock: ChunkClock | null): Promise<void> {
  if (!clock) return;
  for (const e of batch) if (e.timestamp === null) e.timestamp = await clock.timeOf(BigInt(e.position));
}

/** The same for events on their way to a projection (an empty string is "no time"). */
export async function fillWireTimes(batch: WireEvent[], clock: ChunkClock | null): Promise<void> {
  if (!clock) return;
  for (const e of batch) if (e.timestamp === '') e.timestamp = (await clock.timeOf(BigInt(e.position))) ?? '';
}
