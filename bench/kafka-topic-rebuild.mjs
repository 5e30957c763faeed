// Rebuilding the balance projection over a whole Kafka topic (four partitions merged in
// timestamp order) against the same records in a one-partition topic (no merge), and against
// kcat reading the four-partition topic to the end without doing anything with it. Ratios,
// measured in the same run, are the result. Needs the broker from `bash scripts/kafka.sh start`.
// Usage: node bench/kafka-topic-rebuild.mjs [records=200000]   (after `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { APP_CORE, bundleCore } from './core-bundle.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
// Beside the built server: the projection worker is found next to it.
const { createAppContext, MemorySecretStore, EXAMPLES } = bundleCore('kafka', `${APP_CORE} export { EXAMPLES } from './src/projections/examples';`, { besideServer: true });
const { Kafka, logLevel } = require('kafkajs');

const N = Number(process.argv[2] ?? 200_000);
const PORT = Number(process.env.REWIND_KAFKA_PORT ?? 19092);
const suffix = Math.random().toString(16).slice(2, 8);
const one = `bench-one-${suffix}`;
const four = `bench-four-${suffix}`;

// --- Data: N banking records over 1,000 accounts, keyed by account ------------------------------
const kafka = new Kafka({ clientId: 'rewind-bench', brokers: [`127.0.0.1:${PORT}`], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  topics: [
    { topic: one, numPartitions: 1 },
    { topic: four, numPartitions: 4 },
  ],
  waitForLeaders: true,
});
const producer = kafka.producer();
await producer.connect();
let t = performance.now();
const base = Date.parse('2026-01-01T00:00:00Z');
for (let start = 0; start < N; start += 5_000) {
  const messages = [];
  for (let i = start; i < Math.min(N, start + 5_000); i++) {
    const a = i % 1000;
    const type = i % 3 === 0 ? 'MoneyWithdrawn' : 'MoneyDeposited';
    messages.push({ key: `account-A-${a}`, value: JSON.stringify({ accountId: `A-${a}`, amount: i % 100 }), headers: { type }, timestamp: String(base + i * 10) });
  }
  await producer.sendBatch({
    topicMessages: [
      { topic: one, messages },
      { topic: four, messages },
    ],
  });
}
await producer.disconnect();
console.log(`produced ${N.toLocaleString('en-US')} records to each topic in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-kafka-'));
const context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'bench' });
const h = context.handlers;
const ctx = { signal: new AbortController().signal, batch() {}, progress() {} };
const { id: connectionId } = await h['connections/save']({ kind: 'kafka', name: 'bench', host: '127.0.0.1', port: PORT, tls: false, username: '', sasl: 'none' }, ctx);
const code = EXAMPLES.find((e) => e.name === 'Account balances').source;

async function rebuild(target) {
  const t0 = performance.now();
  const r = await h['projections/rebuild']({ code, source: { connectionId, target, from: { type: 'start' }, to: null } }, ctx);
  const s = (performance.now() - t0) / 1000;
  if (r.processed !== N) throw new Error(`expected ${N} records, the run processed ${r.processed}`);
  await h['projections/close']({ runId: r.runId }, ctx);
  return { s, rate: N / s, state: JSON.stringify(r.state) };
}

function kcat() {
  if (spawnSync('kcat', ['-V']).status !== 0) return null;
  const t0 = performance.now();
  execFileSync('kcat', ['-b', `127.0.0.1:${PORT}`, '-C', '-t', four, '-o', 'beginning', '-e', '-q', '-f', '%s\n'], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
  const s = (performance.now() - t0) / 1000;
  return { s, rate: N / s };
}

const rows = [];
for (let round = 0; round < 2; round++) {
  const partition = await rebuild({ type: 'kafka-partition', topic: one, partition: 0 });
  const whole = await rebuild({ type: 'kafka-topic', topic: four });
  if (whole.state !== partition.state) throw new Error('the merged topic gave another state than the single partition');
  rows.push({ partition, whole, reference: kcat() });
}
const best = (k) =>
  rows
    .map((r) => r[k])
    .filter(Boolean)
    .sort((a, b) => b.rate - a.rate)[0] ?? null;
const [p, w, k] = [best('partition'), best('whole'), best('reference')];
const f = (x) => `${Math.round(x.rate).toLocaleString('en-US')} records/s (${x.s.toFixed(2)} s)`;
console.log(`one partition, no merge:        ${f(p)}`);
console.log(`four partitions, merged:        ${f(w)}  ${(w.rate / p.rate).toFixed(2)}× the single partition`);
if (k) console.log(`kcat reading the four to the end: ${f(k)}  rebuild over the merged topic is ${(w.rate / k.rate).toFixed(2)}× kcat`);
else console.log('kcat not found (apt-get install kcat) — no kcat reference this run');

await context.close();
rmSync(dir, { recursive: true, force: true });
await admin.deleteTopics({ topics: [one, four] }).catch(() => undefined);
await admin.disconnect();
