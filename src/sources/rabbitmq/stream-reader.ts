import { RewindError } from '../../model/errors';
import { BATCH_LIMIT_VARIABLE, batchLimitBytes, batchLimitMb } from '../batch-limit';
import { throwIfAborted, whenAborted } from '../source-adapter';
import { verifyChunkInSlices } from './stream-chunk';
import { StreamConnection, StreamProtocolError, type Chunk, type OffsetSpec, type StreamEndpoint } from './stream-protocol';

/**
 * Reads a stream by the stream protocol, chunk by chunk, with credit as flow control: a few
 * chunks are in flight, and one more is asked for only when the reader takes one, so memory
 * stays bounded whatever the stream's size and a paused reader costs the broker nothing. A server
 * that sends chunks it was not asked for, or more bytes than one batch limit waiting unread, is
 * cut off; each message chunk is checked (CRC, counts) before it is handed on.
 */

/** A stream's extent when it was asked: its first and last offsets, and when its last chunk was written (ms). */
export interface StreamBounds {
  first: bigint;
  last: bigint;
  lastChunkTime: number;
}

const CONNECT_MS = 3_000;
/**
 * Chunks asked for ahead of the reader. Measured on a 2-core machine with the broker on it: 16
 * keeps the connection busy; hundreds (chunks are often a few KB) made reads slower, the broker
 * then spending the CPU the reader needs on sending ahead.
 */
const CREDIT = 16;
/** A read that knows more is there and gets nothing for this long has stalled: an error, not an end. */
const STALL_MS = 15_000;
/**
 * RabbitMQ before 3.11 has no StreamStats, so an empty stream is told by no chunk arriving for
 * a subscription at its first or last chunk. A chunk on disk is sent within milliseconds of the
 * subscription; this is how long Rewind waits before calling the stream empty.
 */
const EMPTY_PROBE_MS = 1_500;

interface Subscription {
  chunk(c: Chunk): void;
  fail(e: Error): void;
}

export class StreamReader {
  private nextId = 0;
  private readonly subscriptions = new Map<number, Subscription>();

  private constructor(readonly conn: StreamConnection) {
    conn.onChunk = (id, c) => this.subscriptions.get(id)?.chunk(c);
    conn.onCreditError = (id) => this.subscriptions.get(id)?.fail(new RewindError('network', 'The broker dropped the stream subscription', 'The stream may have been deleted; reload the connection.'));
    conn.onStreamGone = (stream) => {
      const e = new RewindError('not_found', `The stream ${stream} was deleted or moved while it was read`, 'Reload the connection to see where it is now.');
      for (const s of this.subscriptions.values()) s.fail(e);
    };
    conn.onClose = (e) => {
      for (const s of this.subscriptions.values()) s.fail(e);
    };
  }

  static async open(endpoint: StreamEndpoint, name = 'Rewind (stream reader)'): Promise<StreamReader> {
    return new StreamReader(await StreamConnection.open(endpoint, CONNECT_MS, name));
  }

  get serverVersion(): string | null {
    return this.conn.serverVersion;
  }

  close(): void {
    this.conn.close();
  }

  /** The stream's first and last offsets now, or null when it holds no message. */
  async bounds(stream: string, signal: AbortSignal): Promise<StreamBounds | null> {
    let wait = EMPTY_PROBE_MS;
    if (this.conn.hasStreamStats()) {
      const stats = await this.conn.streamStats(stream, signal);
      if ((stats.committed_chunk_id ?? -1n) < 0n) return null;
      // Known not to be empty: the chunks are there and a missing one is a stall.
      wait = STALL_MS;
    }
    const [first, last] = await Promise.all([this.probe(stream, { type: 'first' }, wait, signal), this.probe(stream, { type: 'last' }, wait, signal)]);
    if (!first && !last) return null;
    if (!first || !last) throw new RewindError('timeout', `The stream ${stream} did not say where it ends`, 'The broker may be overloaded; try again.');
    return { first: first.first, last: last.first + BigInt(last.records) - 1n, lastChunkTime: last.timestamp };
  }

