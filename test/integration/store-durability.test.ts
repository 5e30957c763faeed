import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/event-store';
import { bundleForNode } from './bundle';

let dir: string;
let writer: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-durability-'));
  writer = bundleForNode(join(__dirname, 'fixtures', 'append-writer.ts'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startWriter(path: string, id: string, count: number, perTx: number) {
  const child = spawn(process.execPath, [writer, path, id, String(count), String(perTx)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const started = new Promise<void>((resolve) => {
    const check = () => (out.includes('started') ? resolve() : setTimeout(check, 5));
    check();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, err })));
  return { child, started, exited };
}

/** What must hold for any store, whatever happened to its writers. */
function checkInvariants(path: string) {
  const db = new Database(path, { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  const { n, lo, hi } = db.prepare('SELECT count(*) AS n, min(global_position) AS lo, max(global_position) AS hi FROM events').get() as { n: number; lo: number; hi: number };
  // Contiguous positions from 1, no gaps.
  expect(lo).toBe(1);
  expect(hi).toBe(n);
  // Every stream's versions are 0..k-1 and its summary row agrees with its events.
  const bad = db
    .prepare(
      `SELECT s.stream_id FROM streams s JOIN (SELECT stream_id, count(*) c, max(stream_version) v, max(global_position) p FROM events GROUP BY stream_id) e USING (stream_id)
       WHERE s.event_count != e.c OR s.version != e.v OR e.v != e.c - 1 OR s.last_position != e.p`,
    )
    .all();
  expect(bad).toEqual([]);
  // No partial event: every payload is whole JSON.
  expect(db.prepare('SELECT count(*) FROM events WHERE NOT json_valid(data) OR NOT json_valid(metadata)').pluck().get()).toBe(0);
  db.close();
  return n;
}

describe('the event store under pressure', () => {
  it('keeps positions contiguous with 10,000 appends from 4 processes at once', async () => {
    const path = join(dir, 'concurrent.sqlite');
    EventStore.open(path).close();
    const writers = ['a', 'b', 'c', 'd'].map((id) => startWriter(path, id, 2500, 1));
    const results = await Promise.all(writers.map((w) => w.exited));
    for (const r of results) expect(r, r.err).toMatchObject({ code: 0 });
    expect(checkInvariants(path)).toBe(10_000);
    const db = new Database(path, { readonly: true });
    const perWriter = db.prepare("SELECT json_extract(data, '$.writer') w, count(*) n FROM events GROUP BY w ORDER BY w").all();
    db.close();
    expect(perWriter).toEqual(['a', 'b', 'c', 'd'].map((w) => ({ w, n: 2500 })));
  }, 120_000);

  it('survives SIGKILL in the middle of 100,000 appends with no partial event', async () => {
    const path = join(dir, 'killed.sqlite');
    const w = startWriter(path, 'k', 100_000, 50);
    await w.started;
    // Let it get well into the run, then pull the plug.
    await new Promise((r) => setTimeout(r, 400));
    w.child.kill('SIGKILL');
    const exit = await w.exited;
    expect(exit.signal).toBe('SIGKILL');
    const n = checkInvariants(path);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(100_000);
    // Whole transactions only: appends were 50 events each.
    expect(n % 50).toBe(0);
    // And the store takes new appends after the crash, continuing the positions.
    const store = EventStore.open(path, { create: false });
    const next = store.append('after-crash', [{ type: 'Recovered', data: {} }], 'no_stream');
    store.close();
    expect(next.firstPosition).toBe(n + 1);
  }, 120_000);
});
