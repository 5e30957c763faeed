import { randomUUID } from 'node:crypto';
import type { Handlers } from '../api/dispatcher';
import { RewindError, toApiError } from '../api/errors';
import type { DeadLetterAbility, SourceAdapter } from '../adapters/source-adapter';
import type { DeadLetterRef, DeadLetterSource } from '../model/dead-letters';
import type { Resource } from '../model/resources';
import type { EventStore } from '../store/event-store';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type DeadLetterHandlers = Pick<Handlers, 'dead-letters/list' | 'dead-letters/peek' | 'dead-letters/plan' | 'dead-letters/redrive' | 'dead-letters/stop' | 'audit/list'>;

/** A broker that does not answer in this long is listed as unreachable, not waited for. */
const LIST_TIMEOUT_MS = 6_000;

function sourceOf(connection: { id: string; name: string; kind: DeadLetterSource['kind'] }, r: Resource): DeadLetterSource | null {
  const base = { connectionId: connection.id, connectionName: connection.name, kind: connection.kind, resource: r };
  if (r.type === 'kafka-topic' && r.deadLetter) return { ...base, ref: { type: 'kafka-topic', name: r.name }, depth: r.records, unavailable: null };
  if (r.type === 'rabbit-queue' && r.deadLetter) return { ...base, ref: { type: 'rabbit-queue', vhost: r.vhost, name: r.name }, depth: r.messages, unavailable: null };
  // A subscription's parked events are its dead letters, even while there are none.
  if (r.type === 'store-subscription') return { ...base, ref: { type: 'store-subscription', name: r.name }, depth: r.parked, unavailable: null };
  return null;
}

function abilityOf(adapter: SourceAdapter): DeadLetterAbility {
  if (!adapter.deadLetters) throw new RewindError('unsupported', 'This connection has no dead letters Rewind can move');
  return adapter.deadLetters;
}

const describeRef = (ref: DeadLetterRef) =>
  ref.type === 'rabbit-queue' ? `${ref.vhost === '/' ? '' : `${ref.vhost}/`}${ref.name}` : ref.type === 'store-subscription' ? `subscription ${ref.name}` : ref.name;

/** The offsets of a topic redriven before, with when, from the audit log. */
function redriveHistory(store: EventStore, connectionId: string, ref: DeadLetterRef) {
  return (ids: string[]) => {
    const wanted = new Set(ids);
    const seen = new Map<string, string>();
    for (const entry of store.auditLog({ actions: ['redrive'], text: ref.name, limit: 500 })) {
      const d = JSON.parse(entry.detail) as { connectionId?: string; from?: { name?: string }; movedIds?: string[] };
      if (d.connectionId !== connectionId || d.from?.name !== ref.name) continue;
      for (const id of d.movedIds ?? []) if (wanted.has(id) && !seen.has(id)) seen.set(id, entry.at);
    }
    return seen;
  };
}

/**
 * One view of everything that died: Kafka dead-letter topics, RabbitMQ dead-letter queues and
 * the store's parked events, each with why it died; and moving them back, each source by its
 * own ability, written to the audit log.
 */
