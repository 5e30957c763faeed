import { randomUUID } from 'node:crypto';
import type { Handlers } from '../api/dispatcher';
import { RewindError, toApiError } from '../model/errors';
import type { DeadLetterAbility, SourceAdapter } from '../sources/source-adapter';
import type { DeadLetterRef, DeadLetterSource } from '../model/dead-letters';
import type { RedriveOptions } from '../model/redrive';
import type { Resource } from '../model/resources';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';
import { compactIds, firstRedrive, redriveHistory } from './redrive-history';
import { redriveSummary } from './redrive-summary';

type DeadLetterHandlers = Pick<Handlers, 'dead-letters/list' | 'dead-letters/peek' | 'dead-letters/plan' | 'dead-letters/redrive' | 'dead-letters/stop' | 'audit/list'>;

/** A broker that does not answer in this long is listed as unreachable, not waited for. */
const LIST_TIMEOUT_MS = 6_000;

function sourceOf(connection: { id: string; name: string; kind: DeadLetterSource['kind'] }, r: Resource): DeadLetterSource | null {
  const base = { connectionId: connection.id, connectionName: connection.name, kind: connection.kind, resource: r };
  if (r.type === 'kafka-topic' && r.deadLetter) return { ...base, ref: { type: 'kafka-topic', name: r.name }, depth: r.records, unavailable: null };
  if (r.type === 'rabbit-queue' && r.deadLetter) return { ...base, ref: { type: 'rabbit-queue', vhost: r.vhost, name: r.name }, depth: r.messages, unavailable: null };
  // A subscription's parked events are its dead letters, even while there are none.
  if (r.type === 'store-subscription') return { ...base, ref: { type: 'store-subscription', name: r.name }, depth: r.parked, unavailable: null };
  if (r.type === 'source' && r.deadLetter) return { ...base, ref: { type: 'source', name: r.name }, depth: r.items ?? { value: 0, exact: false }, unavailable: null };
  return null;
}

function abilityOf(adapter: SourceAdapter): DeadLetterAbility {
  if (!adapter.deadLetters) throw new RewindError('unsupported', 'This connection has no dead letters Rewind can move');
  return adapter.deadLetters;
}

const describeRef = (ref: DeadLetterRef) =>
  ref.type === 'rabbit-queue' ? `${ref.vhost === '/' ? '' : `${ref.vhost}/`}${ref.name}` : ref.type === 'store-subscription' ? `subscription ${ref.name}` : ref.name;

const repeatRefused = (what: string) => new RewindError('conflict', what, 'Look at the dry run, then confirm to redrive them again.');

/** The options that mean something for this source: a RabbitMQ redrive has no partitioning. */
function optionsFor(ref: DeadLetterRef, o: RedriveOptions): Partial<RedriveOptions> {
  if (ref.type === 'rabbit-queue') return { restoreTtl: o.restoreTtl, ratePerSecond: o.ratePerSecond };
  if (ref.type === 'kafka-topic') return { partitioning: o.partitioning, keepTimestamp: o.keepTimestamp, ratePerSecond: o.ratePerSecond };
  return {};
}

/**
 * One view of everything that died: Kafka dead-letter topics, RabbitMQ dead-letter queues and
 * the store's parked events, each with why it died; and moving them back, each source by its
 * own ability, written to the audit log.
 */
export function deadLetterHandlers(deps: ConnectionDeps): DeadLetterHandlers {
  const { pool, store } = deps;
  const running = new Map<string, AbortController>();
  /** Redrives under way, by the resource they move from. */
  const active = new Map<string, { runId: string; started: string }>();
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
      // One redrive per dead-letter resource at a time: two at once would both pass the repeat check.
      const key = `${connectionId}\u0000${JSON.stringify(ref)}`;
      const busy = active.get(key);
      if (busy)
        throw new RewindError(
          'conflict',
          `A redrive of ${describeRef(ref)} is running (started ${busy.started})`,
          'Wait for it to end, or stop it from the Jobs panel, then look at the dry run again.',
        );
      if (ref.type === 'kafka-topic' && !repeat) {
        // A topic keeps what was redriven: a second redrive of the same records needs the user's word.
        if ('ids' in selection) {
          const before = redriveHistory(store, connectionId, ref)(selection.ids);
          if (before.size > 0) throw repeatRefused(`${before.size} of these records were redriven before (first on ${[...before.values()].sort()[0]})`);
        } else {
          const first = firstRedrive(store, connectionId, ref);
          if (first) throw repeatRefused(`Records of ${ref.name} were redriven before (first on ${first}); redriving all would send those again`);
        }
      }
      const runId = randomUUID().slice(0, 8);
      const stop = new AbortController();
      const started = new Date().toISOString();
      running.set(runId, stop);
      active.set(key, { runId, started });
      try {
        ctx.batch([{ kind: 'started', runId }]);
        const signal = AbortSignal.any([ctx.signal, stop.signal]);
        const outcome = await ability.redrive(ref, { selection, target, options, confirmedCount }, { runId, signal, onProgress: (p) => ctx.batch([{ kind: 'progress', ...p }]) });
        const connection = connectionSummaries(deps).find((c) => c.id === connectionId);
        const { movedIds, ...rest } = outcome;
        const result = { ...rest, inBothPlaces: rest.inBothPlaces ?? [], settled: rest.settled ?? null, confirmedCount };
        const summary = redriveSummary(result, describeRef(ref));
        const auditId = store.audit('redrive', {
          runId,
          started,
          connectionId,
          connectionName: connection?.name ?? connectionId,
          from: ref,
          to: target,
          options: optionsFor(ref, options),
          selection: 'all' in selection ? 'all' : `${selection.ids.length} picked`,
          confirmedCount,
          looked: outcome.looked,
          moved: outcome.moved,
          failed: outcome.failures.length,
          duplicates: outcome.duplicates,
          uncertain: outcome.uncertain,
          stoppedBy: outcome.stoppedBy,
          failures: outcome.failures.slice(0, 200),
          inBothPlaces: result.inBothPlaces.slice(0, 1_000),
          settled: result.settled,
          movedIds: compactIds(movedIds),
          summary,
        });
        return { ...result, summary, auditId };
      } finally {
        running.delete(runId);
        active.delete(key);
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
