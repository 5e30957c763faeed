import { whenAborted } from '../sources/source-adapter';
import { RewindError } from '../model/errors';
import type { Handlers } from '../api/dispatcher';
import { DEFAULT_LIMITS, ProjectionRun, stateEntries } from '../projections/projection-run';
import { replayParked } from '../sources/store/replay-parked';
import { SubscriptionStore } from '../store/subscription-store';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

/** States larger than this stay in the store; the page says how large they are. */
const STATE_SHOWN_BYTES = 1024 * 1024;

/** [partition, state] pairs (as checkpoints keep them) as one value: the state, or partitions by key. */
function stateOfEntries(json: string): JsonValue {
  const entries = JSON.parse(json) as [string, JsonValue][];
  if (entries.length === 1 && entries[0]?.[0] === '') return entries[0][1];
  return Object.fromEntries(entries);
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

type SubscriptionHandlers = Pick<
  Handlers,
  'subscriptions/list' | 'subscriptions/get' | 'subscriptions/save' | 'subscriptions/delete' | 'subscriptions/catch-up' | 'subscriptions/parked' | 'subscriptions/replay-parked'
>;

/**
 * A subscription is a projection kept over a store: each catch-up continues from its checkpoint
 * with its saved state; an event its handler fails on maxAttempts times is parked, not lost.
 */
export function subscriptionHandlers(deps: ConnectionDeps): SubscriptionHandlers {
  const { pool } = deps;
  const subs = async (connectionId: string) => new SubscriptionStore(await pool.store(connectionId));
  /** Entries go to the app's audit log, whichever store the subscription lives in. */
  const audit = (action: string, connectionId: string, detail: Record<string, unknown>) =>
    deps.store.audit(action, { connectionId, connectionName: connectionSummaries(deps).find((c) => c.id === connectionId)?.name ?? connectionId, ...detail });

  return {
    'subscriptions/list': async ({ connectionId }) => (await subs(connectionId)).list(),

    'subscriptions/get': async ({ connectionId, name }) => {
      const sub = (await subs(connectionId)).get(name);
      const stateBytes = sub.state === null ? 0 : Buffer.byteLength(sub.state);
      const stateShown = stateBytes <= STATE_SHOWN_BYTES;
      return {
        name: sub.name,
        code: sub.code,
        maxAttempts: sub.maxAttempts,
        checkpoint: sub.checkpoint,
        parked: sub.parked,
        state: sub.state === null || !stateShown ? null : stateOfEntries(sub.state),
        stateBytes,
        stateShown,
      };
    },

    'subscriptions/save': async ({ connectionId, name, code, maxAttempts, replace }) => {
      const store = await subs(connectionId);
      if (!replace && store.list().some((s) => s.name === name)) {
        throw new RewindError('conflict', `A subscription named ${name} already exists`, 'Replace its code (its checkpoint and state stay), or pick another name.');
      }
      // Refuse code that does not load before it is stored.
      await (await ProjectionRun.start(code)).close();
      store.save(name, code, maxAttempts);
      return {};
    },

    'subscriptions/delete': async ({ connectionId, name }) => {
      const store = await subs(connectionId);
      const sub = store.get(name);
      store.delete(name);
      audit('delete-subscription', connectionId, { subscription: name, checkpoint: sub.checkpoint, parked: sub.parked, summary: `deleted subscription ${name}` });
      return {};
    },

    'subscriptions/catch-up': async ({ connectionId, name }, ctx) => {
      const store = await pool.store(connectionId);
      const s = new SubscriptionStore(store);
      const sub = s.get(name);
      const run = await ProjectionRun.start(sub.code, DEFAULT_LIMITS);
      const forget = whenAborted(ctx.signal, () => void run.close());
      try {
        if (sub.state) run.restore(sub.state);
        const total = Math.max(0, store.lastPosition() - sub.checkpoint);
        const attempts = new Map<number, number>();
        let parked = 0;
        const result = await run.runSqlite(
          { kind: 'sqlite', path: store.path, streamId: null, from: sub.checkpoint + 1, to: null },
          {
            onProgress: (processed) => ctx.progress({ done: processed, total, exact: true }),
            onHandlerError: (failure) => {
              const n = (attempts.get(failure.position) ?? 0) + 1;
              attempts.set(failure.position, n);
              if (n < sub.maxAttempts) return run.decide('retry');
              s.park(name, failure.position, n, `${failure.name}: ${failure.message}`);
              parked++;
              run.decide('skip');
            },
          },
        );
        const checkpoint = Math.max(sub.checkpoint, result.lastPosition);
        s.saveCheckpoint(name, checkpoint, stateEntries(result));
        ctx.progress({ done: total, total, exact: true });
        return { processed: result.processed, parked, checkpoint };
      } finally {
        forget();
        await run.close();
      }
    },

    'subscriptions/parked': async ({ connectionId, name }) =>
      (await subs(connectionId)).parked(name).map((p) => ({
        position: p.position,
        attempts: p.attempts,
        lastError: p.lastError,
        parkedAt: p.parkedAt,
        type: p.event.eventType,
        streamId: p.event.streamId,
        data: p.event.data,
      })),

    'subscriptions/replay-parked': async ({ connectionId, name, selection, dryRun }) => {
      const store = await pool.store(connectionId);
      const s = new SubscriptionStore(store);
      const positions = s.select(name, selection);
      if (dryRun || positions.length === 0) return { count: positions.length, replayed: 0, stillParked: 0 };
      const { replayed, failed } = await replayParked(store, name, positions);
      audit('replay-parked', connectionId, {
        subscription: name,
        selection: 'all' in selection ? 'all' : 'upTo' in selection ? `up to ${selection.upTo}` : `${positions.length} picked`,
        count: positions.length,
        replayed: replayed.length,
        stillParked: failed.length,
        positions: positions.slice(0, 200),
        summary: `replayed ${positions.length} parked event${positions.length === 1 ? '' : 's'} of subscription ${name}: ${replayed.length} handled, ${failed.length} still parked`,
      });
      return { count: positions.length, replayed: replayed.length, stillParked: failed.length };
    },
  };
}