export function deadLetterHandlers(deps: ConnectionDeps): DeadLetterHandlers {
  const { pool, store } = deps;
  const running = new Map<string, AbortController>();
  return {
    'dead-letters/list': async (_params, { signal }) => {
      const connections = connectionSummaries(deps);
      const sources: DeadLetterSource[] = [];
      const unreachable: { connectionId: string; connectionName: string; message: string }[] = [];
      await Promise.all(
        connections.map(async (c) => {
          try {
            const adapter = await pool.get(c.id);
            const limit = AbortSignal.any([signal, AbortSignal.timeout(LIST_TIMEOUT_MS)]);
            // Not every client library stops on a signal: the list must come back on time regardless.
            const gaveUp = new Promise<never>((_, reject) => limit.addEventListener('abort', () => reject(new RewindError('timeout', `no answer in ${LIST_TIMEOUT_MS / 1000} s`)), { once: true }));
            const resources = await Promise.race([adapter.listResources(limit), gaveUp]);
            for (const r of resources) {
              const s = sourceOf(c, r);
              if (s) sources.push(s);
            }
          } catch (e) {
            unreachable.push({ connectionId: c.id, connectionName: c.name, message: toApiError(e).message });
          }
        }),
      );
      const order = new Map(connections.map((c, i) => [c.id, i]));
      sources.sort((a, b) => order.get(a.connectionId)! - order.get(b.connectionId)! || a.ref.name.localeCompare(b.ref.name));
      return { sources, unreachable: unreachable.sort((a, b) => order.get(a.connectionId)! - order.get(b.connectionId)!) };
    },

    'dead-letters/peek': async ({ connectionId, ref, limit, acceptRedelivered }, { signal }) => {
      const peek = await abilityOf(await pool.get(connectionId)).peek(ref, limit, signal, acceptRedelivered === true);
      if (ref.type !== 'kafka-topic') return peek;
      // A topic keeps what was redriven: say which of these went back already, and when.
      const before = redriveHistory(store, connectionId, ref)(peek.messages.map((m) => m.id));
      return { ...peek, messages: peek.messages.map((m) => ({ ...m, redrivenAt: before.get(m.id) ?? null })) };
    },

    'dead-letters/plan': async ({ connectionId, ref, selection, target, options }, { signal }) =>
      abilityOf(await pool.get(connectionId)).plan(ref, { selection, target, options }, signal, redriveHistory(store, connectionId, ref)),

    'dead-letters/redrive': async ({ connectionId, ref, selection, target, options, confirmedCount, repeat }, ctx) => {
      const ability = abilityOf(await pool.get(connectionId));
      if (ref.type === 'kafka-topic' && 'ids' in selection && !repeat) {
        const before = redriveHistory(store, connectionId, ref)(selection.ids);
        if (before.size > 0) {
          throw new RewindError(
            'conflict',
            `${before.size} of these records were redriven before (first on ${[...before.values()].sort()[0]})`,
            'Look at the dry run, then confirm to redrive them again.',
          );
        }
      }
      const runId = randomUUID().slice(0, 8);
      const stop = new AbortController();
      running.set(runId, stop);
      ctx.batch([{ kind: 'started', runId }]);
      const signal = AbortSignal.any([ctx.signal, stop.signal]);
      const started = new Date().toISOString();
      try {
        const outcome = await ability.redrive(ref, { selection, target, options }, { runId, signal, onProgress: (p) => ctx.batch([{ kind: 'progress', ...p }]) });
        const connection = connectionSummaries(deps).find((c) => c.id === connectionId);
        const auditId = store.audit('redrive', {
          runId,
          started,
          connectionId,
          connectionName: connection?.name ?? connectionId,
          from: ref,
          to: target,
          options,
          selection: 'all' in selection ? 'all' : `${selection.ids.length} picked`,
          confirmedCount,
          looked: outcome.looked,
          moved: outcome.moved,
          failed: outcome.failures.length,
          duplicates: outcome.duplicates,
          uncertain: outcome.uncertain,
          stoppedBy: outcome.stoppedBy,
          failures: outcome.failures.slice(0, 200),
          movedIds: outcome.movedIds,
          summary: `${outcome.moved} moved from ${describeRef(ref)}, ${outcome.failures.length} failed`,
        });
        const { movedIds: _ids, ...result } = outcome;
        return { ...result, auditId };
      } finally {
        running.delete(runId);
      }
    },

    'dead-letters/stop': async ({ runId }) => {
      const run = running.get(runId);
      run?.abort();
      return { stopping: run !== undefined };
    },

    'audit/list': async ({ actions, text, before, limit }) => {
      const rows = store.auditLog({ ...(actions ? { actions } : {}), ...(text ? { text } : {}), ...(before !== undefined ? { before } : {}), limit: limit + 1 });
      return { entries: rows.slice(0, limit).map((r) => ({ id: r.id, at: r.at, action: r.action, detail: JSON.parse(r.detail) as never })), more: rows.length > limit };
    },
  };
}
