import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SANDBOX_RUNTIME } from './sandbox-runtime';
import { Busy, SKIPPED_LISTED, type Feed, type FromWorker, type HandlerFailure, type SkippedEvent, type ThreadLoad, type ToWorker, type TypeCounts, type WireEvent } from '../model/wire';

/**
 * The thread that runs one projection's user code, inside the run's own process (see
 * process-host.ts). User code runs in a vm context with no require, process, timers, file system
 * or network, and no code generation from strings; the process's main thread watches `shared` to
 * stop an event that runs too long, and this thread's heap is capped. The thread starts before
 * there is a run for it (a spare process is kept ready) and gets its code with `load`.
 */

type Api = {
  __load(factory: unknown): number;
  __apply(type: string, data: string, meta: string, position: number, streamId: string, version: number, timestamp: string, id: string): number;
  __keys(type: string, data: string, meta: string, position: number, streamId: string, version: number, timestamp: string, id: string): string | null;
  __error(): string;
  __logs(): string;
  __snapshot(): string;
  __restore(json: string): void;
  __reset(): void;
  __state(): string | null;
  __partitionState(key: string): string;
  __size(): number;
  __partitioned(): boolean;
  __typeFrom(json: string): void;
  __typeOf(type: string, data: string, meta: string): string;
  __uncount(): void;
  __types(): string;
};

const port = parentPort!;
/** The run this thread was given (see `load`). */
let init: ThreadLoad;
/** [0] calls into user code started, [1] what user code is doing (see Busy); bytes 8..16: the current position. */
const shared = new SharedArrayBuffer(16);
const counters = new Int32Array(shared, 0, 2);
const current = new Float64Array(shared, 8, 1);
const send = (m: FromWorker) => port.postMessage(m);

const ctx = vm.createContext(Object.create(null) as object, { codeGeneration: { strings: false, wasm: false }, name: 'projection' });
new vm.Script(SANDBOX_RUNTIME, { filename: 'rewind-runtime.js' }).runInContext(ctx, { timeout: 1000 });
// The runtime's functions, taken once, before any user code runs: a property read on the context
// goes through the vm's interceptors (slow on the hot path), and user code could replace them there.
const api: Api = { ...(ctx as unknown as Api) };

/** The event with the type its handler sees, for what is shown to the user (an error, time travel). */
const typed = (e: WireEvent): WireEvent => (init.typeFrom ? { ...e, type: api.__typeOf(e.type, e.data, e.metadata) } : e);

/**
 * Every call into user code runs through here, so the host's watchdog sees it start and can stop
 * it: handlers, init, partitionBy, and serialising the state (toJSON and getters are user code).
 */
function guarded<T>(mode: Busy, call: () => T): T {
  const previous = counters[1]!;
  tick();
  counters[1] = mode;
  try {
    return call();
  } finally {
    counters[1] = previous;
  }
}

function load(code: string): { message: string; stack: string } | null {
  try {
    const factory = new vm.Script(`(function (module, exports) {\n${code}\n})`, { filename: init.filename, lineOffset: -1 }).runInContext(ctx, { timeout: 1000 });
    const r = guarded(Busy.Event, () => api.__load(factory));
    if (r === 0) return null;
    const e = JSON.parse(api.__error()) as { message: string; stack: string };
    return { message: e.message, stack: e.stack };
  } catch (e) {
    const err = e as Error;
    return { message: err?.message ?? String(e), stack: err?.stack ?? '' };
  }
}

const keysOf = (e: WireEvent): string | null => guarded(Busy.Event, () => api.__keys(e.type, e.data, e.metadata, e.position, e.streamId, e.version, e.timestamp, e.id));
const wholeState = (): string | null => guarded(Busy.WholeState, () => api.__state());
const partitionState = (key: string): string => guarded(Busy.WholeState, () => api.__partitionState(key));

// --- Snapshots for time travel -------------------------------------------------------------

interface Snapshot {
  /** State after applying every event up to and including this position. */
  position: number;
  json: string;
}
let snapshots: Snapshot[] = [];
let snapshotEvery = 1000;
let sinceSnapshot = 0;
let snapshotBytes = 0;

function takeSnapshot(position: number): void {
  const json = guarded(Busy.WholeState, () => api.__snapshot());
  snapshots.push({ position, json });
  snapshotBytes += json.length * 2;
  // Keep memory bounded: drop every other snapshot and space them twice as far apart.
  while (snapshotBytes > init.snapshotBudgetBytes && snapshots.length > 2) {
    snapshots = snapshots.filter((_, i) => i % 2 === 1);
    snapshotBytes = snapshots.reduce((n, s) => n + s.json.length * 2, 0);
    snapshotEvery *= 2;
  }
}

