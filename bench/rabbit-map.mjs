// Listing a vhost with 5,000 queues and 20,000 bindings: Rewind's rabbit/topology (every queue
// with its effective settings, every binding, the dead-letter links) against `rabbitmqctl
// list_queues name type messages consumers` + `rabbitmqctl list_bindings` for the same vhost,
// measured in the same run (median of 3 after a warm-up). The vhost is made through the
// management API's definitions import and deleted afterwards. When bench/rabbit-stream-read.mjs
// is there, its measureStreamRead() gives the stream half of the last line, which a check reads:
//   topology Xx rabbitmqctl, stream read Yx client
// Usage: node bench/rabbit-map.mjs   (needs `bash scripts/rabbitmq.sh start`; builds its own
// bundle of the core from source into node_modules/.cache, never into dist/)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_CORE, bundleCore } from './core-bundle.mjs';

const root = join(import.meta.dirname, '..');
const { createAppContext, MemorySecretStore } = bundleCore('rabbit-map', APP_CORE);

const QUEUES = 5_000;
const BINDINGS = 20_000;
const EXCHANGES = 50;
const AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');
const vhost = `bench-map-${Math.random().toString(16).slice(2, 8)}`;
const api = async (method, path, body) => {
  const r = await fetch(`http://127.0.0.1:15672/api${path}`, { method, headers: { authorization: AUTH, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!r.ok && r.status !== 404) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
};
const ctl = (args) =>
  execFileSync(process.getuid?.() === 0 ? 'rabbitmqctl' : 'sudo', [...(process.getuid?.() === 0 ? [] : ['rabbitmqctl']), ...args, '-q'], { maxBuffer: 512 * 1024 * 1024 }).toString();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-map-'));
let context;
try {
  // --- Data: a vhost of 50 exchanges, 5,000 queues (a tenth with a DLX and TTL), 20,000 bindings ---
  let t = performance.now();
  await api('PUT', `/vhosts/${encodeURIComponent(vhost)}`, {});
  await api('PUT', `/permissions/${encodeURIComponent(vhost)}/guest`, { configure: '.*', write: '.*', read: '.*' });
  const exchanges = Array.from({ length: EXCHANGES }, (_, i) => ({ name: `x-${i}`, vhost, type: i % 2 ? 'topic' : 'direct', durable: true, auto_delete: false, internal: false, arguments: {} }));
  const queues = Array.from({ length: QUEUES }, (_, i) => ({
    name: `q-${i}`,
    vhost,
    durable: true,
    auto_delete: false,
    arguments: i % 10 === 0 ? { 'x-dead-letter-exchange': 'x-0', 'x-message-ttl': 60_000 } : {},
  }));
  const bindings = [];
  for (let i = 0; i < QUEUES; i++)
    for (let j = 0; j < BINDINGS / QUEUES; j++)
      bindings.push({ source: `x-${(i + j * 7) % EXCHANGES}`, vhost, destination: `q-${i}`, destination_type: 'queue', routing_key: `k.${i}.${j}`, arguments: {} });
  await api('POST', `/definitions/${encodeURIComponent(vhost)}`, { exchanges, queues, bindings, policies: [] });
  console.log(`vhost ${vhost}: ${QUEUES} queues, ${BINDINGS} bindings, ${EXCHANGES} exchanges imported in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // --- Rewind: rabbit/topology through the core's handlers, everything in one page ---
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'bench' });
  const profile = await context.handlers['connections/save'](
    { kind: 'rabbitmq', name: 'bench', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost, managementPort: 15672 },
    { signal: new AbortController().signal },
  );
  const list = () =>
    context.handlers['rabbit/topology']({ connectionId: profile.id, vhost, page: { offset: 0, limit: 50_000 }, includeDefaultBindings: false }, { signal: new AbortController().signal });
  const first = await list();
  if (first.queues.length !== QUEUES || first.bindings.length !== BINDINGS) throw new Error(`Rewind listed ${first.queues.length} queues and ${first.bindings.length} bindings`);
  const rewind = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    await list();
    rewind.push(performance.now() - t);
  }
  console.log(`Rewind rabbit/topology: ${rewind.map((x) => x.toFixed(0)).join(', ')} ms (${first.deadLetterLinks.length} dead-letter links)`);

  // --- rabbitmqctl: list_queues + list_bindings for the same vhost ---
  const lines = ctl(['list_bindings', '-p', vhost]).trim().split('\n').length;
  if (lines < BINDINGS) throw new Error(`rabbitmqctl listed ${lines} bindings`);
  const reference = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    ctl(['list_queues', '-p', vhost, 'name', 'type', 'messages', 'consumers']);
    ctl(['list_bindings', '-p', vhost]);
    reference.push(performance.now() - t);
  }
  console.log(`rabbitmqctl list_queues + list_bindings: ${reference.map((x) => x.toFixed(0)).join(', ')} ms`);
  const ratio = median(rewind) / median(reference);

  // --- The stream half, from the stream-read bench when it is there ---
  const streamBench = join(root, 'bench', 'rabbit-stream-read.mjs');
  let stream = null;
  if (existsSync(streamBench)) {
    const { measureStreamRead } = await import(pathToFileURL(streamBench).href);
    stream = (await measureStreamRead()).ratio;
  } else {
    console.log('bench/rabbit-stream-read.mjs is not there: the stream half is left out');
  }
  console.log(stream === null ? `topology ${ratio.toFixed(2)}x rabbitmqctl` : `topology ${ratio.toFixed(2)}x rabbitmqctl, stream read ${stream.toFixed(2)}x client`);
} finally {
  await context?.close();
  await api('DELETE', `/vhosts/${encodeURIComponent(vhost)}`).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
