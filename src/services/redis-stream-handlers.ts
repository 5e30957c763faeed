import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../model/errors';
import type { SourceAdapter } from '../sources/source-adapter';
import type { RedisStreamAbility } from '../sources/redis/stream-ability';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type RedisStreamHandlers = Pick<Handlers, 'redis/stream-groups' | 'redis/pending' | 'redis/claim' | 'redis/plan-group-position' | 'redis/set-group-position' | 'redis/dead-letter'>;

function streamsOf(adapter: SourceAdapter): RedisStreamAbility {
  if (!adapter.redisStreams) throw new RewindError('unsupported', 'This connection has no Redis streams; pick a Redis connection');
  return adapter.redisStreams;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A Redis stream's consumer groups: what changes a group (claims, positions, dead-letter moves) goes to the audit log. */
export function redisStreamHandlers(deps: ConnectionDeps): RedisStreamHandlers {
  const { pool, store } = deps;
  const nameOf = (id: string) => connectionSummaries(deps).find((c) => c.id === id)?.name ?? id;
  const streams = async (connectionId: string) => streamsOf(await pool.get(connectionId));
  return {
    'redis/stream-groups': async ({ connectionId, stream }, { signal }) => (await streams(connectionId)).groups(stream, signal),
    'redis/pending': async ({ connectionId, stream, group, minDeliveries, consumer, limit }, { signal }) =>
      (await streams(connectionId)).pending(stream, group, { ...(minDeliveries !== undefined ? { minDeliveries } : {}), ...(consumer ? { consumer } : {}), limit }, signal),
    'redis/claim': async ({ connectionId, stream, group, ids, consumer, minIdleMs }) => {
      const claimed = await (await streams(connectionId)).claim(stream, group, consumer, ids, minIdleMs);
      store.audit('stream-claim', {
        connectionId,
        connectionName: nameOf(connectionId),
        stream,
        group,
        consumer,
        asked: ids.length,
        claimed: claimed.length,
        ids: claimed.slice(0, 1_000),
        summary: `claimed ${plural(claimed.length, 'entry', 'entries')} of ${stream} (group ${group}) for ${consumer}${claimed.length < ids.length ? ` (${ids.length - claimed.length} were not pending or not idle long enough)` : ''}`,
      });
      return { claimed };
    },
    'redis/plan-group-position': async ({ connectionId, stream, group, target }) => (await streams(connectionId)).planPosition(stream, group, target),
    'redis/set-group-position': async ({ connectionId, stream, group, id, expectFrom }) => {
      const moved = await (await streams(connectionId)).setPosition(stream, group, id, expectFrom);
      const auditId = store.audit('stream-group-position', {
        connectionId,
        connectionName: nameOf(connectionId),
        stream,
        group,
        from: moved.from,
        to: moved.to,
        summary: `set group ${group} of ${stream} from ${moved.from} to ${moved.to}`,
      });
      return { ...moved, auditId };
    },
    'redis/dead-letter': async ({ connectionId, stream, group, selection, reason }, ctx) => {
      const outcome = await (
        await streams(connectionId)
      ).deadLetter(stream, group, selection, reason, {
        signal: ctx.signal,
        onProgress: (done, total, moved) => ctx.batch([{ done, total, moved }]),
      });
      store.audit('stream-dead-letter', {
        connectionId,
        connectionName: nameOf(connectionId),
        stream,
        group,
        dlq: outcome.dlq,
        selection: 'ids' in selection ? `${selection.ids.length} picked` : `delivered at least ${selection.minDeliveries} times`,
        reason,
        looked: outcome.looked,
        moved: outcome.moved,
        skipped: outcome.skipped.slice(0, 200),
        stoppedBy: outcome.stoppedBy,
        error: outcome.error,
        summary: `moved ${plural(outcome.moved, 'entry', 'entries')} of ${stream} (group ${group}) to ${outcome.dlq}${outcome.skipped.length ? `; ${outcome.skipped.length} left as they were` : ''}${outcome.stoppedBy !== 'done' ? ` (${outcome.stoppedBy})` : ''}`,
      });
      return outcome;
    },
  };
}