// --- Applying events -------------------------------------------------------------------------

const skipped = new Set<number>();
/** What the user skipped and why, for the result (the first SKIPPED_LISTED; `skipped` has them all). */
const skippedEvents: SkippedEvent[] = [];
let processed = 0;
let firstPosition = -1;
let lastPosition = -1;
let lastProgress = 0;
let decision: ((m: Extract<ToWorker, { type: 'decide' }>) => void) | null = null;

// A plain store is enough for the watchdog, which only needs to see the count move; a locked
// read-modify-write per event costs measurably on the hot path.
function tick(): void {
  counters[0] = (counters[0]! + 1) | 0;
}

function applyOne(e: WireEvent): number {
  tick();
  current[0] = e.position;
  return api.__apply(e.type, e.data, e.metadata, e.position, e.streamId, e.version, e.timestamp, e.id);
}

function failureOf(e: WireEvent): HandlerFailure {
  const err = JSON.parse(api.__error()) as { name: string; message: string; stack: string };
  return { position: e.position, event: typed(e), ...err };
}

/** Bookkeeping after an event was applied (or skipped). */
function advance(position: number): void {
  processed++;
  lastPosition = position;
  if (++sinceSnapshot >= snapshotEvery) {
    sinceSnapshot = 0;
    takeSnapshot(position);
  }
  // Checking the clock every event costs more than the check is worth.
  if ((processed & 1023) === 0) {
    const now = Date.now();
    if (now - lastProgress > 100) {
      lastProgress = now;
      send({ type: 'progress', processed, position });
    }
  }
}

/**
 * The hot path: synchronous, no allocation beyond what the handler does. Returns false when the
 * handler threw, so the caller can take the slow path and ask the user.
 */
function tryEvent(e: WireEvent): boolean {
  if (firstPosition < 0) firstPosition = e.position;
  const previous = counters[1]!;
  counters[1] = Busy.Event;
  const r = applyOne(e);
  counters[1] = previous;
  if (r < 0) return false;
  advance(e.position);
  return true;
}

/** After a handler threw: wait for the user's decision, then skip, stop, or retry with new code. */
async function afterFailure(e: WireEvent): Promise<'ok' | 'stop'> {
  for (;;) {
    // Read now: the error skipped is the one the user was shown.
    const failure = failureOf(e);
    send({ type: 'handler-error', failure, processed });
    const choice = await new Promise<Extract<ToWorker, { type: 'decide' }>>((resolve) => (decision = resolve));
    decision = null;
    if (choice.action === 'stop') return 'stop';
    if (choice.action === 'skip') {
      // Recorded, not counted: the run's state never saw this event.
      skipped.add(e.position);
      if (skippedEvents.length < SKIPPED_LISTED) {
        skippedEvents.push({ position: e.position, type: failure.event.type, streamId: e.streamId, error: `${failure.name}: ${failure.message}` });
      }
      lastPosition = e.position;
      return 'ok';
    }
    if (choice.code !== undefined) {
      const error = load(choice.code);
      if (error) {
        send({ type: 'load-error', ...error });
        return 'stop';
      }
    }
    // The event was counted when it first failed; the retry must not count it again.
    api.__uncount();
    if (tryEvent(e)) return 'ok';
  }
}

async function runEvent(e: WireEvent): Promise<'ok' | 'stop'> {
  return tryEvent(e) ? 'ok' : afterFailure(e);
}

let finished = false;
function finish(): void {
  if (finished) return;
  finished = true;
  if (lastPosition >= 0 && snapshots[snapshots.length - 1]?.position !== lastPosition) takeSnapshot(lastPosition);
  const state = wholeState();
  send({
    type: 'done',
    processed,
    firstPosition,
    lastPosition,
    state: state ?? 'null',
    partitions: api.__size(),
    partitioned: api.__partitioned(),
    skipped: [...skipped],
    skippedEvents,
    logs: JSON.parse(api.__logs()) as string[],
    typeCounts: JSON.parse(api.__types()) as TypeCounts,
  });
}

// --- The SQLite feed: the worker reads the store itself --------------------------------------

// Rows read per statement: small enough that a page is gone before the young generation fills
// (5,000 made the rebuild bench about 5% slower than 2,000).
const PAGE = 2000;

