import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../model/errors';
import type { SourceAdapter } from '../sources/source-adapter';
import type { RedisQueueAbility } from '../sources/redis/queue-ability';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type RedisQueueHandlers = Pick<Handlers, 'redis/queue' | 'redis/promote' | 'redis/remove-job' | 'redis/clean' | 'redis/search-jobs'>;

function queuesOf(adapter: SourceAdapter): RedisQueueAbility {
  if (!adapter.redisQueues) throw new RewindError('unsupported', 'This connection has no BullMQ queues; pick a Redis connection');
  return adapter.redisQueues;
}

function confirmed(what: string, name: string, confirm: string): void {
  if (confirm !== name) throw new RewindError('invalid_input', `Type the ${what} (${name}) to confirm; "${confirm}" does not match`);
}

/** A BullMQ queue's facts, and the actions that change it, each written to the audit log. */
export function redisQueueHandlers(deps: ConnectionDeps): RedisQueueHandlers {
  const { pool, store } = deps;
  const nameOf = (id: string) => connectionSummaries(deps).find((c) => c.id === id)?.name ?? id;
  const queues = async (connectionId: string) => queuesOf(await pool.get(connectionId));
  const audit = (action: string, connectionId: string, detail: Record<string, unknown> & { summary: string }) => store.audit(action, { connectionId, connectionName: nameOf(connectionId), ...detail });
  return {
    'redis/queue': async ({ connectionId, queue }) => (await queues(connectionId)).info(queue),
    'redis/search-jobs': async (search, ctx) =>
      (await queues(search.connectionId)).search(search, ctx.signal, {
        hits: (records) => ctx.batch([{ kind: 'hits', records }]),
        progress: (scanned, hits, total) => ctx.batch([{ kind: 'progress', scanned, hits, total }]),
      }),
    'redis/promote': async ({ connectionId, queue, ids }) => {
      const r = await (await queues(connectionId)).promote(queue, ids ?? 'all');
      audit('jobs-promote', connectionId, {
        queue,
        asked: ids ? ids.length : 'all delayed',
        promoted: r.promoted,
        failures: r.failures.slice(0, 200),
        summary: `promoted ${r.promoted} delayed job${r.promoted === 1 ? '' : 's'} of ${queue} to waiting`,
      });
      return r;
    },
    'redis/remove-job': async ({ connectionId, queue, id, confirm }) => {
      confirmed("job's id", id, confirm);
      const r = await (await queues(connectionId)).remove(queue, id);
      audit('job-remove', connectionId, { queue, id, state: r.state, summary: `removed job ${id} (${r.state}) from ${queue}` });
      return r;
    },
    'redis/clean': async ({ connectionId, queue, state, confirm }) => {
      confirmed("queue's name", queue, confirm);
      const r = await (await queues(connectionId)).clean(queue, state);
      audit('queue-clean', connectionId, { queue, state, removed: r.removed, summary: `cleaned ${queue}: removed ${r.removed} ${state} job${r.removed === 1 ? '' : 's'}` });
      return r;
    },
  };
}
