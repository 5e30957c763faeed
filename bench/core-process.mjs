// Rewind's core as its own process (the built web shell, dist/server/cli.cjs), driven over its
// WebSocket API as the browser drives it: the per-launch token as a cookie, the page's Origin, the
// renderer's own client (src/api/client.ts and ws-transport.ts). Shared by the benches that compare
// the core with kcat.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleCore } from './core-bundle.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const WebSocket = require('ws');

/** The renderer's API client, bundled from src/ for Node. */
export function loadClient() {
  return bundleCore('browse-client', "export { createClient } from './src/api/client'; export { createWsTransport } from './src/api/ws-transport';");
}

/** Starts `node dist/server/cli.cjs` and waits for the address it prints (with its token). */
export async function startCore(dataDir) {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, join(root, 'dist', 'server', 'cli.cjs'), '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const m = /Rewind web shell: (\S+)/.exec(out);
      if (m) resolve(new URL(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the web shell exited with ${code}: ${err}`)));
  });
  return {
    pid: child.pid,
    url,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      // It closes its connections first; one that hangs must not hang the bench.
      const hung = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(hung);
    },
  };
}

/** A socket that never opens: what the transport gets when it tries to reconnect after we closed. */
const NEVER = { readyState: 3, send() {}, close() {}, onopen: null, onclose: null, onerror: null, onmessage: null };

/** The client over a WebSocket that presents the page's Origin and the token cookie, as a browser does. */
export async function connectClient({ createClient, createWsTransport }, url) {
  const origin = `${url.protocol}//${url.host}`;
  const headers = { origin, cookie: `rewind_token=${encodeURIComponent(url.searchParams.get('token'))}` };
  let closing = false;
  let socket = null;
  let client = null;
  const open = (u) => (closing ? NEVER : (socket = new WebSocket(u, { headers })));
  const transport = createWsTransport(`ws://${url.host}/api`, open, {
    onDisconnect: (reason) => closing || client.failAll(reason),
  });
  client = createClient(transport);
  await client.ready();
  return {
    client,
    close() {
      closing = true;
      socket?.close();
    },
  };
}
