import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CallInFlight, EscapedFault, type CrashCause, type LastCrash } from '../model/crash';

/**
 * What a run leaves in the crash folder while it lives, and what the next start makes of it.
 * A run's file exists from its start to its clean exit: found at a later start with its process
 * gone, it is a run that died, and the reports, dumps and log lines beside it say how.
 */
export const RunFile = z.object({
  runId: z.string(),
  pid: z.number(),
  /** The process's start time as Linux counts it (/proc/<pid>/stat), to tell a reused pid; null elsewhere. */
  pidStart: z.string().nullable(),
  shell: z.enum(['electron', 'web']),
  version: z.string(),
  startedAt: z.string(),
  /** Its last sign of life: the last call begun or ended, or the heartbeat. */
  at: z.string(),
  rssMb: z.number().nullable(),
  calls: z.array(CallInFlight),
  /** Set when it exited on its own with a code other than 0. */
  exitCode: z.number().optional(),
});
export type RunFile = z.infer<typeof RunFile>;

export const RUN_FILE = /^run-(.+)\.json$/;
export const LOG_FILE = 'crash.log';
export const OLD_LOG_FILE = 'crash.log.1';
/** Node's diagnostic report: report.<date>.<time>.<pid>.<thread>.<seq>.json */
const NODE_REPORT = /^report\.\d+\.\d+\.(\d+)\.\d+\.\d+\.json$/;
const REPORTS_KEPT = 5;
const DUMPS_DIR = 'dumps';

/** The start time of a process as /proc gives it (Linux); null where there is no /proc or no such process. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which may hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the process that wrote a run file still runs (and is the same process, where that can be told). */
function stillRunning(run: RunFile): boolean {
  if (run.pid === process.pid) return false;
  try {
    process.kill(run.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(run.pid);
  return run.pidStart === null || start === null || start === run.pidStart;
}

interface NodeReport {
  header?: { event?: string; trigger?: string; processId?: number; dumpEventTime?: string };
  javascriptStack?: { message?: string };
  environmentVariables?: unknown;
}

/**
 * Node's report of a fatal error for this pid, with its environment variables taken out (they
 * may hold tokens, and the file is meant to be attached to a bug report).
 */
function fatalReport(dir: string, run: RunFile): { path: string; report: NodeReport } | null {
  const since = Date.parse(run.startedAt);
  for (const name of readdirSync(dir)) {
    const m = NODE_REPORT.exec(name);
    if (!m || Number(m[1]) !== run.pid) continue;
    const path = join(dir, name);
    if (statSync(path).mtimeMs < since) continue;
    try {
      const report = JSON.parse(readFileSync(path, 'utf8')) as NodeReport;
      if (report.environmentVariables !== undefined) {
        report.environmentVariables = 'removed by Rewind: they may hold secrets';
        writeFileSync(path, JSON.stringify(report, null, 2), { mode: 0o600 });
      }
      return { path, report };
    } catch {
      return { path, report: {} };
    }
  }
  return null;
}

/** Crash dumps the desktop app's crash reporter wrote while the run lived. */
function dumpsOf(dir: string, run: RunFile): string[] {
  const root = join(dir, DUMPS_DIR);
  if (!existsSync(root)) return [];
  const since = Date.parse(run.startedAt);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.dmp'))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => statSync(p).mtimeMs >= since);
}

/** The errors that escaped every handler during the run, from the crash log: the newest five. */
function escapedDuring(dir: string, run: RunFile): EscapedFault[] {
  const found: EscapedFault[] = [];
  for (const name of [OLD_LOG_FILE, LOG_FILE]) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.includes(`"runId":"${run.runId}"`)) continue;
      try {
        const parsed = EscapedFault.safeParse(JSON.parse(line));
        if (parsed.success) found.push(parsed.data);
      } catch {
        /* a line cut short by the death itself */
      }
    }
  }
  return found.slice(-5);
}

function causeOf(run: RunFile, report: { report: NodeReport } | null, dumps: string[]): CrashCause {
  if (report) {
    const header = report.report.header ?? {};
    const detail = [header.event, header.trigger && header.trigger !== header.event ? `(${header.trigger})` : ''].filter(Boolean).join(' ') || 'See the report.';
    return { kind: 'fatal-error', detail };
  }
  if (dumps.length > 0) return { kind: 'native-crash', detail: 'The crash reporter wrote a dump.' };
  if (run.exitCode !== undefined) return { kind: 'exit-code', detail: `Exit code ${run.exitCode}.` };
  return {
    kind: 'killed',
    detail: "It left no report and no exit code: a signal that cannot be caught (SIGKILL, which the kernel's out-of-memory killer sends), or the machine stopped.",
  };
}

/**
 * Runs whose process is gone without a clean exit, each made into what the user is shown, and
 * their run files removed (what they said is now in the crash log). Newest last.
 */
export function findDeadRuns(dir: string): { crash: LastCrash; file: string }[] {
  const found: { crash: LastCrash; file: string }[] = [];
  for (const name of readdirSync(dir)) {
    if (!RUN_FILE.test(name)) continue;
    const file = join(dir, name);
    let run: RunFile;
    try {
      run = RunFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      // Cut short mid-write by the death: what is known is that a run died.
      const at = new Date(statSync(file).mtimeMs).toISOString();
      run = { runId: name, pid: 0, pidStart: null, shell: 'web', version: 'unknown', startedAt: at, at, rssMb: null, calls: [] };
    }
    if (stillRunning(run)) continue;
    const report = fatalReport(dir, run);
    const dumps = dumpsOf(dir, run);
    const reportTime = report?.report.header?.dumpEventTime;
    found.push({
      file,
      crash: {
        id: run.runId,
        shell: run.shell,
        version: run.version,
        pid: run.pid,
        startedAt: run.startedAt,
        endedAt: reportTime ? new Date(reportTime).toISOString() : run.at,
        endedAtApproximate: !reportTime,
        cause: causeOf(run, report, dumps),
        lastRssMb: run.rssMb,
        callsInFlight: run.calls,
        escaped: escapedDuring(dir, run),
        files: [join(dir, LOG_FILE), ...(report ? [report.path] : []), ...dumps],
      },
    });
  }
  return found.sort((a, b) => a.crash.endedAt.localeCompare(b.crash.endedAt));
}

/** Keeps the newest reports and dumps, so the folder stays bounded however often the app dies. */
export function pruneReports(dir: string): void {
  const reports = readdirSync(dir)
    .filter((n) => NODE_REPORT.test(n))
    .map((n) => join(dir, n));
  const dumps = existsSync(join(dir, DUMPS_DIR))
    ? readdirSync(join(dir, DUMPS_DIR), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.dmp'))
        .map((e) => join(e.parentPath, e.name))
    : [];
  for (const group of [reports, dumps]) {
    const newestFirst = group.map((p) => ({ p, t: statSync(p).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const { p } of newestFirst.slice(REPORTS_KEPT)) unlinkSync(p);
  }
}

export const dumpsDir = (dir: string) => join(dir, DUMPS_DIR);
