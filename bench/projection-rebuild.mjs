// Rebuilding the balance projection over 1,000,000 local events, against a baseline loop that
// only reads the same rows with better-sqlite3 and JSON.parses them; then the time to show the
// state at random positions of that run. Ratios, measured in the same run, are the result.
// Usage: node bench/projection-rebuild.mjs [events=1000000]   (after `npm run build`)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { bundleCore } from './core-bundle.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const Database = require('better-sqlite3');
// Beside the built server: the projection worker is found next to it.
const { EventStore, ProjectionRun, EXAMPLES } = bundleCore(
  'projection',
  "export { EventStore } from './src/store/event-store'; export { ProjectionRun } from './src/projections/projection-run'; export { EXAMPLES } from './src/projections/examples';",
  { besideServer: true },
);

const N = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-'));
const path = join(dir, 'store.sqlite');

// --- Data: N banking events over 1,000 accounts -----------------------------------------------
let t = performance.now();
const store = EventStore.open(path);
const accounts = 1000;
const types = ['MoneyDeposited', 'MoneyWithdrawn', 'MoneyTransferred'];
const batch = 10_000;
const base = Date.parse('2026-01-01T00:00:00Z');
for (let start = 0; start < N; start += batch) {
  store.batch(() => {
    for (let i = start; i < Math.min(N, start + batch); i++) {
      const a = i % accounts;
      const type = i < accounts ? 'AccountCreated' : types[i % 3];
      const data =
        type === 'AccountCreated'
          ? { accountId: `A-${a}`, owner: `Owner ${a}` }
          : type === 'MoneyTransferred'
            ? { accountId: `A-${a}`, toAccountId: `A-${(a + 7) % accounts}`, amount: i % 50 }
            : { accountId: `A-${a}`, amount: i % 100 };
      store.append(`account-A-${a}`, [{ type, data }], 'any', () => new Date(base + i * 1000).toISOString());
    }
  });
}
store.close();
console.log(`seeded ${N.toLocaleString('en-US')} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// --- Baseline: read every row and parse its data, nothing else ---------------------------------
function baseline() {
  const db = new Database(path, { readonly: true });
  const stmt = db.prepare(
    'SELECT global_position, stream_id, stream_version, event_id, event_type, data, metadata, recorded_at FROM events WHERE global_position >= ? ORDER BY global_position LIMIT 5000',
  );
  const t0 = performance.now();
  let from = 1;
  let n = 0;
  let sink = 0;
  for (;;) {
    const rows = stmt.all(from);
    if (rows.length === 0) break;
    for (const r of rows) {
      const d = JSON.parse(r.data);
      sink += d.amount ?? 0;
      n++;
    }
    from = rows[rows.length - 1].global_position + 1;
  }
  db.close();
  return { n, seconds: (performance.now() - t0) / 1000, sink };
}

async function rebuild() {
  const run = await ProjectionRun.start(EXAMPLES.find((e) => e.name === 'Account balances').source, { perEventMs: 5000, memoryMb: 512 });
  const t0 = performance.now();
  const result = await run.runSqlite(
    { kind: 'sqlite', path, streamId: null, from: 1, to: null },
    {
      onProgress() {},
      onHandlerError() {
        run.decide('stop');
      },
    },
  );
  return { run, result, seconds: (performance.now() - t0) / 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseRuns = [];
const rebuildRuns = [];
let kept = null;
for (let i = 0; i < 3; i++) {
  baseRuns.push(baseline().seconds);
  const r = await rebuild();
  rebuildRuns.push(r.seconds);
  if (kept) await r.run.close();
  else kept = r;
}
const baseRate = N / median(baseRuns);
const rebuildRate = N / median(rebuildRuns);
console.log(`baseline (read + JSON.parse):   ${Math.round(baseRate).toLocaleString('en-US')} events/s (median of 3)`);
console.log(`balance projection rebuild:     ${Math.round(rebuildRate).toLocaleString('en-US')} events/s (median of 3), ${kept.result.partitions} partitions`);
console.log(`ratio rebuild / baseline:       ${(rebuildRate / baseRate).toFixed(2)}x (goal >= 0.95x)`);

// --- Time travel: state at random positions of the kept run -----------------------------------
const samples = [];
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
for (let i = 0; i < 20; i++) {
  const position = 1 + Math.floor(rand() * N);
  const t0 = performance.now();
  await kept.run.stateAt(position);
  samples.push(performance.now() - t0);
}
const full = median(rebuildRuns) * 1000;
console.log(
  `state at a random position:     median ${median(samples).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms (${((median(samples) / full) * 100).toFixed(2)}% of a full rebuild, goal < 10%)`,
);
await kept.run.close();
rmSync(dir, { recursive: true, force: true });
