import { RewindError } from '../model/errors';
import { toEvent, type EventRow, type EventStore, type StoredEvent } from './event-store';

export interface SubscriptionInfo {
  name: string;
  maxAttempts: number;
  createdAt: string;
  /** Last position handled; 0 before the first run. */
  checkpoint: number;
  parked: number;
}

export interface ParkedEvent {
  position: number;
  attempts: number;
  lastError: string;
  parkedAt: string;
  event: StoredEvent;
}

export type ParkedSelection = { all: true } | { positions: number[] } | { upTo: number };

/**
 * Subscriptions of one store: a projection (its code) with a checkpoint and the state at that
 * checkpoint, and the events it gave up on (parked), in the store's own tables.
 */
export class SubscriptionStore {
  constructor(private readonly store: EventStore) {}

  private get db() {
    return this.store.database;
  }

  /** The database for a write: refused with what to do when the file is damaged. */
  private get writable() {
    this.store.assertWritable();
    return this.store.database;
  }

  list(): SubscriptionInfo[] {
    return this.db
      .prepare(
        `SELECT s.name, s.max_attempts AS maxAttempts, s.created_at AS createdAt, coalesce(c.position, 0) AS checkpoint,
                (SELECT count(*) FROM parked_events p WHERE p.subscription = s.name) AS parked
         FROM subscriptions s LEFT JOIN checkpoints c ON c.name = s.name ORDER BY s.name`,
      )
      .all() as SubscriptionInfo[];
  }

  get(name: string): SubscriptionInfo & { code: string; state: string | null } {
    const row = this.db
      .prepare(
        `SELECT s.name, s.code, s.max_attempts AS maxAttempts, s.created_at AS createdAt, coalesce(c.position, 0) AS checkpoint, c.state,
                (SELECT count(*) FROM parked_events p WHERE p.subscription = s.name) AS parked
         FROM subscriptions s LEFT JOIN checkpoints c ON c.name = s.name WHERE s.name = ?`,
      )
      .get(name) as (SubscriptionInfo & { code: string; state: string | null }) | undefined;
    if (!row) throw new RewindError('not_found', `No subscription named ${name}`);
    return row;
  }

  save(name: string, code: string, maxAttempts: number): void {
    this.writable
      .prepare(
        `INSERT INTO subscriptions (name, code, max_attempts, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET code = excluded.code, max_attempts = excluded.max_attempts`,
      )
      .run(name, code, maxAttempts, new Date().toISOString());
  }

  delete(name: string): void {
    this.writable
      .transaction(() => {
        this.db.prepare('DELETE FROM parked_events WHERE subscription = ?').run(name);
        this.db.prepare('DELETE FROM checkpoints WHERE name = ?').run(name);
        this.db.prepare('DELETE FROM subscriptions WHERE name = ?').run(name);
      })
      .immediate();
  }

  saveCheckpoint(name: string, position: number, state: string): void {
    this.writable
      .prepare(
        `INSERT INTO checkpoints (name, position, updated_at, state) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at, state = excluded.state`,
      )
      .run(name, position, new Date().toISOString(), state);
  }

  /** Parks an event, or records one more failed attempt for an event already parked. */
  park(name: string, position: number, attempts: number, error: string): void {
    this.writable
      .prepare(
        `INSERT INTO parked_events (subscription, global_position, attempts, last_error, parked_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (subscription, global_position) DO UPDATE SET attempts = attempts + excluded.attempts, last_error = excluded.last_error`,
      )
      .run(name, position, attempts, error, new Date().toISOString());
  }

  unpark(name: string, positions: number[]): void {
    const del = this.writable.prepare('DELETE FROM parked_events WHERE subscription = ? AND global_position = ?');
    this.db.transaction(() => positions.forEach((p) => del.run(name, p))).immediate();
  }

  parked(name: string, limit = 10_000): ParkedEvent[] {
    const rows = this.db
      .prepare(
        `SELECT p.global_position AS position, p.attempts, p.last_error AS lastError, p.parked_at AS parkedAt, e.*
         FROM parked_events p JOIN events e ON e.global_position = p.global_position
         WHERE p.subscription = ? ORDER BY p.global_position LIMIT ?`,
      )
      .all(name, limit) as (EventRow & { position: number; attempts: number; lastError: string; parkedAt: string })[];
    return rows.map((r) => ({
      position: r.position,
      attempts: r.attempts,
      lastError: r.lastError,
      parkedAt: r.parkedAt,
      event: toEvent(r),
    }));
  }

  /** Which parked positions a replay would re-send, in order. */
  select(name: string, selection: ParkedSelection): number[] {
    const all = this.db.prepare('SELECT global_position FROM parked_events WHERE subscription = ? ORDER BY global_position').pluck().all(name) as number[];
    if ('all' in selection) return all;
    if ('upTo' in selection) return all.filter((p) => p <= selection.upTo);
    const wanted = new Set(selection.positions);
    return all.filter((p) => wanted.has(p));
  }
}