let db: Database.Database | null = null;
let sqliteFeed: Extract<Feed, { kind: 'sqlite' }> | null = null;

const COLS = 'global_position, stream_id, stream_version, event_id, event_type, data, metadata, recorded_at';

/** Rows as arrays (better-sqlite3 raw mode): cheaper to build than objects, on the hot path. */
type RawRow = [number, string, number, string, string, string, string, string];
let rawAll: Database.Statement | null = null;
let rawStream: Database.Statement | null = null;

function rawPage(from: number, to: number | null, limit: number): RawRow[] {
  const feed = sqliteFeed!;
  const upper = to ?? Number.MAX_SAFE_INTEGER;
  if (feed.streamId === null) {
    rawAll ??= db!.prepare(`SELECT ${COLS} FROM events WHERE global_position >= ? AND global_position <= ? ORDER BY global_position LIMIT ?`).raw(true);
    return rawAll.all(from, upper, limit) as RawRow[];
  }
  rawStream ??= db!.prepare(`SELECT ${COLS} FROM events WHERE stream_id = ? AND global_position >= ? AND global_position <= ? ORDER BY global_position LIMIT ?`).raw(true);
  return rawStream.all(feed.streamId, from, upper, limit) as RawRow[];
}

const toWire = (r: RawRow): WireEvent => ({
  position: r[0],
  streamId: r[1],
  version: r[2],
  id: r[3],
  type: r[4],
  data: r[5],
  metadata: r[6],
  timestamp: r[7],
});

/** The hot path for the store: straight from the row, no intermediate object. */
function tryRow(r: RawRow): boolean {
  const position = r[0];
  if (firstPosition < 0) firstPosition = position;
  tick();
  current[0] = position;
  const out = api.__apply(r[4], r[5], r[6], position, r[1], r[2], r[7], r[3]);
  if (out < 0) return false;
  advance(position);
  return true;
}

/** Applies rows from `start` until one fails (its index) or the page ends (its length): the hot loop, kept out of the async function. */
function applyRows(rows: RawRow[], start: number): number {
  // User code may run for the whole page; the watchdog still sees each event start.
  counters[1] = Busy.Event;
  for (let i = start; i < rows.length; i++) {
    if (!tryRow(rows[i]!)) {
      counters[1] = Busy.Idle;
      return i;
    }
  }
  counters[1] = Busy.Idle;
  return rows.length;
}

async function runSqlite(feed: Extract<Feed, { kind: 'sqlite' }>): Promise<void> {
  sqliteFeed = feed;
  db = new Database(feed.path, { readonly: true, fileMustExist: true });
  // How many events, to space the snapshots: $all's positions are dense, so its span says it
  // without counting (a count of a million rows is a tenth of the whole run); a stream is counted
  // on its index.
  const total =
    feed.streamId === null
      ? Math.max(0, Math.min(feed.to ?? Number.MAX_SAFE_INTEGER, (db.prepare('SELECT max(global_position) FROM events').pluck().get() as number | null) ?? 0) - feed.from + 1)
      : (db
          .prepare('SELECT count(*) FROM events WHERE stream_id = ? AND global_position >= ? AND global_position <= ?')
          .pluck()
          .get(feed.streamId, feed.from, feed.to ?? Number.MAX_SAFE_INTEGER) as number);
  // Around 200 snapshots over the run keeps any position a few thousand events from one.
  snapshotEvery = Math.max(500, Math.ceil(total / 200));
  let from = feed.from;
  for (;;) {
    const rows = rawPage(from, feed.to, PAGE);
    if (rows.length === 0) break;
    for (let i = 0; i < rows.length; i++) {
      i = applyRows(rows, i);
      if (i < rows.length && (await afterFailure(toWire(rows[i]!))) === 'stop') return finish();
    }
    from = (rows[rows.length - 1] as RawRow)[0] + 1;
  }
  finish();
}

// --- Time travel and partition views --------------------------------------------------------

function baseFor(position: number): Snapshot | null {
  let best: Snapshot | null = null;
  for (const s of snapshots) if (s.position < position) best = s;
  return best;
}

function replay(events: WireEvent[]): void {
  for (const e of events) {
    if (skipped.has(e.position)) continue;
    const r = guarded(Busy.Event, () => applyOne(e));
    if (r < 0) throw new Error(`replay failed at ${e.position}: ${failureOf(e).message}`);
  }
}

