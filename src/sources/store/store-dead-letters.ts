import { RewindError } from '../../model/errors';
import { noDeath, type DeadLetterRef } from '../../model/dead-letters';
import type { PlanRow, RedrivePlan, RedriveProgress } from '../../model/redrive';
import { replayParked } from './replay-parked';
import type { EventStore } from '../../store/event-store';
import { SubscriptionStore } from '../../store/subscription-store';
import type { DeadLetterAbility, RedriveRequest } from '../source-adapter';
import { storeEventToEnvelope } from './store-envelope';

/** A subscription's parked events are the store's dead letters; a redrive replays them in it. */
export class StoreDeadLetters implements DeadLetterAbility {
  constructor(private readonly store: EventStore) {}

  async peek(ref: DeadLetterRef, limit: number) {
    const name = this.subscription(ref);
    const subs = new SubscriptionStore(this.store);
    const info = subs.get(name);
    const parked = subs.parked(name, limit);
    return {
      messages: parked.map((p) => ({
        id: String(p.position),
        envelope: storeEventToEnvelope(p.event, '$all'),
        death: { ...noDeath(), reason: p.lastError, origin: `subscription ${name}`, attempts: p.attempts, at: p.parkedAt },
      })),
      depth: { value: info.parked, exact: true },
      note: `Parked by subscription ${name} after failing ${info.maxAttempts} times; a redrive replays them through its current code.`,
    };
  }

  async plan(ref: DeadLetterRef, request: RedriveRequest): Promise<RedrivePlan> {
    const name = this.subscription(ref);
    this.onlyOrigin(request);
    const positions = this.positions(name, request);
    const rows: PlanRow[] = positions
      .slice(0, 2_000)
      .map((p) => ({ id: String(p), where: `#${p}`, messageId: null, target: `subscription ${name}`, routes: [`subscription ${name}`], problem: null, redrivenBefore: null }));
    return {
      rows,
      perTarget: [{ target: `subscription ${name}`, count: positions.length, routes: [`subscription ${name}`], problem: null }],
      total: positions.length,
      movable: rows.length,
      repeated: 0,
      note: `${positions.length} parked event${positions.length === 1 ? '' : 's'} would be replayed through ${name}'s current code; those it fails on again stay parked.`,
    };
  }

  async redrive(ref: DeadLetterRef, request: RedriveRequest, run: { signal: AbortSignal; onProgress(p: RedriveProgress): void }) {
    const name = this.subscription(ref);
    this.onlyOrigin(request);
    const positions = this.positions(name, request);
    run.onProgress({ looked: 0, moved: 0, failed: 0, total: positions.length, inFlight: positions.length });
    const { replayed, failed } = await replayParked(this.store, name, positions);
    run.onProgress({ looked: positions.length, moved: replayed.length, failed: failed.length, total: positions.length, inFlight: 0 });
    return {
      looked: positions.length,
      moved: replayed.length,
      failures: failed.map((f) => ({ where: `#${f.position}`, messageId: null, reason: f.reason })),
      duplicates: 0,
      uncertain: 0,
      stoppedBy: 'done' as const,
      error: null,
      movedIds: replayed.map(String),
    };
  }

  private subscription(ref: DeadLetterRef): string {
    if (ref.type !== 'store-subscription') throw new RewindError('invalid_input', 'That is not a subscription');
    return ref.name;
  }

  private onlyOrigin(request: RedriveRequest): void {
    if (request.target.kind !== 'origin') throw new RewindError('invalid_input', 'Parked events go back to their own subscription');
  }

  private positions(name: string, request: RedriveRequest): number[] {
    const selection = 'ids' in request.selection ? { positions: request.selection.ids.map(Number).filter(Number.isInteger) } : { all: true as const };
    return new SubscriptionStore(this.store).select(name, selection);
  }
}
