import { performance } from 'node:perf_hooks';
import { RewindError } from '../../model/errors';
import { EventStore, type StoredEvent } from '../../store/event-store';
import { SubscriptionStore } from '../../store/subscription-store';
import { damagedError } from '../../store/integrity';
import { StoreDeadLetters } from './store-dead-letters';
import { throwIfAborted, type ReadOptions, type SourceAdapter } from '../source-adapter';
import { storeEventToEnvelope, storeEventToWire } from './store-envelope';
import type { WireEvent } from '../../model/wire';
import type { ReadFrom, ReadTarget, Resource } from '../../model/resources';

/** Rows per query: big enough to be fast, small enough to keep the event loop responsive. */
const PAGE = 500;

export class StoreAdapter implements SourceAdapter {
  /** Nothing follows a store as it grows: its reads end at its last position. */
  readonly follows = false;
  readonly seeksByTime = true;

  readonly deadLetters: StoreDeadLetters;
  get eventStore(): EventStore {
    return this.store;
  }

  constructor(
    readonly store: EventStore,
    /** An opened file is closed with its adapter; the bundled store belongs to the app. */
    private readonly options: { owned: boolean } = { owned: false },
  ) {
    this.deadLetters = new StoreDeadLetters(store);
  }

  async test() {
    if (this.store.damage.length > 0) throw damagedError(this.store.path, this.store.damage);
    const started = performance.now();
    const last = this.store.lastPosition();
    return {
      ok: true as const,
      server: 'Rewind event store (SQLite)',
      details: [this.store.path, `${last.toLocaleString('en-US')} events`],
      latencyMs: performance.now() - started,
    };
  }

  async listResources(): Promise<Resource[]> {
    const last = this.store.lastPosition();
    const all: Resource = { type: 'store-all', name: '$all', events: { value: last, exact: true } };
    const streams: Resource[] = this.store.streams().map((s) => ({
      type: 'store-stream',
      name: s.streamId,
      category: s.category,
      events: { value: s.eventCount, exact: true },
      lastPosition: String(s.lastPosition),
      lastWrite: s.lastRecordedAt,
    }));
    const subscriptions: Resource[] = new SubscriptionStore(this.store).list().map((s) => ({
      type: 'store-subscription',
      name: s.name,
      checkpoint: s.checkpoint,
      parked: { value: s.parked, exact: true },
      deadLetter: s.parked > 0,
    }));
    return [all, ...streams, ...subscriptions];
  }

  async read(options: ReadOptions) {
    const { target, limit, signal } = options;
    const reader = this.reader(target);
    const end = this.store.lastPosition();
    const total = this.expectedCount(target);
    let position = this.startPosition(options);
    let count = 0;
    while (count < limit) {
      throwIfAborted(signal);
      const rows = reader(position, Math.min(PAGE, limit - count));
      if (rows.length === 0) break;
      count += rows.length;
      position = (rows[rows.length - 1] as StoredEvent).globalPosition + 1;
      options.onBatch(rows.map((r) => storeEventToEnvelope(r, resourceName(target), options.previewBytes)));
      options.onProgress({ done: count, total: Math.min(limit, total), exact: true });
      // Let cancel messages and other requests in between pages.
      await new Promise((r) => setImmediate(r));
    }
    const more = reader(position, 1).length > 0;
    return { count, next: more ? String(position) : null, end: String(end) };
  }

  async *events(target: ReadTarget, from: ReadFrom, to: number | null, signal: AbortSignal, buffer = PAGE): AsyncGenerator<WireEvent[]> {
    const reader = this.reader(target);
    let position = this.startPosition({ from });
    for (;;) {
      throwIfAborted(signal);
      const rows = reader(position, buffer).filter((r) => to === null || r.globalPosition <= to);
      if (rows.length === 0) return;
      yield rows.map(storeEventToWire);
      position = (rows[rows.length - 1] as StoredEvent).globalPosition + 1;
    }
  }

  async close(): Promise<void> {
    if (this.options.owned) this.store.close();
  }

  private reader(target: ReadTarget): (from: number, limit: number) => StoredEvent[] {
    switch (target.type) {
      case 'store-all':
        return (from, limit) => this.store.readAll(from, limit);
      case 'store-stream': {
        if (!this.store.stream(target.streamId)) {
          throw new RewindError('not_found', `Stream ${target.streamId} does not exist`);
        }
        return (from, limit) => this.store.readStreamFrom(target.streamId, from, limit);
      }
      default:
        throw new RewindError('unsupported', `The event store cannot read a ${target.type}`);
    }
  }

  private expectedCount(target: ReadTarget): number {
    if (target.type === 'store-stream') return this.store.stream(target.streamId)?.eventCount ?? 0;
    return this.store.lastPosition();
  }

  private startPosition(options: { from: ReadOptions['from'] }): number {
    const from = options.from;
    if (from.type === 'start') return 1;
    if (from.type === 'position') return Number(from.value);
    if (from.type === 'last') throw new RewindError('invalid_input', 'Only a RabbitMQ stream starts at its last chunk', 'Start from a position, a time or the beginning.');
    return this.store.positionAt(from.value) ?? this.store.lastPosition() + 1;
  }
}

function resourceName(target: ReadTarget): string {
  return target.type === 'store-stream' ? target.streamId : '$all';
}