function stateAt(position: number, provided: WireEvent[] | undefined): void {
  const final = snapshots[snapshots.length - 1];
  const base = baseFor(position);
  try {
    if (base) api.__restore(base.json);
    else api.__reset();
    const events = provided ?? (sqliteFeed ? rawPage(base ? base.position + 1 : sqliteFeed.from, position, Number.MAX_SAFE_INTEGER).map(toWire) : []);
    const before = events.filter((e) => e.position < position);
    replay(before);
    const target = events.find((e) => e.position === position) ?? null;
    let touched: string[] = [];
    let beforeStates = '{}';
    let afterStates = '{}';
    if (target && !skipped.has(target.position)) {
      touched = JSON.parse(keysOf(target) ?? '[]') as string[];
      const pick = () => `{${touched.map((k) => `${JSON.stringify(k)}:${partitionState(k)}`).join(',')}}`;
      beforeStates = pick();
      replay([target]);
      afterStates = pick();
    }
    send({ type: 'state', position, state: wholeState() ?? 'null', event: target && typed(target), before: beforeStates, after: afterStates, touched });
  } finally {
    if (final) api.__restore(final.json);
  }
}

function partitionView(key: string, limit: number): void {
  const positions: number[] = [];
  let truncated = false;
  if (sqliteFeed && lastPosition >= 0) {
    let from = firstPosition;
    outer: for (;;) {
      const rows = rawPage(from, lastPosition, PAGE);
      if (rows.length === 0) break;
      for (const r of rows) {
        const p = r[0];
        if (skipped.has(p)) continue;
        const keys = keysOf(toWire(r));
        if (keys && (JSON.parse(keys) as string[]).includes(key)) {
          if (positions.length >= limit) {
            truncated = true;
            break outer;
          }
          positions.push(p);
        }
      }
      from = (rows[rows.length - 1] as RawRow)[0] + 1;
    }
  }
  send({ type: 'partition', key, state: partitionState(key), positions, truncated });
}

/** Positions among `events` whose partitions include `key`; skipped events stay out, as in the run. */
function matchKeys(key: string, events: WireEvent[]): void {
  const positions: number[] = [];
  for (const e of events) {
    if (skipped.has(e.position)) continue;
    const keys = keysOf(e);
    if (keys && (JSON.parse(keys) as string[]).includes(key)) positions.push(e.position);
  }
  send({ type: 'matched', positions });
}

function filterEvents(events: WireEvent[]): void {
  const positions: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  for (const e of events) {
    const keys = keysOf(e);
    if (keys === null) {
      errors++;
      if (firstError === null) {
        const err = JSON.parse(api.__error()) as { name: string; message: string } | null;
        firstError = err ? `${err.name}: ${err.message}` : 'the predicate threw';
      }
    } else if (keys !== '[]') positions.push(e.position);
  }
  send({ type: 'filtered', positions, errors, firstError });
}

// --- Messages --------------------------------------------------------------------------------

let batchQueue: Promise<void> = Promise.resolve();

port.on('message', (m: ToWorker | ThreadLoad) => {
  try {
    switch (m.type) {
      case 'load': {
        init = m;
        if (init.typeFrom) api.__typeFrom(JSON.stringify(init.typeFrom));
        const loadError = load(init.code);
        send(loadError ? { type: 'load-error', ...loadError } : { type: 'ready' });
        return;
      }
      case 'run':
        if (m.feed.kind === 'sqlite') void runSqlite(m.feed).catch((e: Error) => send({ type: 'failed', message: e.message }));
        else snapshotEvery = 1000;
        return;
      case 'restore':
        api.__restore(m.json);
        return;
      case 'batch':
        batchQueue = batchQueue.then(async () => {
          for (const e of m.events) if ((await runEvent(e)) === 'stop') return finish();
          send({ type: 'batch-done' });
        });
        return;
      case 'end':
        batchQueue = batchQueue.then(() => finish());
        return;
      case 'decide':
        decision?.(m);
        return;
      case 'snapshot-base':
        send({ type: 'snapshot-base', position: baseFor(m.position)?.position ?? -1 });
        return;
      case 'state-at':
        return stateAt(m.position, m.events);
      case 'partition':
        return partitionView(m.key, m.limit);
      case 'match-keys':
        return matchKeys(m.key, m.events);
      case 'filter':
        return filterEvents(m.events);
    }
  } catch (e) {
    send({ type: 'failed', message: (e as Error).message });
  }
});

// Ready for a run: the host watches this thread through `shared`.
send({ type: 'thread', shared });
