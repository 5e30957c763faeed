import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/event-store';
import { migrations } from '../../src/store/migrations';
import { createHash } from 'node:crypto';

/**
 * Seeking the store by time ("from 08:00") must cost a few index steps whatever the store's size:
 * today's `min(global_position) … WHERE recorded_at >= ?` walks every event before the answer.
 * Timings are noisy on shared machines, so these tests read SQLite's own query plan and check the
 * answers against a plain scan.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-seek-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const START = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** Every step of the seek's plan, as EXPLAIN QUERY PLAN reports it. */
function seekPlan(store: EventStore): string[] {
  const db = store.database;
  return (db.prepare(`EXPLAIN QUERY PLAN ${EventStore.SEEK_BY_TIME_SQL}`).all(iso(START)) as { detail: string }[]).map((r) => r.detail);
}

/** The answer by definition: the lowest position whose recorded time is at or after `at`. */
function bruteForce(path: string, at: string): number | null {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT global_position AS p, recorded_at AS t FROM events ORDER BY global_position').all() as { p: number; t: string }[];
    return rows.find((r) => r.t >= at)?.p ?? null;
  } finally {
    db.close();
  }
}

function fill(store: EventStore, times: number[]): void {
  store.batch(() => times.forEach((t, i) => store.append(`seek-${i % 50}`, [{ type: 'Ticked', data: { i } }], 'any', () => iso(t))));
}

describe('seeking the store by time', () => {
  it('finds the first position at or after a time through an index, never by walking the events', () => {
    const path = join(dir, 'store.sqlite');
    const store = EventStore.open(path);
    try {
      fill(
        store,
        Array.from({ length: 20_000 }, (_, i) => START + i * 1000),
      );
      const plan = seekPlan(store);
      expect(plan.join(' | ')).toMatch(/SEARCH events USING (COVERING )?INDEX events_recorded_max \(recorded_max>\?\)/);
      expect(plan.join(' | ')).not.toMatch(/\bSCAN\b|TEMP B-TREE/);
      for (const k of [0, 1, 7_321, 19_999]) expect(store.positionAt(iso(START + k * 1000))).toBe(k + 1);
      expect(store.positionAt(iso(START + 20_000 * 1000))).toBeNull();
    } finally {
      store.close();
    }
  });

  it('still answers exactly when recorded times go backwards (a clock step, an import of older events)', () => {
    const path = join(dir, 'store.sqlite');
    const store = EventStore.open(path);
    // Hours 0..9, then a clock stepped back to hour 3, then on again; and one event from the future.
    const hours = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 4, 50, 5, 6, 10, 11];
    try {
      fill(
        store,
        hours.map((h) => START + h * 3600_000),
      );
    } finally {
      store.close();
    }
    const reopened = EventStore.open(path);
    try {
      for (const h of [-1, 0, 3, 3.5, 9, 9.5, 10, 11, 12, 50, 51]) {
        const at = iso(START + h * 3600_000);
        expect({ h, position: reopened.positionAt(at) }).toEqual({ h, position: bruteForce(path, at) });
      }
    } finally {
      reopened.close();
    }
  });

  it('indexes a store written before the index existed when it is opened, and keeps seeking it correctly', () => {
    const path = join(dir, 'old.sqlite');
    // A store as Rewind wrote it before this change: only the migrations it had then.
    const old = new Database(path);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of migrations.filter((x) => x.version <= 2)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?, ?)').run(m.version, m.name, createHash('sha256').update(m.sql).digest('hex'), iso(START));
    }
    const insert = old.prepare("INSERT INTO events (stream_id, stream_version, event_id, event_type, data, recorded_at) VALUES (?, ?, ?, 'Old', '{}', ?)");
    const times = [0, 1, 2, 9, 3, 4, 5].map((h) => iso(START + h * 3600_000));
    old.transaction(() => times.forEach((t, i) => insert.run('old-1', i, `e-${i}`, t)))();
    old.close();

    const store = EventStore.open(path, { create: false });
    try {
      expect(seekPlan(store).join(' | ')).toMatch(/INDEX events_recorded_max/);
      for (const h of [0, 2.5, 4, 8, 9, 10]) {
        const at = iso(START + h * 3600_000);
        expect(store.positionAt(at)).toBe(bruteForce(path, at));
      }
      // New events carry on from what the old ones recorded.
      store.append('new-1', [{ type: 'New', data: {} }], 'any', () => iso(START + 6 * 3600_000));
      expect(store.positionAt(iso(START + 6 * 3600_000))).toBe(bruteForce(path, iso(START + 6 * 3600_000)));
      expect(store.check()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('reads one stream in position order through an index, without sorting the whole stream for each page', () => {
    const path = join(dir, 'store.sqlite');
    const store = EventStore.open(path);
    try {
      store.batch(() => {
        for (let i = 0; i < 3000; i++) store.append(i % 3 === 0 ? 'big-1' : `small-${i}`, [{ type: 'Ticked', data: { i } }]);
      });
      const plan = (store.database.prepare(`EXPLAIN QUERY PLAN ${EventStore.STREAM_FROM_POSITION_SQL}`).all('big-1', 1, 100) as { detail: string }[]).map((r) => r.detail).join(' | ');
      expect(plan).toMatch(/SEARCH events USING INDEX events_stream_position \(stream_id=\? AND global_position>\?\)/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
      const page = store.readStreamFrom('big-1', 1501, 5);
      expect(page.map((e) => e.globalPosition)).toEqual([1501, 1504, 1507, 1510, 1513]);
    } finally {
      store.close();
    }
  });
});
