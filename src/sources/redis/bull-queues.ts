import type { Redis } from 'ioredis';
import { layoutOf, type JobState, type QueueLayout, type StateKey } from './bull-layout';
import type { JobHash } from './bull-job';
import { scanKeys } from './key-scan';

/** A queue found from its keys, with its layout (or why it has none), its counts and whether it is paused. */
export interface FoundQueue {
  name: string;
  layout: QueueLayout | null;
  /** Why the layout is not known; the queue is listed without counts. */
  unknown: string | null;
  counts: Partial<Record<JobState, number>>;
  paused: boolean;
}

/** A glob's special characters, escaped so a prefix matches only itself. */
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** The queues under a prefix: every `<prefix>:<queue>:meta` or `<prefix>:<queue>:id`, or a queue's state key. */
export async function findQueueNames(redis: Redis, prefix: string, signal: AbortSignal): Promise<{ names: string[]; complete: boolean }> {
  const { keys, complete } = await scanKeys(redis, { match: `${globEscape(prefix)}:*` }, signal);
  const names = new Set<string>();
  const fromStates = new Set<string>();
  const start = prefix.length + 1;
  for (const k of keys) {
    if (k.endsWith(':meta') && k.length > start + 5) names.add(k.slice(start, -5));
    else if (k.endsWith(':id') && k.length > start + 3) names.add(k.slice(start, -3));
    else {
      // A queue filled only by a FlowProducer (or with ids of its own) has no meta or id key: its state keys name it.
      const cut = k.lastIndexOf(':');
      if (cut > start && STATE_SUFFIXES.has(k.slice(cut + 1))) fromStates.add(k.slice(start, cut));
    }
  }
  for (const name of await realQueues(
    redis,
    prefix,
    [...fromStates].filter((n) => !names.has(n)),
  ))
    names.add(name);
  return { names: [...names].sort(), complete };
}

const STATE_SUFFIXES = new Set(['wait', 'active', 'paused', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed']);

/**
 * Names found only from state keys that are queues: a job's own keys end the same way (BullMQ 5
 * keeps a parent's failed children under `<job>:failed`), so a name that is itself a job's hash
 * is not a queue.
 */
async function realQueues(redis: Redis, prefix: string, candidates: string[]): Promise<string[]> {
  if (candidates.length === 0) return [];
  const p = redis.pipeline();
  for (const name of candidates) p.type(`${prefix}:${name}`);
  const types = (await p.exec())!.map(([, t]) => t);
  return candidates.filter((_, i) => types[i] !== 'hash');
}

export async function describeQueue(redis: Redis, prefix: string, name: string): Promise<FoundQueue> {
  const base = `${prefix}:${name}`;
  const [meta, metaPaused] = (await redis.pipeline().hgetall(`${base}:meta`).exists(`${base}:meta-paused`).exec())!.map(([e, v]) => {
    if (e) throw e;
    return v;
  }) as [Record<string, string>, number];
  const pausedField = meta['paused'] ?? null;
  const found = layoutOf(meta['version'] ?? null, meta);
  if ('unknown' in found) return { name, layout: null, unknown: found.unknown, counts: {}, paused: false };
  const layout = found.layout;
  const p = redis.pipeline();
  for (const s of layout.states)
    if (s.type === 'list') p.llen(`${base}:${s.suffix}`);
    else p.zcard(`${base}:${s.suffix}`);
  const counts: Partial<Record<JobState, number>> = {};
  for (const [i, [e, v]] of (await p.exec())!.entries()) {
    if (e) throw e;
    counts[layout.states[i]!.state] = Number(v);
  }
  const paused = layout.pausedIn === 'meta-field' ? pausedField === '1' || (counts.paused ?? 0) > 0 : metaPaused === 1;
  return { name, layout, unknown: null, counts, paused };
}

/** The ids of `count` jobs of a state from a place (0: the first shown), in the order Rewind shows that state. */
export async function jobIdsAt(redis: Redis, key: string, state: StateKey, from: number, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const last = from + count - 1;
  if (state.type === 'list') {
    // Workers take from the right: the next to run is the last element.
    const ids = await redis.lrange(key, -(last + 1), -(from + 1));
    return ids.reverse();
  }
  return state.order === 'newest' ? redis.zrevrange(key, from, last) : redis.zrange(key, from, last);
}

/** The jobs' hashes, a few at a time (a job may hold megabytes); a job removed since its id was read comes back null. */
export async function loadJobs(redis: Redis, base: string, ids: string[], withLogs = false): Promise<{ job: JobHash | null; logs: string[] }[]> {
  const out: { job: JobHash | null; logs: string[] }[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const slice = ids.slice(i, i + 10);
    const p = redis.pipeline();
    for (const id of slice) {
      p.hgetall(`${base}:${id}`);
      if (withLogs) p.lrange(`${base}:${id}:logs`, -20, -1);
    }
    const replies = (await p.exec())!;
    const per = withLogs ? 2 : 1;
    for (const [j, id] of slice.entries()) {
      const [e, fields] = replies[j * per]!;
      if (e) throw e;
      const f = fields as Record<string, string>;
      const logs = withLogs ? ((replies[j * per + 1]![1] as string[] | null) ?? []) : [];
      out.push({ job: Object.keys(f).length === 0 ? null : { id, fields: f }, logs });
    }
  }
  return out;
}

/**
 * The children a flow's parent still waits for (its `dependencies` set), each with where it
 * stands: a failed child keeps its parent waiting for ever unless the flow says otherwise.
 */
export async function waitingFor(redis: Redis, base: string, id: string): Promise<string[]> {
  const children = (await redis.smembers(`${base}:${id}:dependencies`)).sort().slice(0, 50);
  const out: string[] = [];
  for (const key of children) {
    const cut = key.lastIndexOf(':');
    const [childBase, childId] = [key.slice(0, cut), key.slice(cut + 1)];
    const [failed, reason] = await redis
      .pipeline()
      .zscore(`${childBase}:failed`, childId)
      .hget(key, 'failedReason')
      .exec()
      .then((r) => r!.map(([, v]) => v as string | null));
    out.push(failed !== null ? `${key} (failed: ${reason ?? 'no reason kept'})` : `${key} (not finished)`);
  }
  return out;
}
