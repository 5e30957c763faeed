import { storeEventToWire } from './store-envelope';
import type { EventStore } from '../../store/event-store';
import { SubscriptionStore } from '../../store/subscription-store';
import { DEFAULT_LIMITS, ProjectionRun, stateEntries } from '../../projections/projection-run';

async function* once<T>(items: T[]): AsyncGenerator<T[]> {
  if (items.length > 0) yield items;
}

/**
 * Replays parked events through their subscription's current code, from its saved state: what
 * the handler now takes is unparked and the state moves on; what it still fails on stays parked
 * with the new error. The one way to redrive parked events, from the subscription or the
 * dead-letter view.
 */
export async function replayParked(store: EventStore, name: string, positions: number[]): Promise<{ replayed: number[]; failed: { position: number; reason: string }[] }> {
  if (positions.length === 0) return { replayed: [], failed: [] };
  const s = new SubscriptionStore(store);
  store.assertWritable();
  const sub = s.get(name);
  const run = await ProjectionRun.start(sub.code, DEFAULT_LIMITS);
  try {
    if (sub.state) run.restore(sub.state);
    const events = positions.flatMap((p) => store.readAll(p, 1).filter((e) => e.globalPosition === p));
    const failed: { position: number; reason: string }[] = [];
    const result = await run.runBatches(once(events.map(storeEventToWire)), {
      onProgress: () => undefined,
      onHandlerError: (failure) => {
        const reason = `${failure.name}: ${failure.message}`;
        failed.push({ position: failure.position, reason });
        s.park(name, failure.position, 1, reason);
        run.decide('skip');
      },
    });
    const failedAt = new Set(failed.map((f) => f.position));
    const replayed = events.map((e) => e.globalPosition).filter((p) => !failedAt.has(p));
    // The state moves on with what replayed; the checkpoint stays where the subscription is.
    store.database
      .transaction(() => {
        s.unpark(name, replayed);
        s.saveCheckpoint(name, sub.checkpoint, stateEntries(result));
      })
      .immediate();
    return { replayed, failed };
  } finally {
    await run.close();
  }
}
