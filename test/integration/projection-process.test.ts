import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ParamsOf } from '../../src/api/contract';
import { ApiCallError, RewindError } from '../../src/model/errors';
import { ProjectionRun } from '../../src/projections/projection-run';
import { EXAMPLES } from '../../src/projections/examples';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { inMemoryClient } from './in-memory-client';

/**
 * Issue 17: a projection's whole footprint counts. Memory that V8's heap cap never saw (Intl's ICU
 * objects), a regular expression that backtracks for minutes, a run that is closed: each must be
 * stopped or given back by the operating system, and the core must keep answering meanwhile.
 * Everything is asked through the API, as the UI asks it; the core is this process.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
const store = { connectionId: 'local', target: { type: 'store-all' as const }, from: { type: 'start' as const }, to: null };
const balances = EXAMPLES.find((e) => e.name === 'Account balances')!.source;
const MB = 1024 * 1024;

/**
 * The projection processes this process started that hold a run (a spare, ready for the next
 * run, calls itself `rewind-projection (spare)`).
 */
function projectionChildren(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (ppid === process.pid && cmdline.startsWith('rewind-projection') && !cmdline.includes('spare')) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds this process and its children used over `ms`: what is still running after a stop. */
async function cpuOver(ms: number): Promise<number> {
  const ticks = () => {
    const f = readFileSync('/proc/self/stat', 'utf8')
      .slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2)
      .split(' ');
    // utime, stime, cutime, cstime (fields 14-17, counted from 1)
    return [11, 12, 13, 14].reduce((n, i) => n + Number(f[i]), 0);
  };
  const before = ticks();
  await new Promise((r) => setTimeout(r, ms));
  return (ticks() - before) / 100;
}

/** A run that must fail; `running` settles once it has started (its process up, user code under way). */
function failing(params: ParamsOf<'projections/rebuild'>, during?: () => Promise<void>): { running: Promise<void>; failed: Promise<{ error: ApiCallError; ms: number }> } {
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const failed = failureOf(params, during, (kind) => kind === 'started' && started());
  void failed.finally(() => started());
  return { running, failed };
}

async function failureOf(params: ParamsOf<'projections/rebuild'>, during?: () => Promise<void>, onUpdate?: (kind: string) => void): Promise<{ error: ApiCallError; ms: number }> {
  const started = Date.now();
  const pending = client.stream('projections/rebuild', params, { onBatch: (items) => items.forEach((i) => onUpdate?.(i.kind)) });
  const side = during?.();
  const e = await pending.then(
    () => new Error('the run finished normally'),
    (err: unknown) => err,
  );
  await side;
  expect(e).toBeInstanceOf(ApiCallError);
  return { error: e as ApiCallError, ms: Date.now() - started };
}

/** Calls app/info every 50 ms until `until` settles; returns each answer's time. */
async function infoLatencies(until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const out: number[] = [];
  while (!done) {
    const t = performance.now();
    await client.call('app/info', {});
    out.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  return out;
}

const rss = () => process.memoryUsage().rss;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-proj-process-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  // Warm: the first run loads the compiler and the worker.
  await client.stream('projections/rebuild', { code: balances, source: store });
});

