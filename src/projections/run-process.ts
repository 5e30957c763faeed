import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs';
import { join } from 'node:path';
import { RewindError } from '../model/errors';
import type { Limits } from '../model/projection-limits';
import { workerScript } from '../workers/worker-script';
import { STOP_MARK, type FromWorker, type HostInit, type StopReport, type ToWorker } from '../model/wire';

/** Every projection process alive: a core that exits takes them with it. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** What the environment a run's process sees: enough for Node, dates and Intl to behave as in the core; no secrets. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ELECTRON_RUN_AS_NODE: '1' };
  for (const name of ['TZ', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_TIME', 'LC_COLLATE', 'SystemRoot', 'TEMP', 'TMP', 'TMPDIR']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

const STDERR_KEPT = 16 * 1024;
/** Runs alive at once (finished runs kept for time travel included): each is a process with its own memory. */
export const MAX_RUNS = 32;
const SAMPLE_EVERY_MS = 100;

/**
 * The next run's process, started when a run is done (the user is looking at its result) so the
 * next rebuild does not wait for a process and a thread to start.
 */
let spare: RunProcess | null = null;

/**
 * One projection run's process, seen from the core: forked from the shipped projection script
 * (process-host.ts is its main thread), messages both ways, and its end explained. Its resident
 * memory is also read from outside, from /proc where there is one, so a process that cannot
 * watch itself is still stopped at the limit.
 */
export class RunProcess {
  private readonly child: ChildProcess;
  private stderr = '';
  private sampler: NodeJS.Timeout | null = null;
  private killedFor: 'memory' | 'close' | null = null;
  private exitedWith: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private limits: Limits = { perEventMs: 0, memoryMb: 0 };
  private onMessage: (m: FromWorker) => void = () => undefined;
  private onEnd: (error: RewindError) => void = () => undefined;
  readonly ended: Promise<void>;

  /** A process for a run: the spare if there is a live one, or a new one. */
  static start(init: HostInit, limits: Limits, onMessage: (m: FromWorker) => void, onEnd: (error: RewindError) => void): RunProcess {
    if (live.size - (spare ? 1 : 0) >= MAX_RUNS) {
      throw new RewindError(
        'limit',
        `${MAX_RUNS} projection runs are open at once, each in a process of its own`,
        'Close projection tabs you no longer need, or wait for running searches and rebuilds to end.',
      );
    }
    const taken = spare?.alive ? spare : new RunProcess();
    if (spare === taken) spare = null;
    taken.attach(init, limits, onMessage, onEnd);
    return taken;
  }

