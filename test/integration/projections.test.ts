import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RewindError } from '../../src/model/errors';
import { EXAMPLES } from '../../src/projections/examples';
import { ProjectionRun, type RunCallbacks } from '../../src/projections/projection-run';
import type { HandlerFailure } from '../../src/model/wire';
import { seedDemo } from '../../src/store/demo-seed';
import { EventStore } from '../../src/store/event-store';

const balances = EXAMPLES.find((e) => e.name === 'Account balances')!.source;
let dir: string;
let path: string;
let last: number;
const runs: ProjectionRun[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-proj-'));
  path = join(dir, 'store.sqlite');
  const store = EventStore.open(path);
  seedDemo(store, new Date('2026-11-22T12:00:00Z'));
  last = store.lastPosition();
  store.close();
});
afterAll(async () => {
  await Promise.all(runs.map((r) => r.close()));
  rmSync(dir, { recursive: true, force: true });
});

const quiet: RunCallbacks = { onProgress: () => undefined, onHandlerError: () => undefined };

async function start(source: string, limits = { perEventMs: 1000, memoryMb: 128 }) {
  const run = await ProjectionRun.start(source, limits);
  runs.push(run);
  return run;
}

async function rebuild(source: string, from = 1, to: number | null = null) {
  const run = await start(source);
  const result = await run.runSqlite({ kind: 'sqlite', path, streamId: null, from, to }, quiet);
  return { run, result, state: JSON.parse(result.state) as Record<string, { balance: number; owner?: string }> };
}

/** The same balances computed plainly, to check the projection against. */
function expectedBalances(from = 1, to = Number.MAX_SAFE_INTEGER) {
  const store = EventStore.open(path, { create: false });
  const out = new Map<string, number>();
  for (const e of store.readAll(from, 1_000_000).filter((x) => x.globalPosition <= to)) {
    const d = JSON.parse(e.data) as { accountId: string; toAccountId?: string; amount: number };
    const add = (k: string, v: number) => out.set(k, (out.get(k) ?? 0) + v);
    if (e.eventType === 'AccountCreated') add(d.accountId, 0);
    if (e.eventType === 'MoneyDeposited') add(d.accountId, d.amount);
    if (e.eventType === 'MoneyWithdrawn') add(d.accountId, -d.amount);
    if (e.eventType === 'MoneyTransferred') {
      add(d.accountId, -d.amount);
      add(d.toAccountId!, d.amount);
    }
  }
  store.close();
  return Object.fromEntries(out);
}

describe('projection rebuilds', () => {
  it('computes one balance per account from position 1', async () => {
    const { result, state } = await rebuild(balances);
    expect(result.processed).toBe(last);
    expect(result.partitions).toBe(8);
    expect(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.balance]))).toEqual(expectedBalances());
    expect(state['A-17']?.owner).toBe('Ada Lovelace');
  });

  it('rebuilds from a later position, counting only what follows', async () => {
    const { result, state } = await rebuild(balances, 60);
    expect(result.firstPosition).toBe(60);
    expect(result.processed).toBe(last - 59);
    expect(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.balance]))).toEqual(expectedBalances(60));
  });

  it('shows the state at any past position exactly as a rebuild up to it would', async () => {
    const { run } = await rebuild(balances);
    for (const position of [1, 7, 55, 100, last]) {
      const at = await run.stateAt(position);
      const fresh = await rebuild(balances, 1, position);
      expect(JSON.parse(at.state)).toEqual(fresh.state);
    }
    // And says which event changed what.
    const at = await run.stateAt(10);
    expect(at.event?.position).toBe(10);
    expect(at.touched.length).toBeGreaterThan(0);
    expect(at.before).not.toEqual(at.after);
  });

  it('shows one partition with the events that touched it', async () => {
    const { run, state } = await rebuild(balances);
    const view = await run.partition('A-17');
    expect(JSON.parse(view.state)).toEqual(state['A-17']);
    const store = EventStore.open(path, { create: false });
    const own = store.readStream('account-A-17', 0, 1000).map((e) => e.globalPosition);
    store.close();
    // Its own stream, plus transfers into it from other accounts.
    expect(own.every((p) => view.positions.includes(p))).toBe(true);
    expect(view.positions).toEqual([...view.positions].sort((a, b) => a - b));
  });
});