  /** The first message chunk a subscription from `spec` gets within `ms`, or null. */
  private async probe(stream: string, spec: OffsetSpec, ms: number, signal: AbortSignal): Promise<Chunk | null> {
    const give = new AbortController();
    const timer = setTimeout(() => give.abort(), ms);
    const off = whenAborted(signal, () => give.abort());
    try {
      for await (const chunk of this.chunks(stream, spec, null, give.signal, null, 1)) return chunk;
      return null;
    } catch (e) {
      if (give.signal.aborted && !signal.aborted) return null;
      throw e;
    } finally {
      clearTimeout(timer);
      off();
    }
  }

  /**
   * The message chunks of a subscription from `spec`, in order, until the one holding `until`
   * (null: until the signal aborts). Tracking chunks the broker keeps for offsets are skipped.
   * With `stallMs`, a wait longer than that for the next chunk fails the read.
   */
  async *chunks(
    stream: string,
    spec: OffsetSpec,
    until: bigint | null,
    signal: AbortSignal,
    stallMs: number | null = STALL_MS,
    credit = CREDIT,
    /** Called once the broker has accepted the subscription. */
    subscribed: () => void = () => undefined,
  ): AsyncGenerator<Chunk> {
    const id = this.nextId++ % 256;
    let queue: Chunk[] = [];
    let queued = 0;
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    this.subscriptions.set(id, {
      chunk: (c) => {
        queue.push(c);
        queued += c.data.length;
        // At most `credit` chunks are ever owed to this subscription (credit goes back only as they are taken).
        if (queue.length > credit) return this.conn.fail(new StreamProtocolError(`the stream server sent ${stream} a chunk it was not asked for (more than ${credit} unread)`));
        if (queued > batchLimitBytes() && queue.length > 1) {
          return this.conn.fail(
            new RewindError(
              'limit',
              `The stream server sent more than ${batchLimitMb()} MB of ${stream} ahead of the reader`,
              `If its chunks are really that large, start Rewind with ${BATCH_LIMIT_VARIABLE} set higher (in MB).`,
            ),
          );
        }
        wake?.();
      },
      fail: (e) => ((failure ??= e), (queue = []), wake?.()),
    });
    const off = whenAborted(signal, () => wake?.());
    let lastSeen: bigint | null = null;
    let owed = 0;
    try {
      await this.conn.subscribe(id, stream, spec, credit, signal);
      subscribed();
      for (;;) {
        while (queue.length === 0) {
          if (failure) throw failure;
          throwIfAborted(signal);
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (stallMs !== null) timer = setTimeout(() => ((failure ??= stalled(stream, lastSeen, until)), resolve()), stallMs);
          });
          clearTimeout(timer);
          wake = null;
        }
        const chunk = queue.shift()!;
        queued -= chunk.data.length;
        // Chunks taken are asked for again half a window at a time: between half and all of
        // `credit` stay in flight, and a credit frame (a socket write) goes out every few chunks
        // rather than every chunk, which cost a tenth of a read of small chunks.
        if (++owed >= Math.max(1, credit >> 1)) {
          this.conn.credit(id, owed);
          owed = 0;
        }
        if (chunk.type !== 0) continue;
        await verifyChunkInSlices(chunk, signal);
        lastSeen = chunk.first + BigInt(chunk.records) - 1n;
        yield chunk;
        if (until !== null && lastSeen >= until) return;
      }
    } finally {
      off();
      this.subscriptions.delete(id);
      queue = [];
      // A cancelled read ends now: the answer is not waited for (the caller closes the connection,
      // or goes on using it, where answers come in order). Otherwise it is, for at most a request's time limit.
      if (!this.conn.failed) {
        const gone = this.conn.unsubscribe(id).catch(() => undefined);
        if (!signal.aborted) await gone;
      }
    }
  }
}

function stalled(stream: string, lastSeen: bigint | null, until: bigint | null): RewindError {
  const at = lastSeen === null ? 'before its first chunk' : `after offset ${lastSeen}`;
  return new RewindError(
    'timeout',
    `The stream ${stream} stopped delivering ${at}${until === null ? '' : ` (its end was ${until} when the read began)`}`,
    'The broker may be overloaded or the stream unavailable; try again.',
  );
}
