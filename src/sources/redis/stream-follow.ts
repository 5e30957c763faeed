import { Redis, type RedisOptions } from 'ioredis';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import type { Envelope } from '../../model/envelope';
import { RewindError } from '../../model/errors';
import { entryToEnvelope, type StreamEntry } from './stream-entry';

/** The id just before this one: XREAD reads after an id, a follow starts at one. */
export function beforeId(id: string): string {
  const [ms, seq = '0'] = id.split('-');
  if (BigInt(seq) > 0n) return `${ms}-${BigInt(seq) - 1n}`;
  return BigInt(ms!) > 0n ? `${BigInt(ms!) - 1n}-18446744073709551615` : '0-0';
}

/**
 * Follows a stream with XREAD BLOCK on a connection of its own (a blocking read holds its
 * connection), from just before `startAt`: a batch of what arrives at a time, the bytes as they
 * are. Pausing stops asking; resuming goes on after the last entry sent, so nothing is missed.
 */
export function followStream(options: RedisOptions, key: string, after: string, rules: readonly EnvelopeRule[], signal: AbortSignal, onBatch: (items: Envelope[]) => void) {
  const redis = new Redis({ ...options, lazyConnect: false, maxRetriesPerRequest: 1, commandTimeout: undefined });
  redis.on('error', () => undefined);
  let last = after;
  let paused = false;
  let wake: (() => void) | null = null;
  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  const done = (async () => {
    try {
      while (!signal.aborted) {
        if (paused) {
          await Promise.race([new Promise<void>((r) => (wake = r)), stopped]);
          continue;
        }
        const reply = (await Promise.race([redis.xreadBuffer('COUNT', 500, 'BLOCK', 1_000, 'STREAMS', key, last), stopped])) as [Buffer, [Buffer, Buffer[]][]][] | null | undefined;
        if (signal.aborted || paused || !reply) continue;
        const entries: StreamEntry[] = reply[0]![1].map(([id, pairs]) => [id.toString('latin1'), pairs]);
        if (entries.length === 0) continue;
        last = entries.at(-1)![0];
        onBatch(entries.map((e) => entryToEnvelope(e, key, undefined, rules)));
      }
    } catch (e) {
      if (!signal.aborted) throw new RewindError('network', `Following ${key} stopped: ${(e as Error).message}`, 'Check that Redis is running, then follow again.');
    } finally {
      redis.disconnect();
    }
  })();
  return {
    via: 'XREAD' as const,
    done,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      wake?.();
    },
  };
}
