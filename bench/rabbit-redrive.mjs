// Redriving 100,000 × 1 KB persistent dead letters, each back to the queue it died in (ten work
// queues behind a topic exchange, from x-death), against RabbitMQ's shovel moving the same number
// of messages with ack-mode on-confirm. Both confirm before they remove. Measured in the same run
// on the local broker; afterwards every message is counted by id (0 left, 0 lost, 0 duplicated, each
// at its own origin) and the bench exits non-zero otherwise. The last line is read by a check.
// Usage: node bench/rabbit-redrive.mjs [messages=100000]   (after `npm run build`; needs
// `bash scripts/rabbitmq.sh start`, which enables the shovel plugin)
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_CORE, bundleCore } from './core-bundle.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const { createAppContext, MemorySecretStore } = bundleCore('rabbit-redrive', APP_CORE);
const amqp = require('amqplib');

const N = Number(process.argv[2] ?? 100_000);
const ORIGINS = 10;
const AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');
const suffix = Math.random().toString(16).slice(2, 8);
const x = `bench-x-${suffix}`;
const dlq = `bench-dlq-${suffix}`;
const works = Array.from({ length: ORIGINS }, (_, i) => `bench-work-${i}-${suffix}`);
const shovelSrc = `bench-shovel-src-${suffix}`;
const shovelDst = `bench-shovel-dst-${suffix}`;
const api = async (method, path, body) => {
  const r = await fetch(`http://127.0.0.1:15672/api${path}`, { method, headers: { authorization: AUTH, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!r.ok && r.status !== 404) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json().catch(() => null);
};

const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
const ch = await conn.createConfirmChannel();
const depth = async (q) => (await ch.checkQueue(q)).messageCount;
const until = async (test, what, ms = 600_000) => {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const body = (i) => Buffer.from(`${String(i).padStart(7, '0')} ${'x'.repeat(1016)}`);

async function publishAll(count, send) {
  for (let i = 0; i < count; i++) {
    send(i);
    if (i % 5000 === 4999) await ch.waitForConfirms();
  }
  await ch.waitForConfirms();
}

// --- Data: N dead letters made by the broker, each from one of ten work queues -----------------
let t = performance.now();
await ch.assertExchange(x, 'topic', { durable: true });
await ch.assertQueue(dlq, { durable: true });
for (const [i, q] of works.entries()) {
  await ch.assertQueue(q, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq } });
  await ch.bindQueue(q, x, `order.${i}.*`);
}
await publishAll(N, (i) => ch.publish(x, `order.${i % ORIGINS}.created`, body(i), { persistent: true, messageId: `m-${i}` }));
const rejecter = await conn.createChannel();
await rejecter.prefetch(1000);
for (const q of works) await rejecter.consume(q, (m) => m && rejecter.nack(m, false, false));
await until(async () => (await depth(dlq)) === N, 'the dead letters');
await rejecter.close();
// The shovel's input: the same number of 1 KB persistent messages in a plain queue.
await ch.assertQueue(shovelSrc, { durable: true });
await ch.assertQueue(shovelDst, { durable: true });
await publishAll(N, (i) => ch.sendToQueue(shovelSrc, body(i), { persistent: true }));
console.log(`data: ${N} dead letters from ${ORIGINS} origins and ${N} messages for the shovel in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// --- Rewind: redrive all of them to their own origins -------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-'));
const context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'bench' });
const h = context.handlers;
const signal = new AbortController().signal;
const { id } = await h['connections/save'](
  { kind: 'rabbitmq', name: 'bench', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 },
  { signal },
);
t = performance.now();
const outcome = await h['dead-letters/redrive'](
  {
    connectionId: id,
    ref: { type: 'rabbit-queue', vhost: '/', name: dlq },
    selection: { all: true },
    target: { kind: 'origin' },
    options: { restoreTtl: false, ratePerSecond: null, partitioning: 'key', keepTimestamp: true },
    confirmedCount: N,
  },
  { signal, batch: () => undefined, progress: () => undefined },
);
const redriveSeconds = (performance.now() - t) / 1000;
const redriveRate = outcome.moved / redriveSeconds;
console.log(`rewind: ${outcome.summary}`);

/** Every message id in a queue (taken, as fast as the broker hands them out). */
async function idsIn(q) {
  const expected = await depth(q);
  const ids = [];
  if (expected === 0) return ids;
  const c = await conn.createChannel();
  await c.prefetch(5000);
  await new Promise((resolve) => {
    void c.consume(q, (m) => {
      if (!m) return;
      ids.push(m.properties.messageId);
      c.ack(m);
      if (ids.length === expected) resolve();
    });
  });
  await c.close();
  return ids;
}
// Every message counted by id: at its own origin (message i went through key order.(i % 10)), once.
const seen = new Map();
let misplaced = 0;
for (const [i, q] of works.entries()) {
  for (const mid of await idsIn(q)) {
    seen.set(mid, (seen.get(mid) ?? 0) + 1);
    if (Number(mid.slice(2)) % ORIGINS !== i) misplaced++;
  }
}
const leftIds = await idsIn(dlq);
for (const mid of leftIds) seen.set(mid, (seen.get(mid) ?? 0) + 1);
const left = leftIds.length;
const lost = N - seen.size;
const duplicated = [...seen.values()].reduce((n, c) => n + c - 1, 0);
console.log(
  `rewind: moved ${outcome.moved} in ${redriveSeconds.toFixed(2)} s (${Math.round(redriveRate)} msg/s); ${left} left in the DLQ, ${lost} lost, ${duplicated} duplicated, ${misplaced} at a queue they did not die in`,
);
const problems = [];
if (outcome.stoppedBy !== 'done' || outcome.moved !== N) problems.push(`the redrive stopped early: ${JSON.stringify({ stoppedBy: outcome.stoppedBy, moved: outcome.moved, error: outcome.error })}`);
if (left || lost || duplicated || misplaced) problems.push(`${left} left, ${lost} lost, ${duplicated} duplicated, ${misplaced} misplaced`);

// --- The shovel: move the same number, on-confirm --------------------------------------------
t = performance.now();
await api('PUT', `/parameters/shovel/%2F/bench-${suffix}`, {
  value: {
    'src-protocol': 'amqp091',
    'src-uri': 'amqp://',
    'src-queue': shovelSrc,
    'dest-protocol': 'amqp091',
    'dest-uri': 'amqp://',
    'dest-queue': shovelDst,
    'ack-mode': 'on-confirm',
    'src-delete-after': 'queue-length',
  },
});
await until(async () => (await depth(shovelDst)) >= N, 'the shovel');
const shovelSeconds = (performance.now() - t) / 1000;
const shovelRate = N / shovelSeconds;
console.log(`shovel: moved ${N} in ${shovelSeconds.toFixed(2)} s (${Math.round(shovelRate)} msg/s)`);

// --- Clean up -----------------------------------------------------------------------------------
await api('DELETE', `/parameters/shovel/%2F/bench-${suffix}`);
for (const q of [...works, dlq, shovelSrc, shovelDst]) await ch.deleteQueue(q).catch(() => undefined);
await ch.deleteExchange(x).catch(() => undefined);
await conn.close();
await context.close();
rmSync(dir, { recursive: true, force: true });

for (const p of problems) console.error(`FAILED: ${p}`);
console.log(`redrive ${Math.round(redriveRate)} msg/s, shovel ${Math.round(shovelRate)} msg/s, ratio ${(redriveRate / shovelRate).toFixed(2)}, lost ${lost}`);
process.exit(problems.length ? 1 : 0);
