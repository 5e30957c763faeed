import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Handlers } from '../api/dispatcher';
import { LastCrash, type CallInFlight } from '../model/crash';
import { dumpsDir, findDeadRuns, LOG_FILE, OLD_LOG_FILE, processStart, pruneReports, type RunFile } from './crash-findings';
import { testFault } from './test-faults';

/** The newest calls in flight kept in the run file. */
const CALLS_KEPT = 20;
/** The crash log moves to crash.log.1 past this, so the two stay under 1 MB. */
const LOG_MAX_BYTES = 512 * 1024;
/** Escaped errors written per run; past it they are only counted (a loop that throws must not fill the disk). */
const ESCAPED_PER_RUN = 100;
/** How often the run file says the process is alive when no call comes. */
const HEARTBEAT_MS = 5_000;
const PENDING_FILE = 'last-crash.json';

export interface CrashJournalOptions {
  dataDir: string;
  shell: 'electron' | 'web';
  version: string;
}

/**
 * A death always leaves its cause. While Rewind runs, `crash/run-<id>.json` in the data folder
 * holds when it started, its last sign of life, its memory and the newest API calls in flight
 * (method and start, never parameters), rewritten in place at each call; a clean exit removes
 * it. Errors that escape every handler are appended to `crash/crash.log`, and Node writes its
 * diagnostic report there on a fatal error. At the next start a run file whose process is gone
 * is a run that died: it becomes the notice shown once (app/last-crash) and a line in the log.
 */
export class CrashJournal {
  readonly dir: string;
  private readonly runId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly runPath: string;
  private fd: number | null;
  private readonly run: RunFile;
  private readonly calls = new Map<number, CallInFlight>();
  private nextCall = 0;
  private escaped = 0;
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(options: CrashJournalOptions) {
    this.dir = join(options.dataDir, 'crash');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.settlePreviousRuns();
    const now = new Date().toISOString();
    this.run = { runId: this.runId, pid: process.pid, pidStart: processStart(process.pid), shell: options.shell, version: options.version, startedAt: now, at: now, rssMb: null, calls: [] };
    this.runPath = join(this.dir, `run-${this.runId}.json`);
    this.fd = openSync(this.runPath, 'w', 0o600);
    this.flush();
    this.heartbeat = setInterval(() => this.flush(), HEARTBEAT_MS);
    this.heartbeat.unref();
    // An exit with a code other than 0 is a death too; 0 is the app ending as it should.
    process.on('exit', (code) => (code === 0 ? this.closeClean() : this.exitedWith(code)));
  }

  /** Starts the journal for this process and makes Node write its fatal-error reports into the crash folder. */
  static open(options: CrashJournalOptions): CrashJournal {
    const journal = new CrashJournal(options);
    // Electron's main process may lack Node's report module; its crash reporter writes dumps instead.
    if (process.report) {
      process.report.directory = journal.dir;
      process.report.reportOnFatalError = true;
    }
    return journal;
  }

  /** Where the desktop app's crash reporter should write its dumps. */
  get dumpsDir(): string {
    return dumpsDir(this.dir);
  }

  /** The handlers, each noting its call in flight for as long as it runs. */
  watch(handlers: Handlers): Handlers {
    const watched: Record<string, (params: unknown, ctx: unknown) => Promise<unknown>> = {};
    for (const [method, handler] of Object.entries(handlers) as [string, (params: unknown, ctx: unknown) => Promise<unknown>][]) {
      // Every open window holds this one for as long as it is open: in flight always, telling nothing.
      if (method === 'jobs/watch') {
        watched[method] = handler;
        continue;
      }
      watched[method] = async (params, ctx) => {
        const call = this.begin(method);
        try {
          testFault(method);
          return await handler(params, ctx);
        } finally {
          this.end(call);
        }
      };
    }
    return watched as unknown as Handlers;
  }

  /** An error no handler caught: into the crash log (the app carries on). */
  escapedFault(kind: 'uncaught exception' | 'unhandled rejection', e: unknown): void {
    this.escaped++;
    if (this.escaped > ESCAPED_PER_RUN) return;
    const message = (e instanceof Error ? (e.stack ?? e.message) : String(e)).slice(0, 4096);
    this.log({ at: new Date().toISOString(), runId: this.runId, pid: process.pid, kind, message });
  }

  /** The run that died before this start, until the user dismisses it. */
  lastCrash(): LastCrash | null {
    const path = join(this.dir, PENDING_FILE);
    if (!existsSync(path)) return null;
    try {
      return LastCrash.parse(JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      return null;
    }
  }

  dismiss(id: string): void {
    const path = join(this.dir, PENDING_FILE);
    if (this.lastCrash()?.id === id) unlinkSync(path);
  }

  /** The app ends as it should: nothing to report next time. */
  closeClean(): void {
    clearInterval(this.heartbeat);
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    try {
      unlinkSync(this.runPath);
    } catch {
      /* already gone */
    }
  }

  private exitedWith(code: number): void {
    this.run.exitCode = code;
    this.flush();
  }

  private begin(method: string): number {
    const id = this.nextCall++;
    this.calls.set(id, { method, startedAt: new Date().toISOString() });
    this.flush();
    return id;
  }

  private end(id: number): void {
    this.calls.delete(id);
    this.flush();
  }

  /**
   * Rewrites the run file in place: one write and a truncate, no rename, so it is cheap enough for
   * every call. A death cannot tear a write the kernel took; only a power cut could.
   */
  private flush(): void {
    if (this.fd === null) return;
    this.run.at = new Date().toISOString();
    this.run.rssMb = Math.round(process.memoryUsage.rss() / 1e6);
    this.run.calls = [...this.calls.values()].slice(-CALLS_KEPT);
    const body = Buffer.from(JSON.stringify(this.run));
    try {
      writeSync(this.fd, body, 0, body.length, 0);
      ftruncateSync(this.fd, body.length);
    } catch {
      /* a full disk must not end the app */
    }
  }

  /** Runs that died before this start: into the log, the newest kept as the notice to show. */
  private settlePreviousRuns(): void {
    const dead = findDeadRuns(this.dir);
    for (const { crash, file } of dead) {
      this.log({ at: new Date().toISOString(), kind: 'ended', ...crash });
      unlinkSync(file);
    }
    const newest = dead.at(-1);
    if (newest) writeFileSync(join(this.dir, PENDING_FILE), JSON.stringify(newest.crash, null, 2), { mode: 0o600 });
    pruneReports(this.dir);
  }

  /** One JSON line appended to the crash log, which moves aside past its bound. */
  private log(entry: object): void {
    const path = join(this.dir, LOG_FILE);
    try {
      if (existsSync(path) && statSync(path).size > LOG_MAX_BYTES) renameSync(path, join(this.dir, OLD_LOG_FILE));
      appendFileSync(path, JSON.stringify(entry) + '\n', { mode: 0o600 });
    } catch {
      /* the log must never be what ends the app */
    }
  }
}
