import type { Redis } from 'ioredis';
import { throwIfAborted } from '../source-adapter';

/** Keys asked for per SCAN call; a pause between calls leaves room for the server's other clients. */
const SCAN_COUNT = 1_000;
const PAUSE_MS = 1;
/** A keyspace larger than this is not walked to its end for the sidebar: the listing says so. */
export const SCAN_KEY_BUDGET = 2_000_000;

/**
 * Walks the keyspace with SCAN (never KEYS, which blocks a production server), `count` keys a
 * call, pausing between calls. Returns the matching keys and whether the walk ended early.
 */
export async function scanKeys(redis: Redis, options: { match?: string; type?: string }, signal: AbortSignal): Promise<{ keys: string[]; complete: boolean }> {
  const keys = new Set<string>();
  let cursor = '0';
  let walked = 0;
  do {
    throwIfAborted(signal);
    const args: (string | number)[] = [cursor, ...(options.match ? ['MATCH', options.match] : []), 'COUNT', SCAN_COUNT, ...(options.type ? ['TYPE', options.type] : [])];
    const [next, batch] = (await redis.call('SCAN', ...args)) as [string, string[]];
    for (const k of batch) keys.add(k);
    cursor = next;
    walked += SCAN_COUNT;
    if (walked >= SCAN_KEY_BUDGET) return { keys: [...keys], complete: false };
    if (cursor !== '0') await new Promise((r) => setTimeout(r, PAUSE_MS));
  } while (cursor !== '0');
  return { keys: [...keys].sort(), complete: true };
}
