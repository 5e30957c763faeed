import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LastCrash } from '../../src/model/crash';
import { apiCall, startShellProcess, type ShellProcess } from './web-shell-process';

/**
 * A death always leaves its cause. The web shell runs as users run it, in its own process: it is
 * killed with SIGKILL in the middle of a call (as the kernel's out-of-memory killer does), made
 * to run out of heap, and hit by an exception thrown from a timer. The next start on the same
 * data folder must say once how the last run ended, which calls were in flight (never their
 * parameters) and which files to attach to a bug report.
 */
const SECRET = 'hunter2-never-in-a-crash-file';
const dirs: string[] = [];
const shells: ShellProcess[] = [];

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rewind-crash-'));
  dirs.push(d);
  return d;
}
async function start(dir: string, env?: Record<string, string>): Promise<ShellProcess> {
  const shell = await startShellProcess({ dataDir: dir, ...(env ? { env } : {}) });
  shells.push(shell);
  return shell;
}
const call = (s: ShellProcess, method: string, params: unknown = {}, ms?: number) => apiCall(s.port, s.token, method, params, ms);
const exited = (s: ShellProcess) => new Promise<{ code: number | null; signal: string | null }>((r) => s.child.once('exit', (code, signal) => r({ code, signal })));

/** Everything in the crash folder, read as text. */
function crashFolderText(dir: string): string {
  const crash = join(dir, 'crash');
  return readdirSync(crash, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'latin1'))
    .join('\n');
}

async function waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

afterEach(async () => {
  for (const s of shells.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('what a dead run leaves, and the next start shows once', () => {
  it('killed with SIGKILL mid-call: the next start reports an unclean end with the call in flight, once', async () => {
    // A broker that accepts and never answers: the connection test stays in flight.
    let arrived!: () => void;
    const connected = new Promise<void>((r) => (arrived = r));
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => (sockets.push(s), arrived()));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const dir = dataDir();
    try {
      const first = await start(dir);
      const began = Date.now();
      const draft = {
        kind: 'rabbitmq',
        name: 'silent',
        host: '127.0.0.1',
        port: (silent.address() as AddressInfo).port,
        tls: false,
        username: 'u',
        password: SECRET,
        vhost: '/',
        managementPort: 15672,
      };
      call(first, 'connections/test', { draft }).catch(() => undefined);
      await connected;
      const gone = exited(first);
      first.child.kill('SIGKILL');
      expect((await gone).signal).toBe('SIGKILL');

      const second = await start(dir);
      const crash = (await call(second, 'app/last-crash')) as LastCrash;
      expect(crash).toMatchObject({ shell: 'web', pid: first.child.pid, cause: { kind: 'killed' }, endedAtApproximate: true });
      expect(crash.cause.detail).toMatch(/SIGKILL.*out-of-memory/);
      expect(crash.callsInFlight.map((c) => c.method)).toEqual(['connections/test']);
      expect(Date.parse(crash.callsInFlight[0]!.startedAt)).toBeGreaterThanOrEqual(began - 1000);
      expect(Date.parse(crash.endedAt)).toBeGreaterThanOrEqual(began - 1000);
      expect(crash.files).toEqual([join(dir, 'crash', 'crash.log')]);
      expect(readFileSync(crash.files[0]!, 'utf8')).toContain(`"id":"${crash.id}"`);
      // Parameters are never written: the password of the call in flight is nowhere in the folder.
      expect(crashFolderText(dir)).not.toContain(SECRET);
      expect(await call(second, 'app/info')).toMatchObject({ shell: 'web' });

      // Shown once: dismissed, it is gone; a clean stop leaves nothing for the next start.
      await call(second, 'app/dismiss-crash', { id: crash.id });
      expect(await call(second, 'app/last-crash')).toBeNull();
      const stopped = exited(second);
      second.child.kill('SIGTERM');
      expect((await stopped).code).toBe(0);
      const third = await start(dir);
      expect(await call(third, 'app/last-crash')).toBeNull();
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('an exception thrown from a detached callback is logged and the process still serves', async () => {
    const dir = dataDir();
    const shell = await start(dir, { REWIND_TEST_FAULT: 'throw-later@app/info' });
    await call(shell, 'app/info');
    await waitFor('the uncaught exception on stderr', () => shell.stderr().includes('test fault: thrown from a timer after app/info began'));
    expect(shell.alive()).toBe(true);
    expect(await call(shell, 'connections/list')).toEqual([expect.objectContaining({ id: 'local' })]);
    const log = readFileSync(join(dir, 'crash', 'crash.log'), 'utf8');
    expect(log).toMatch(/"kind":"uncaught exception","message":"Error: test fault: thrown from a timer after app\/info began\\n {4}at /);

    // It did not end the run, but the run's escaped errors come with its report if it dies later.
    const gone = exited(shell);
    shell.child.kill('SIGKILL');
    await gone;
    const next = await start(dir);
    const crash = (await call(next, 'app/last-crash')) as LastCrash;
    expect(crash.escaped).toEqual([expect.objectContaining({ kind: 'uncaught exception', message: expect.stringContaining('test fault: thrown from a timer') })]);
  });

  it('out of heap: a V8 report is left in the crash folder, and the next start reports it with the call that ran', async () => {
    const dir = dataDir();
    const shell = await start(dir, { REWIND_TEST_FAULT: 'exhaust-heap@connections/list', NODE_OPTIONS: '--max-old-space-size=96', REWIND_TEST_ENV_SECRET: SECRET });
    expect(await call(shell, 'app/info')).toMatchObject({ shell: 'web' });
    const gone = exited(shell);
    await expect(call(shell, 'connections/list', {}, 60_000)).rejects.toThrow();
    const end = await gone;
    expect(end.code !== 0 || end.signal !== null).toBe(true);
    expect(shell.stderr()).toMatch(/heap out of memory/);
    const reports = readdirSync(join(dir, 'crash')).filter((n) => /^report\..*\.json$/.test(n));
    expect(reports).toHaveLength(1);

    const next = await start(dir);
    const crash = (await call(next, 'app/last-crash')) as LastCrash;
    expect(crash.cause.kind).toBe('fatal-error');
    expect(crash.cause.detail).toMatch(/JavaScript heap out of memory/);
    expect(crash.endedAtApproximate).toBe(false);
    expect(crash.callsInFlight.map((c) => c.method)).toEqual(['connections/list']);
    const report = join(dir, 'crash', reports[0]!);
    expect(crash.files).toEqual([join(dir, 'crash', 'crash.log'), report]);
    expect(existsSync(report)).toBe(true);
    // The report is meant to be attached: the environment it recorded (which may hold tokens) is taken out.
    expect(crashFolderText(dir)).not.toContain(SECRET);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ header: { event: expect.stringMatching(/heap out of memory/) } });
  });
});
