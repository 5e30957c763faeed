import type { Redis } from 'ioredis';
import type { Resource } from '../../model/resources';
import type { QueueLayout, StateKey } from './bull-layout';
import { describeQueue, findQueueNames } from './bull-queues';
import { scanKeys } from './key-scan';

/** What a resource name stands for: one state of a queue, a queue whose layout is not known, or a stream. */
export type Entry = { kind: 'state'; queue: string; state: StateKey; layout: QueueLayout } | { kind: 'unknown-queue'; queue: string; why: string } | { kind: 'stream'; key: string };

/** A queue state's resource name, as the sidebar shows it. */
export const stateName = (queue: string, state: string) => `${queue} · ${state}`;

/** A stream that holds dead letters: `<stream>:dlq`, Rewind's (and most hand-rolled) convention. */
export const isDlqStream = (key: string) => /[:._-]dlq$/i.test(key);

/** The names a walk of the keyspace found: queues under the prefix, and streams. */
export interface KeyspaceNames {
  queues: string[];
  streams: string[];
  /** The walk stopped at its budget: there may be more. */
  complete: boolean;
}

/** Walks the keyspace (SCAN, paced) for queues under the prefix and for streams. */
export async function walkKeyspace(redis: Redis, prefix: string, signal: AbortSignal): Promise<KeyspaceNames> {
  const { names, complete: queuesComplete } = await findQueueNames(redis, prefix, signal);
  const { keys, complete: streamsComplete } = await scanKeys(redis, { type: 'stream' }, signal);
  // BullMQ's own event streams are the queues' business, not the user's.
  const queueEvents = new Set(names.map((q) => `${prefix}:${q}:events`));
  return { queues: names, streams: keys.filter((k) => !queueEvents.has(k)), complete: queuesComplete && streamsComplete };
}

/**
 * Everything a connection lists, from names already found: each queue with one row per state
 * (failed ones are dead letters) and every stream, each counted now.
 */
export async function catalogue(redis: Redis, prefix: string, found: KeyspaceNames): Promise<{ resources: Resource[]; entries: Map<string, Entry> }> {
  const entries = new Map<string, Entry>();
  const resources: Resource[] = [];
  const queues = await Promise.all(found.queues.map((name) => describeQueue(redis, prefix, name)));
  for (const q of queues) {
    if (!q.layout) {
      const name = q.name;
      entries.set(name, { kind: 'unknown-queue', queue: q.name, why: q.unknown ?? 'a layout Rewind does not know' });
      resources.push({ type: 'source', source: 'redis', kind: 'layout not known', name, group: `${q.name} (queue, layout not known)`, items: null, deadLetter: false });
      continue;
    }
    const group = `${q.name} (${q.layout.label}${q.paused ? ', paused' : ''})`;
    for (const state of q.layout.states) {
      const count = q.counts[state.state] ?? 0;
      // A paused list that is empty says nothing where pausing no longer uses it.
      if (state.state === 'paused' && count === 0) continue;
      const name = stateName(q.name, state.state);
      entries.set(name, { kind: 'state', queue: q.name, state, layout: q.layout });
      resources.push({ type: 'source', source: 'redis', kind: 'jobs', name, label: state.state, group, items: { value: count, exact: true }, deadLetter: state.state === 'failed' });
    }
  }
  const lengths = found.streams.length ? await lengthsOf(redis, found.streams) : [];
  for (const [i, key] of found.streams.entries()) {
    // A stream deleted since the walk counts nothing and is left out.
    if (lengths[i] === null) continue;
    entries.set(key, { kind: 'stream', key });
    resources.push({ type: 'source', source: 'redis', kind: 'stream', name: key, group: 'Streams', items: { value: lengths[i]!, exact: true }, deadLetter: isDlqStream(key) });
  }
  return { resources, entries };
}

async function lengthsOf(redis: Redis, keys: string[]): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const p = redis.pipeline();
    for (const k of keys.slice(i, i + 500)) p.xlen(k);
    for (const [e, v] of (await p.exec())!) out.push(e ? null : Number(v));
  }
  return out;
}
