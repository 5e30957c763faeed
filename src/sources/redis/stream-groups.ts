import type { Redis } from 'ioredis';
import { RewindError } from '../../model/errors';
import { throwIfAborted } from '../source-adapter';
import type { DeadLetterMove, GroupPositionPlan, PendingEntry, PendingSelection, StreamGroup, StreamGroups } from './stream-groups-model';
import { compareIds, xrangeEntries } from './stream-entry';

/** What XRANGE gives where only ids are wanted. */
type IdsOnly = [id: string, pairs: string[]][];

/** Where a stream's dead letters go. */
export const dlqOf = (stream: string) => `${stream}:dlq`;

/** The fields Rewind adds to an entry it dead-letters: where it came from and why. */
export const DLQ_FIELDS = {
  originalId: 'x-original-id',
  originalStream: 'x-original-stream',
  group: 'x-group',
  consumer: 'x-consumer',
  deliveries: 'x-delivery-count',
  reason: 'x-reason',
  at: 'x-dead-lettered-at',
} as const;
const DLQ_NAMES = new Set<string>(Object.values(DLQ_FIELDS));
export const isDlqField = (name: string) => DLQ_NAMES.has(name);

/** A reply of XINFO as field → value. */
function record(flat: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(flat)) for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
const int = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number.isFinite(Number(v)) ? Number(v) : null);

async function mustBeStream(redis: Redis, key: string): Promise<void> {
  const type = await redis.type(key);
  if (type === 'none') throw new RewindError('not_found', `There is no stream ${key}`, 'Reload the list.');
  if (type !== 'stream') throw new RewindError('conflict', `${key} is a ${type}, not a stream`, 'Reload the list: the key changed since it was listed.');
}

export async function streamGroups(redis: Redis, key: string): Promise<StreamGroups> {
  await mustBeStream(redis, key);
  const [length, first, last, groupsRaw] = await Promise.all([
    redis.xlen(key),
    redis.xrange(key, '-', '+', 'COUNT', 1) as Promise<IdsOnly>,
    redis.xrevrange(key, '+', '-', 'COUNT', 1) as Promise<IdsOnly>,
    redis.call('XINFO', 'GROUPS', key) as Promise<unknown[]>,
  ]);
  const groups: StreamGroup[] = [];
  for (const raw of groupsRaw) {
    const g = record(raw);
    const name = String(g['name']);
    const consumers = ((await redis.call('XINFO', 'CONSUMERS', key, name)) as unknown[]).map((c) => {
      const r = record(c);
      return { name: String(r['name']), pending: int(r['pending']) ?? 0, idleMs: int(r['idle']) ?? 0, inactiveMs: int(r['inactive']) };
    });
    groups.push({ name, consumers, pending: int(g['pending']) ?? 0, lastDeliveredId: String(g['last-delivered-id']), entriesRead: int(g['entries-read']), lag: int(g['lag']) });
  }
  return { stream: key, length, firstId: first[0]?.[0] ?? null, lastId: last[0]?.[0] ?? null, groups, dlq: dlqOf(key) };
}

/** The most pending entries one call walks: a PEL larger than this is read in parts. */
const PENDING_WALK = 100_000;

/** A group's pending entries, oldest first, optionally only those delivered at least `minDeliveries` times. */
export async function pendingEntries(
  redis: Redis,
  key: string,
  group: string,
  options: { minDeliveries?: number; consumer?: string; limit: number },
  signal: AbortSignal,
): Promise<{ entries: PendingEntry[]; total: number; walked: number }> {
  await mustBeStream(redis, key);
  const summary = (await redis.call('XPENDING', key, group)) as [number, string | null, string | null, unknown];
  const total = Number(summary[0]);
  const entries: PendingEntry[] = [];
  let start = '-';
  let walked = 0;
  while (entries.length < options.limit && walked < PENDING_WALK) {
    throwIfAborted(signal);
    const page = (await redis.call('XPENDING', key, group, start, '+', 1000, ...(options.consumer ? [options.consumer] : []))) as [string, string, number, number][];
    if (page.length === 0) break;
    walked += page.length;
    for (const [id, consumer, idle, deliveries] of page) {
      if (options.minDeliveries === undefined || deliveries >= options.minDeliveries) entries.push({ id, consumer, idleMs: Number(idle), deliveries: Number(deliveries) });
      if (entries.length >= options.limit) break;
    }
    start = `(${page.at(-1)![0]}`;
  }
  return { entries, total, walked };
}

/** Gives pending entries to another consumer (XCLAIM), those idle at least `minIdleMs`; returns the ids it took. */
export async function claimEntries(redis: Redis, key: string, group: string, consumer: string, ids: string[], minIdleMs: number): Promise<string[]> {
  await mustBeStream(redis, key);
  const claimed: string[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    claimed.push(...((await redis.call('XCLAIM', key, group, consumer, minIdleMs, ...ids.slice(i, i + 500), 'JUSTID')) as string[]));
  }
  return claimed;
}

/** The last entry before a time: a group set there reads from that time on. */
async function idBefore(redis: Redis, key: string, time: string): Promise<string> {
  const ms = Date.parse(time);
  const before = (await redis.xrevrange(key, `(${ms}-0`, '-', 'COUNT', 1)) as IdsOnly;
  return before[0]?.[0] ?? '0-0';
}