afterAll(async () => {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('memory the heap cap never saw counts against the limit', () => {
  it.each([
    ['Intl.DateTimeFormat', "new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'long', timeZone: 'Europe/Berlin' })"],
    ['Intl.Collator', "new Intl.Collator('de', { sensitivity: 'base', numeric: true })"],
    ['Intl.Segmenter', "new Intl.Segmenter('ja', { granularity: 'word' })"],
  ])('300,000 %s objects stop the run with a limit error naming the cap, and the core gives the memory back', async (_name, make) => {
    const before = rss();
    const children = projectionChildren();
    // 300,000 over the run's events, kept in the state: each event well inside its time limit.
    const perEvent = Math.ceil(300_000 / context.store.lastPosition());
    const code = `export default { init: () => [], $any: (s) => { for (let i = 0; i < ${perEvent}; i++) s.push(${make}); return s; } };`;
    const run = failing({ code, source: store, limits: { perEventMs: 10_000, memoryMb: 256 } });
    await run.running;
    const latencies = await infoLatencies(run.failed);
    const { error, ms } = await run.failed;
    expect(error.code).toBe('limit');
    expect(error.message).toMatch(/more than 256 MB/);
    expect(ms).toBeLessThan(30_000);
    // The core answered all along, and holds no more than it did.
    expect(Math.max(...latencies), `app/info answered in ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(100);
    expect(Math.abs(rss() - before) / MB, 'MB the core holds more or less than before').toBeLessThan(100);
    await expect.poll(() => projectionChildren().filter((p) => !children.includes(p)), { timeout: 5_000 }).toEqual([]);
  });
});

describe('time: a regular expression is stopped like a loop', () => {
  it('a catastrophic regex in a handler is stopped by the per-event limit, and nothing goes on running it', async () => {
    const children = projectionChildren();
    const code = `export default { init: () => 0, $any: (s) => (/^(a+)+$/.test('a'.repeat(40) + '!') ? s + 1 : s) };`;
    const run = failing({ code, source: store, limits: { perEventMs: 300, memoryMb: 128 } });
    await run.running;
    const latencies = await infoLatencies(run.failed);
    const { error, ms } = await run.failed;
    expect(error.code).toBe('limit');
    expect(error.message).toMatch(/ran longer than 300 ms on the event at position 1 and was stopped/);
    expect(ms).toBeLessThan(5_000);
    expect(Math.max(...latencies), `app/info answered in ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(100);
    // Stopped means stopped: no CPU goes on the regex once the error is out.
    expect(await cpuOver(1000)).toBeLessThan(0.3);
    expect(projectionChildren().filter((p) => !children.includes(p))).toEqual([]);
  });

  it('a normal call answers within 100 ms while an endless loop runs to its 10 s limit', async () => {
    const controller = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const pending = client.stream(
      'projections/rebuild',
      { code: 'export default { init: () => 0, $any: () => { for (;;) {} } };', source: store, limits: { perEventMs: 10_000, memoryMb: 64 } },
      { signal: controller.signal, onBatch: (items) => items.some((i) => i.kind === 'started') && started() },
    );
    pending.catch(() => undefined);
    await running;
    const twoSeconds = new Promise((r) => setTimeout(r, 2000));
    const latencies = await infoLatencies(twoSeconds);
    controller.abort();
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies), `app/info answered in ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(100);
    expect(((await pending.catch((e: unknown) => e)) as ApiCallError).code).toBe('cancelled');
  });
});

describe('a run lives in a process of its own', () => {
  it('closing a run ends its process', async () => {
    const before = projectionChildren();
    const run = await client.stream('projections/rebuild', { code: balances, source: store });
    const mine = projectionChildren().filter((p) => !before.includes(p));
    expect(mine).toHaveLength(1);
    // The finished run stays for time travel; closing it gives everything back.
    await client.call('projections/state-at', { runId: run.runId, position: 5 });
    await client.call('projections/close', { runId: run.runId });
    await expect.poll(() => projectionChildren().filter((p) => mine.includes(p)), { timeout: 5_000 }).toEqual([]);
  });

  it('a process killed from outside ends the run with the cause', async () => {
    const slow = `export default { init: () => 0, $any: (s) => { const t = Date.now(); while (Date.now() - t < 20) {} return s + 1; } };`;
    const before = projectionChildren();
    const { error } = await failureOf({ code: slow, source: store }, async () => {
      await expect.poll(() => projectionChildren().filter((p) => !before.includes(p)), { timeout: 10_000 }).toHaveLength(1);
      const [pid] = projectionChildren().filter((p) => !before.includes(p));
      process.kill(pid!, 'SIGKILL');
    });
    expect(error.code).toBe('internal');
    expect(error.message).toMatch(/The projection's process ended: killed by SIGKILL/);
  });

  it('at most 32 runs hold a process at once: the next is refused with a limit error, and starts again once one closes', async () => {
    // Rebuilds from the UI are bounded by the runs kept for time travel (6); searches, catch-ups and
    // read-model continues start runs of their own, which this bound keeps from taking all memory.
    const started: ProjectionRun[] = [];
    let refused: unknown = null;
    try {
      while (started.length < 40 && refused === null) {
        await ProjectionRun.start(balances).then(
          (r) => started.push(r),
          (e: unknown) => (refused = e),
        );
      }
      expect(started.length).toBeGreaterThanOrEqual(26);
      expect(started.length).toBeLessThanOrEqual(32);
      expect(refused).toBeInstanceOf(RewindError);
      expect((refused as RewindError).code).toBe('limit');
      expect((refused as RewindError).message).toBe('32 projection runs are open at once, each in a process of its own');
      await started.pop()!.close();
      started.push(await ProjectionRun.start(balances));
    } finally {
      await Promise.all(started.map((r) => r.close()));
    }
  });

  it('a run paused at a handler error waits, then goes on', async () => {
    const flaky = `let failed = false; export default { init: () => 0, $any: (s, e) => { if (e.position === 3 && !failed) { failed = true; throw new Error('once'); } return s + 1; } };`;
    let runId: string | null = null;
    let paused = false;
    const pending = client.stream(
      'projections/rebuild',
      { code: flaky, source: store },
      {
        onBatch: (items) => {
          for (const i of items) {
            if (i.kind === 'started') runId = i.runId;
            if (i.kind === 'handler-error') paused = true;
          }
        },
      },
    );
    await expect.poll(() => paused, { timeout: 10_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    await client.call('projections/decide', { runId: runId!, action: 'retry' });
    const summary = await pending;
    expect(summary.processed).toBe(context.store.lastPosition());
    expect(summary.state).toBe(context.store.lastPosition());
  });
});