describe('a handler that throws', () => {
  const flaky = balances.replace(
    'MoneyWithdrawn: (s: Balance, e) =>',
    "MoneyWithdrawn: (s: Balance, e) => { if (e.data.amount > 0) throw new Error('boom on ' + e.position); return s; }, Unused: (s: Balance, e) =>",
  );

  function erroring() {
    const failures: HandlerFailure[] = [];
    let resolveFirst!: (f: HandlerFailure) => void;
    const first = new Promise<HandlerFailure>((r) => (resolveFirst = r));
    const callbacks: RunCallbacks = {
      onProgress: () => undefined,
      onHandlerError: (f) => {
        failures.push(f);
        resolveFirst(f);
      },
    };
    return { failures, first, callbacks };
  }

  it('stops at that event with its position, the event, the error and the stack', async () => {
    const run = await start(flaky);
    const { first, callbacks } = erroring();
    const done = run.runSqlite({ kind: 'sqlite', path, streamId: null, from: 1, to: null }, callbacks);
    const f = await first;
    expect(f.event.type).toBe('MoneyWithdrawn');
    expect(f.message).toBe(`boom on ${f.position}`);
    expect(f.stack).toContain('projection.ts');
    run.decide('stop');
    const result = await done;
    expect(result.stopped).toBe(true);
    expect(result.lastPosition).toBe(f.position - 1 >= 1 ? result.lastPosition : 0);
    expect(result.lastPosition).toBeLessThan(f.position);
  });

  it('can skip the poison event and records that it did', async () => {
    const run = await start(flaky);
    const failures: number[] = [];
    const done = run.runSqlite(
      { kind: 'sqlite', path, streamId: null, from: 1, to: null },
      {
        onProgress: () => undefined,
        onHandlerError: (f) => {
          failures.push(f.position);
          run.decide('skip');
        },
      },
    );
    const result = await done;
    expect(result.skipped).toEqual(failures);
    expect(result.processed).toBe(last - failures.length);
  });

  it('can be fixed and continue from the failed event with the state so far', async () => {
    const run = await start(flaky);
    const { first, callbacks } = erroring();
    const done = run.runSqlite({ kind: 'sqlite', path, streamId: null, from: 1, to: null }, callbacks);
    await first;
    await run.retryWith(balances);
    const result = await done;
    expect(result.skipped).toEqual([]);
    const state = JSON.parse(result.state) as Record<string, { balance: number }>;
    expect(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.balance]))).toEqual(expectedBalances());
  });
});

describe('the sandbox', () => {
  const escapeAttempt = (body: string) => `export default { init: () => ({}), when: { AccountCreated: (s) => { ${body}; return s; } } };`;

  async function firstFailure(body: string): Promise<HandlerFailure> {
    const run = await start(escapeAttempt(body));
    return new Promise((resolve, reject) => {
      run
        .runSqlite(
          { kind: 'sqlite', path, streamId: null, from: 1, to: 20 },
          {
            onProgress: () => undefined,
            onHandlerError: (f) => {
              resolve(f);
              run.decide('stop');
            },
          },
        )
        .then(() => reject(new Error('no failure')), reject);
    });
  }

  it.each([
    ['require', "require('fs')", /require is not defined/],
    ['process', 'process.exit(1)', /process is not defined/],
    ['the constructor trick', "globalThis.constructor.constructor('return process')()", /Code generation from strings disallowed|not a function|Cannot read/],
    ['a host function constructor via a handler argument', "s.constructor.constructor('return process')()", /Code generation from strings disallowed/],
    ['eval', "eval('1+1')", /Code generation from strings disallowed/],
    ['timers', 'setTimeout(() => 0, 1)', /setTimeout is not defined/],
    ['fetch', "fetch('http://127.0.0.1')", /fetch is not defined/],
    [
      'host functions reached through stack frames',
      "Error.prepareStackTrace = (_e, frames) => frames; const frames = new Error().stack; const found = []; for (const f of frames) { for (const x of [f.getFunction?.(), f.getThis?.()]) { if (x && typeof x.constructor === 'function') { try { found.push(typeof x.constructor.constructor('return process')()); } catch (e) { found.push(e.message); } } } } throw new Error('frames gave: ' + JSON.stringify(found))",
      /^frames gave: \[(("Code generation from strings disallowed for this context",?)*|)\]$/,
    ],
    ['binary buffers', 'new Uint8Array(8)', /Uint8Array is not available in projections/],
  ])('refuses %s', async (_name, body, message) => {
    const f = await firstFailure(body);
    expect(f.message).toMatch(message);
  });

  it('refuses dynamic import()', async () => {
    const f = await firstFailure("void import('node:fs').catch(() => 0); throw new Error('import returned a promise')");
    expect(f.message).toMatch(/import returned a promise|dynamic import/i);
  });

  it('stops an endless loop after the per-event limit, and the next run works', async () => {
    const run = await ProjectionRun.start(escapeAttempt('for (;;) {}'), { perEventMs: 300, memoryMb: 64 });
    const e = await run.runSqlite({ kind: 'sqlite', path, streamId: null, from: 1, to: null }, quiet).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(RewindError);
    expect((e as RewindError).code).toBe('limit');
    expect((e as RewindError).message).toMatch(/ran longer than 300 ms on the event at position \d+/);
    const ok = await rebuild(balances);
    expect(ok.result.processed).toBe(last);
  });

  it('stops a memory bomb at the heap cap', async () => {
    const run = await ProjectionRun.start(escapeAttempt('const xs = []; for (;;) xs.push(new Array(1e6).fill(1))'), { perEventMs: 30_000, memoryMb: 64 });
    const e = await run.runSqlite({ kind: 'sqlite', path, streamId: null, from: 1, to: null }, quiet).catch((err: unknown) => err);
    expect((e as RewindError).code).toBe('limit');
    expect((e as RewindError).message).toMatch(/more than 64 MB/);
  });

  it('reports compile errors with the line', async () => {
    const e = await ProjectionRun.start('export default { init: () => ({ a: 1 }, when: {} };').catch((err: unknown) => err);
    expect((e as RewindError).code).toBe('invalid_input');
    expect((e as RewindError).message).toMatch(/^projection\.ts:1:\d+: /);
  });

  it('reports a projection without init()', async () => {
    const e = await ProjectionRun.start('export default { when: {} };').catch((err: unknown) => err);
    expect((e as RewindError).message).toMatch(/needs init\(\)/);
  });
});