const COUNT_CAP = 100_000;

/** Entries after `from` up to `to` (both ids), counted up to a cap. */
async function countBetween(redis: Redis, key: string, from: string, to: string): Promise<{ value: number; exact: boolean }> {
  if (compareIds(from, to) >= 0) return { value: 0, exact: true };
  let n = 0;
  let start = `(${from}`;
  while (n < COUNT_CAP) {
    const page = (await redis.xrange(key, start, to, 'COUNT', 10_000)) as IdsOnly;
    n += page.length;
    if (page.length < 10_000) return { value: n, exact: true };
    start = `(${page.at(-1)![0]}`;
  }
  return { value: n, exact: false };
}

/** What moving a group's last-delivered id would do, nothing changed. */
export async function planGroupPosition(redis: Redis, key: string, group: string, target: { id: string } | { time: string }): Promise<GroupPositionPlan> {
  const info = await streamGroups(redis, key);
  const g = info.groups.find((x) => x.name === group);
  if (!g) throw new RewindError('not_found', `Stream ${key} has no group ${group}`, 'Reload the groups.');
  const last = info.lastId ?? '0-0';
  const to = 'time' in target ? await idBefore(redis, key, target.time) : target.id === '$' ? last : target.id === '0' ? '0-0' : target.id;
  const from = g.lastDeliveredId;
  const direction = compareIds(to, from) === 0 ? 'none' : compareIds(to, from) > 0 ? 'forward' : 'back';
  const moved = direction === 'forward' ? await countBetween(redis, key, from, to) : direction === 'back' ? await countBetween(redis, key, to, from) : { value: 0, exact: true };
  return { group, from, to, toRead: await countBetween(redis, key, to, last), moved, direction };
}

export async function setGroupPosition(redis: Redis, key: string, group: string, id: string): Promise<void> {
  await redis.call('XGROUP', 'SETID', key, group, id);
}

/**
 * Moves pending entries to the stream's DLQ: each entry's fields with where it came from and
 * why, written with XADD and acknowledged with XACK in one MULTI/EXEC, so an entry is in the DLQ
 * and acknowledged, or neither. An entry no longer in the stream, or no longer pending, is named
 * and left as it is.
 */
export async function deadLetterPending(
  redis: Redis,
  key: string,
  group: string,
  selection: PendingSelection,
  reason: string,
  run: { signal: AbortSignal; onProgress(done: number, total: number, moved: number): void },
): Promise<DeadLetterMove> {
  const dlq = dlqOf(key);
  const picked =
    'ids' in selection
      ? await pendingByIds(redis, key, group, selection.ids)
      : (await pendingEntries(redis, key, group, { minDeliveries: selection.minDeliveries, limit: 1_000_000 }, run.signal)).entries.map((e) => ({ id: e.id, entry: e as PendingEntry | null }));
  const skipped: DeadLetterMove['skipped'] = [];
  let moved = 0;
  let looked = 0;
  const at = new Date().toISOString();
  run.onProgress(0, picked.length, 0);
  for (const { id, entry } of picked) {
    if (run.signal.aborted) return { looked, moved, skipped, dlq, stoppedBy: 'cancelled', error: null };
    looked += 1;
    if (!entry) {
      skipped.push({ id, reason: `not pending in group ${group} (acknowledged, or never delivered to it)` });
      continue;
    }
    try {
      const found = await xrangeEntries(redis, key, id, id);
      if (found.length === 0) {
        skipped.push({ id, reason: 'gone from the stream (deleted or trimmed); it stays pending, unacknowledged' });
        continue;
      }
      const extra = [
        DLQ_FIELDS.originalId,
        id,
        DLQ_FIELDS.originalStream,
        key,
        DLQ_FIELDS.group,
        group,
        DLQ_FIELDS.consumer,
        entry.consumer,
        DLQ_FIELDS.deliveries,
        String(entry.deliveries),
        DLQ_FIELDS.reason,
        reason,
        DLQ_FIELDS.at,
        at,
      ];
      const replies = await redis
        .multi()
        .xadd(dlq, '*', ...found[0]![1], ...extra)
        .xack(key, group, id)
        .exec();
      const failed = replies?.find(([e]) => e);
      if (!replies || failed) throw failed?.[0] ?? new Error('the transaction was not run');
      moved += 1;
    } catch (e) {
      return { looked, moved, skipped, dlq, stoppedBy: 'error', error: `stopped at ${id}: ${(e as Error).message}` };
    }
    if (looked % 50 === 0) run.onProgress(looked, picked.length, moved);
  }
  run.onProgress(looked, picked.length, moved);
  return { looked, moved, skipped, dlq, stoppedBy: 'done', error: null };
}

async function pendingByIds(redis: Redis, key: string, group: string, ids: string[]): Promise<{ id: string; entry: PendingEntry | null }[]> {
  const out: { id: string; entry: PendingEntry | null }[] = [];
  for (const id of [...new Set(ids)]) {
    const hit = (await redis.call('XPENDING', key, group, id, id, 1)) as [string, string, number, number][];
    out.push({ id, entry: hit[0] ? { id, consumer: hit[0][1], idleMs: Number(hit[0][2]), deliveries: Number(hit[0][3]) } : null });
  }
  return out;
}
