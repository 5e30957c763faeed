import { whenAborted } from '../adapters/source-adapter';
import type { Handlers } from '../api/dispatcher';
import { DEFAULT_LIMITS, ProjectionRun, stateEntries } from '../projections/projection-run';
import { replayParked } from '../projections/replay-parked';
import { SubscriptionStore } from '../store/subscription-store';
import type { AdapterPool } from './adapter-pool';

type SubscriptionHandlers = Pick<
  Handlers,
  'subscriptions/list' | 'subscriptions/save' | 'subscriptions/delete' | 'subscriptions/catch-up' | 'subscriptions/parked' | 'subscriptions/replay-parked'
>;



/**
 * A subscription is a projection kept over a store: each catch-up continues from its checkpoint
 * with its saved state; an event its handler fails on maxAttempts times is parked, not lost.
 */
export function subscriptionHandlers({ pool }: { pool: AdapterPool }): SubscriptionHandlers {
  const subs = async (connectionId: string) => new SubscriptionStore(await pool.store(connectionId));

  return {
    'subscriptions/list': async ({ connectionId }) => (await subs(connectionId)).list(),

    'subscriptions/save': async ({ connectionId, name, code, maxAttempts }) => {
      // Refuse code that does not load before it is stored.
      await (await ProjectionRun.start(code)).close();
      (await subs(connectionId)).save(name, code, maxAttempts);
      return {};
    },

    'subscriptions/delete': async ({ connectionId, name }) => {
      (await subs(connectionId)).delete(name);
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
      return { count: positions.length, replayed: replayed.length, stillParked: failed.length };
    },
  };
}