  private constructor() {
    this.child = fork(workerScript('projection-worker', join(__dirname, 'worker.ts')), [], {
      // The heap cap is the thread's (see process-host.ts); the process's own heap only relays.
      execArgv: ['--max-old-space-size=128'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: childEnv(),
    });
    live.add(this.child);
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT);
    });
    this.child.on('message', (m: FromWorker) => {
      if (m.type === 'ready' && m.rssLimit !== undefined) this.watchMemory(m.rssLimit);
      // The next spare starts when this run is done, not while it runs (they would share the CPU).
      if (m.type === 'done') RunProcess.prepare();
      this.onMessage(m);
    });
    this.ended = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitedWith !== null) return;
        this.exitedWith = { code, signal };
        this.stopSampling();
        live.delete(this.child);
        if (spare === this) spare = null;
        this.onEnd(this.cause());
        resolve();
      };
      // 'close': stderr is read to its end, so the process's last words are in.
      this.child.on('close', finish);
      // A process that could not start (no such file, no permission) may never close.
      this.child.on('error', (e: NodeJS.ErrnoException) => {
        this.stderr += `\n${e.message}`;
        if (e.syscall?.startsWith('spawn')) finish(null, null);
      });
    });
    // A spare keeps nothing alive: a core with nothing else to do may exit (and its spare with it).
    this.child.unref();
    this.child.channel?.unref();
    (this.child.stderr as unknown as { unref?: () => void }).unref?.();
  }

  /** Starts the next run's process now, so it is up when that run starts. */
  private static prepare(): void {
    if (spare === null && live.size < MAX_RUNS) spare = new RunProcess();
  }

  private get alive(): boolean {
    return this.exitedWith === null && this.child.exitCode === null && this.child.signalCode === null && this.child.connected;
  }

  private attach(init: HostInit, limits: Limits, onMessage: (m: FromWorker) => void, onEnd: (error: RewindError) => void): void {
    this.limits = limits;
    this.onMessage = onMessage;
    this.onEnd = onEnd;
    // A run in progress keeps the core's event loop going, as the thread it replaced did.
    this.child.ref();
    this.child.channel?.ref();
    this.child.send(init);
  }

  send(m: ToWorker): void {
    this.child.send(m);
  }

  /** Ends the process at once, wherever user code is, and resolves when it is gone. */
  async kill(): Promise<void> {
    this.killedFor ??= 'close';
    this.stopSampling();
    if (this.exitedWith === null) this.child.kill('SIGKILL');
    // A process that never started has nothing to wait for.
    await Promise.race([this.ended, new Promise((r) => setTimeout(r, 5000).unref())]);
  }

  /** The core's own check of what the process holds, a little above the process's (which knows the position). */
  private watchMemory(rssLimit: number): void {
    if (process.platform !== 'linux' || this.child.pid === undefined) return;
    const status = `/proc/${this.child.pid}/status`;
    const backstop = rssLimit + 32 * 1024 * 1024;
    this.sampler = setInterval(() => {
      readFile(status, 'utf8', (err, text) => {
        if (err || this.exitedWith !== null) return;
        const kb = /^VmRSS:\s+(\d+) kB/m.exec(text)?.[1];
        if (kb !== undefined && Number(kb) * 1024 > backstop) {
          this.killedFor ??= 'memory';
          this.child.kill('SIGKILL');
        }
      });
    }, SAMPLE_EVERY_MS);
    this.sampler.unref();
  }

  private stopSampling(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
  }

  /** Why the process ended, as the user is told. */
  private cause(): RewindError {
    const report = this.report();
    const { perEventMs, memoryMb } = this.limits;
    if (report?.kind === 'event') {
      return new RewindError(
        'limit',
        `The handler ran longer than ${perEventMs} ms on the event at position ${report.position} and was stopped`,
        'Look for an endless loop in the handler, init() or partitionBy for that event, or a regular expression that backtracks.',
      );
    }
    if (report?.kind === 'whole-state') {
      return new RewindError(
        'limit',
        `Serialising the projection's state took longer than ${wholeStateLimit(this.limits) / 1000} s and was stopped`,
        'Look for a toJSON method or a getter in the state that does not return.',
      );
    }
    if (report?.kind === 'memory' || this.killedFor === 'memory' || /heap out of memory|Reached heap limit/i.test(this.stderr)) {
      const at = report?.kind === 'memory' ? ` (at position ${report.position})` : '';
      return new RewindError(
        'limit',
        `The projection used more than ${memoryMb} MB and was stopped${at}`,
        'Keep less in the state, or partition it. Everything the run made counts, Intl formatters and collators too; raise the limit under Limits if the state needs it.',
      );
    }
    if (this.killedFor === 'close') return new RewindError('cancelled', 'The projection run was closed');
    const { code, signal } = this.exitedWith ?? { code: null, signal: null };
    const how = signal ? `killed by ${signal}` : code !== null ? `exited with code ${code}` : 'could not start';
    const why = report?.kind === 'thread' ? `: ${report.message}` : '';
    const last = this.lastWords();
    return new RewindError(
      'internal',
      `The projection's process ended: ${how}${why}${last ? `. Its last output: ${last}` : ''}`,
      'Rebuild to run it again. If it happens again, send this message with a bug report.',
    );
  }

  private report(): StopReport | null {
    const at = this.stderr.lastIndexOf(STOP_MARK);
    if (at < 0) return null;
    try {
      return JSON.parse(this.stderr.slice(at + STOP_MARK.length).split('\n')[0]!) as StopReport;
    } catch {
      return null;
    }
  }

  /** The last few lines the process wrote, without the stop report. */
  private lastWords(): string {
    const lines = this.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith(STOP_MARK));
    return lines.slice(-8).join(' | ').slice(-2000);
  }
}

/** Serialising a whole state is not one event's work: it gets ten events' time, and at least 10 s. */
export const wholeStateLimit = (limits: Limits) => Math.max(10_000, limits.perEventMs * 10);
