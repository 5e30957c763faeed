import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LIMITS } from '../model/projection-limits';
import { Busy, STOP_MARK, type FromWorker, type HostInit, type StopReport, type ToWorker } from '../model/wire';

/**
 * The main thread of a projection's process, forked by the core (run-process.ts): one process per
 * run, so that what the operating system counts is what the limit counts, and ending the process
 * gives everything back. User code runs in a thread beside this one (sandbox-thread.ts) with its
 * heap capped; this thread relays messages between it and the core, and watches it:
 *
 * - a call into user code that runs past its limit ends the whole process: a thread can be stuck
 *   where V8 will not interrupt it, a process cannot;
 * - the process's resident memory (Intl's ICU objects and any native allocation included, which
 *   the heap cap never sees) past the limit ends it too.
 *
 * Before it ends itself it writes why to stderr (STOP_MARK + JSON) for the core to report. The
 * process starts as a spare, its thread up and waiting, so a rebuild does not wait for either.
 */

/** What a run may hold beside the process as it stands at its start: the young generation, SQLite's cache, snapshots in flight. */
const RUN_OVERHEAD_BYTES = 48 * 1024 * 1024;
const CHECK_EVERY_MS = 25;

const send = (m: FromWorker) => void process.send?.(m);
process.title = 'rewind-projection (spare)';

function stop(report: StopReport): void {
  try {
    writeSync(2, `\n${STOP_MARK}${JSON.stringify(report)}\n`);
  } catch {
    // stderr gone: the core reports the signal alone
  }
  process.kill(process.pid, 'SIGKILL');
}

interface Thread {
  worker: Worker;
  memoryMb: number;
  /** What the thread is doing, once it is up (see sandbox-thread.ts). */
  shared: Promise<SharedArrayBuffer>;
}

/** The thread for user code, with its heap cap: fixed when a thread starts, so a run with another cap gets a new one. */
function startThread(memoryMb: number): Thread {
  const worker = new Worker(__filename, { resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 } });
  const shared = new Promise<SharedArrayBuffer>((resolve) => {
    const first = (m: FromWorker) => {
      if (m.type !== 'thread') return;
      worker.off('message', first);
      resolve(m.shared);
    };
    worker.on('message', first);
  });
  let current: Float64Array | null = null;
  void shared.then((s) => (current = new Float64Array(s, 8, 1)));
  worker.on('error', (e: Error & { code?: string }) =>
    stop(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { kind: 'memory', position: current?.[0] ?? -1, rssMb: null } : { kind: 'thread', message: e.message }),
  );
  worker.on('exit', () => {
    if (thread?.worker === worker) stop({ kind: 'thread', message: 'the thread of the projection ended' });
  });
  return { worker, memoryMb, shared };
}

let thread: Thread | null = startThread(DEFAULT_LIMITS.memoryMb);
let started = false;

async function begin(init: HostInit): Promise<void> {
  if (started) return;
  started = true;
  process.title = 'rewind-projection';
  const { perEventMs, memoryMb } = init.limits;
  if (thread!.memoryMb !== memoryMb) {
    const old = thread!;
    thread = startThread(memoryMb);
    void old.worker.terminate();
  }
  const { worker } = thread!;
  const shared = await thread!.shared;
  const counters = new Int32Array(shared, 0, 2);
  const current = new Float64Array(shared, 8, 1);
  const rssLimit = process.memoryUsage.rss() + RUN_OVERHEAD_BYTES + memoryMb * 1024 * 1024;
  worker.on('message', (m: FromWorker) => {
    if (m.type !== 'thread') send(m.type === 'ready' ? { ...m, rssLimit } : m);
  });

  // What the thread does, read from shared memory: a count that has not moved while user code
  // runs means one call has taken that long.
  let seen = -1;
  let since = Date.now();
  setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > rssLimit) return stop({ kind: 'memory', position: current[0]!, rssMb: Math.round(rss / 1024 / 1024) });
    const count = Atomics.load(counters, 0);
    const busy = Atomics.load(counters, 1);
    const now = Date.now();
    if (count !== seen || busy === Busy.Idle) {
      seen = count;
      since = now;
    } else if (busy === Busy.Event && now - since >= perEventMs) stop({ kind: 'event', position: current[0]! });
    else if (busy === Busy.WholeState && now - since >= init.wholeStateMs) stop({ kind: 'whole-state', position: current[0]! });
  }, CHECK_EVERY_MS);

  worker.postMessage({ type: 'load', code: init.code, filename: init.filename, snapshotBudgetBytes: init.snapshotBudgetBytes, typeFrom: init.typeFrom });
  for (const m of early.splice(0)) worker.postMessage(m);
  ready = true;
}

/** Messages that came while the thread was still starting: sent on in order once it is loaded. */
const early: ToWorker[] = [];
let ready = false;

process.on('message', (m: HostInit | ToWorker) => {
  if (m.type === 'init') void begin(m).catch((e: Error) => stop({ kind: 'thread', message: e.message }));
  else if (ready) thread?.worker.postMessage(m);
  else early.push(m);
});

// The core closed the run, or went away: nothing here is of use to anyone, whatever the thread is doing.
process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
