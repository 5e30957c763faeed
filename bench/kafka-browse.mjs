// Browsing a big Kafka topic through Rewind's core, as the browser does it, against kcat on the
// same topic in the same run. The core runs as its own process (the built web shell,
// dist/server/cli.cjs) and is driven over its WebSocket API (per-launch token as a cookie, Origin
// of the page) with the renderer's own client (src/api/client.ts and ws-transport.ts).
//
// - first page: `topics/page`, 100 records from offset N in each of the 6 partitions, against
//   `kcat -o N -c 100 -e`; the same random N for both. Each kcat run is a new process (that is how
//   it is used); Rewind's connection is warm, as it is once a topic is open: one unmeasured
//   warm-up each first (Rewind's, which connects to the broker, is printed above the table).
// - search: `topics/search` for `$.data.amount > 990` (0.999% of the records) over the whole
//   topic, continued from its positions whenever it stops at its hit limit, in records/s, against
//   kcat consuming the whole topic to the end (`-o beginning -e`, values to /dev/null; its
//   "Reached end" lines on stderr prove each partition was read to its end).
// - peak RSS: VmHWM of the core process, reset (`5` into /proc/<pid>/clear_refs) just before each
//   of its searches and read right after it; the largest is reported. Where the reset is refused,
//   VmHWM since the process started is reported, and the table says so.
// Runs alternate between Rewind and kcat (and which goes first); medians are compared.
//
// Data: ≈1 KB JSON payment events keyed by customer, 6 partitions, produced with kcat. The
// 1,000,000-record topic `bench-browse-1m-v1` is left on the broker for the next run (delete it
// to start afresh, and bump the -v1 when the records change); a topic for another count is
// deleted at the end, as is everything else the run made. Needs the broker from
// `bash scripts/kafka.sh start` and kcat (`bash scripts/ensure-kcat.sh`); builds first if stale.
// The last line is read by a check: `first page Xx kcat, search Yx kcat, peak RSS Z MB`.
// Usage: node bench/kafka-browse.mjs [records=1000000]
//        BENCH_CPU_PROF=<dir> node bench/kafka-browse.mjs …   (writes the core's CPU profile there)
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../scripts/build.mjs';
import { connectClient, loadClient, startCore } from './core-process.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const { Kafka, logLevel } = require('kafkajs');

const N = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(N) || N < 10_000) throw new Error(`records must be a whole number of at least 10000, not ${process.argv[2]}`);
const PORT = Number(process.env.REWIND_KAFKA_PORT ?? 19092);
const BROKER = `127.0.0.1:${PORT}`;
const KEEP = N === 1_000_000;
const TOPIC = KEEP ? 'bench-browse-1m-v1' : `bench-browse-${N}-v1`;
const PARTITIONS = 6;
const PAGE = 100;
const PAGE_RUNS = 9;
const SEARCH_RUNS = 3;
const FILTER = '$.data.amount > 990';
const HIT_LIMIT = 10_000;

// --- Data -----------------------------------------------------------------------------------------

/** 0.00 … 999.99, each value once per 100,000 records (7919 is prime to 100,000): 0.999% above 990. */
const amountOf = (i) => ((i * 7919) % 100_000) / 100;
const expectedHits = () => {
  let n = 0;
  for (let i = 0; i < N; i++) if (amountOf(i) > 990) n++;
  return n;
};

const TYPES = ['PaymentCaptured', 'PaymentAuthorized', 'PaymentRefunded'];
const COUNTRIES = ['DE', 'FR', 'NL', 'ES', 'IT', 'AT', 'BE', 'PL'];
const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth'];
/** Text for the padding, from xorshift32: varied like real text (whatever a compressor would make of it). */
const NOISE = (() => {
  let x = 0x9e3779b9;
  const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
  return Array.from({ length: 4096 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789 '[next() % 37]).join('');
})();
const VALUE_BYTES = 1024;

/** One `key|value` line for kcat: a realistic event, padded to exactly VALUE_BYTES. */
function line(i) {
  const c = i % 4099;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const items = Array.from({ length: 1 + (i % 3) }, (_, k) => `{"sku":"SKU-${(i * 31 + k) % 9973}","qty":${1 + ((i + k) % 4)},"price":${((i * 13 + k * 7) % 5000) / 100}}`).join(',');
  const head =
    `{"id":${i},"type":"${TYPES[i % 3]}","occurredAt":"${at}","data":{"paymentId":"pay_${i.toString(36)}","orderId":"ord_${(i * 7).toString(36)}",` +
    `"amount":${amountOf(i)},"currency":"EUR","method":"card","card":{"brand":"visa","last4":"${String(i % 10000).padStart(4, '0')}"},` +
    `"customer":{"id":"C-${c}","name":"${NAMES[c % NAMES.length]}","email":"customer${c}@example.com","country":"${COUNTRIES[c % COUNTRIES.length]}","tier":"${c % 5 === 0 ? 'gold' : 'standard'}"},` +
    `"items":[${items}]},"pad":"`;
  const start = (i * 37) % 2048;
  return `customer-${c}|${head}${NOISE.slice(start, start + VALUE_BYTES - head.length - 2)}"}\n`;
}

/** Pipes N lines into `kcat -P`, waiting for the pipe whenever kcat falls behind. */
async function produce() {
  const kcat = spawn('kcat', ['-b', BROKER, '-P', '-t', TOPIC, '-K', '|', '-X', 'linger.ms=20', '-X', 'batch.size=1000000'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  kcat.stderr.on('data', (c) => (err += c));
  const exited = once(kcat, 'exit');
  for (let i = 0; i < N; i += 1000) {
    let chunk = '';
    for (let j = i; j < Math.min(N, i + 1000); j++) chunk += line(j);
    if (!kcat.stdin.write(chunk)) await once(kcat.stdin, 'drain');
  }
  kcat.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`kcat -P exited with ${code}: ${err}`);
}

/** Each partition's watermarks, or null when there is no such topic. */
async function spans(admin) {
  if (!(await admin.listTopics()).includes(TOPIC)) return null;
  return (await admin.fetchTopicOffsets(TOPIC)).map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
}
const total = (s) => s.reduce((n, p) => n + p.high - p.low, 0);

/** The topic as the bench needs it: reused when complete, else made again from nothing. */
async function ensureTopic(admin) {
  const found = await spans(admin);
  if (found && found.length === PARTITIONS && total(found) === N) return { spans: found, reused: true };
  if (found) await deleteTopic(admin);
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
  const t = performance.now();
  await produce();
  const made = await spans(admin);
  if (total(made) !== N) throw new Error(`produced ${N} records but ${TOPIC} holds ${total(made)}`);
  return { spans: made, reused: false, seconds: (performance.now() - t) / 1000 };
}

/** Deletes the topic and waits until its name is free again (deletion is asynchronous). */
async function deleteTopic(admin) {
  await admin.deleteTopics({ topics: [TOPIC], timeout: 30_000 });
  const end = Date.now() + 60_000;
  while ((await admin.listTopics()).includes(TOPIC)) {
    if (Date.now() > end) throw new Error(`${TOPIC} is still there a minute after its deletion`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// --- Rewind's core: its own process, spoken to as the browser does ---------------------------------

// --- Measurements -------------------------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const everyPartition = (offset) => Object.fromEntries(Array.from({ length: PARTITIONS }, (_, p) => [String(p), String(offset)]));

async function rewindPage(client, connectionId, offset) {
  const t = performance.now();
  const page = await client.call('topics/page', {
    connectionId,
    topic: TOPIC,
    partitions: null,
    from: { type: 'offsets', value: everyPartition(offset) },
    direction: 'forward',
    limit: PAGE,
    isolation: 'read_committed',
  });
  const ms = performance.now() - t;
  if (page.records.length !== PAGE) throw new Error(`topics/page at ${offset} gave ${page.records.length} records`);
  if (page.records.some((r) => Number(r.position) < offset)) throw new Error(`topics/page at ${offset} gave a record before it`);
  return ms;
}

function kcatPage(offset) {
  const t = performance.now();
  const r = spawnSync('kcat', ['-b', BROKER, '-C', '-t', TOPIC, '-o', String(offset), '-c', String(PAGE), '-e', '-q'], { maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  const lines = r.stdout.reduce((n, b) => n + (b === 10), 0);
  if (r.status !== 0 || lines !== PAGE) throw new Error(`kcat -o ${offset} -c ${PAGE} exited with ${r.status} after ${lines} records: ${r.stderr}`);
  return ms;
}

/** Linux's peak resident set size of a process, in MB; `reset` starts a new peak from now. */
const peak = {
  reset(pid) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  },
  read: (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024,
};

/** The whole topic searched, continued from its positions until complete; every record counted. */
async function rewindSearch(client, connectionId, pid, hitsWanted) {
  const resetOk = peak.reset(pid);
  const t = performance.now();
  let from = { type: 'start' };
  let to = null;
  let scanned = 0;
  let hits = 0;
  let streamed = 0;
  let calls = 0;
  for (;;) {
    const s = await client.stream(
      'topics/search',
      { connectionId, topic: TOPIC, partitions: null, from, to, filter: { json: FILTER }, limit: HIT_LIMIT, isolation: 'read_committed' },
      {
        onBatch: (items) => {
          for (const it of items) if (it.kind === 'hits') streamed += it.records.length;
        },
      },
    );
    calls++;
    scanned += s.scanned;
    hits += s.hits;
    if (s.stopped) throw new Error(`the search stopped: ${s.stopped.message}`);
    if (s.complete) break;
    if (s.hits < HIT_LIMIT) throw new Error(`the search ended incomplete with ${s.hits} hits, below its limit`);
    from = { type: 'offsets', value: s.positions };
    to = s.ends;
  }
  const seconds = (performance.now() - t) / 1000;
  if (scanned !== N) throw new Error(`the search scanned ${scanned} records of ${N}`);
  if (hits !== hitsWanted || streamed !== hits) throw new Error(`the search found ${hits} hits (${streamed} streamed), expected ${hitsWanted}`);
  return { seconds, rate: N / seconds, hits, calls, peakMB: peak.read(pid), peakSinceStart: !resetOk };
}

/** kcat reads every partition to its end, values to /dev/null; its stderr says where each ended. */
function kcatAll(topicSpans) {
  const devnull = openSync('/dev/null', 'w');
  const t = performance.now();
  const r = spawnSync('kcat', ['-b', BROKER, '-C', '-t', TOPIC, '-o', 'beginning', '-e'], { stdio: ['ignore', devnull, 'pipe'] });
  const seconds = (performance.now() - t) / 1000;
  closeSync(devnull);
  const err = r.stderr.toString();
  const ended = new Map([...err.matchAll(/Reached end of topic \S+ \[(\d+)\] at offset (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
  if (r.status !== 0 || topicSpans.some((s) => ended.get(s.partition) !== s.high)) throw new Error(`kcat did not read ${TOPIC} to its end (exit ${r.status}): ${err}`);
  return { seconds, rate: N / seconds };
}

// --- The run --------------------------------------------------------------------------------------

const pad = (v, n) => String(v).padStart(n);
const fmtRate = (r) => Math.round(r).toLocaleString('en-US');

/** Which tool goes first alternates, so neither always reads what the other just brought into the cache. */
async function pair(i, rewind, kcat) {
  if (i % 2 === 0) {
    const r = await rewind();
    return { rewind: r, kcat: kcat() };
  }
  const k = kcat();
  return { rewind: await rewind(), kcat: k };
}

async function pageRuns(client, connectionId, topicSpans) {
  // Random offsets that leave a full page in every partition; the same ones for both tools.
  const room = Math.min(...topicSpans.map((s) => s.high)) - PAGE;
  const offsets = Array.from({ length: PAGE_RUNS }, () => Math.floor(Math.random() * room));
  const coldMs = await rewindPage(client, connectionId, 0);
  kcatPage(0);
  console.log(`\nfirst page: ${PAGE} records from offset N of each of ${PARTITIONS} partitions (Rewind's first call, connecting: ${coldMs.toFixed(1)} ms)`);
  console.log(' run   offset  rewind ms  kcat ms');
  const runs = [];
  for (const [i, offset] of offsets.entries()) {
    const run = await pair(
      i,
      () => rewindPage(client, connectionId, offset),
      () => kcatPage(offset),
    );
    runs.push(run);
    console.log(`${pad(i + 1, 4)} ${pad(offset, 8)} ${pad(run.rewind.toFixed(1), 10)} ${pad(run.kcat.toFixed(1), 8)}`);
  }
  return runs;
}

async function searchRuns(client, connectionId, pid, topicSpans, hitsWanted) {
  console.log(`\nsearch: ${FILTER} over ${N.toLocaleString('en-US')} records, against kcat reading them all`);
  console.log(' run  rewind s  rewind rec/s   hits  calls  peak RSS MB   kcat s    kcat rec/s');
  const runs = [];
  for (let i = 0; i < SEARCH_RUNS; i++) {
    const run = await pair(
      i,
      () => rewindSearch(client, connectionId, pid, hitsWanted),
      () => kcatAll(topicSpans),
    );
    runs.push(run);
    const { rewind: r, kcat: k } = run;
    console.log(
      `${pad(i + 1, 4)} ${pad(r.seconds.toFixed(2), 9)} ${pad(fmtRate(r.rate), 13)} ${pad(r.hits, 6)} ${pad(r.calls, 6)} ${pad(r.peakMB.toFixed(0), 12)} ${pad(k.seconds.toFixed(2), 8)} ${pad(fmtRate(k.rate), 13)}`,
    );
  }
  if (runs.some((r) => r.rewind.peakSinceStart)) console.log('(peak RSS could not be reset before each search: it is the peak since the core started)');
  return runs;
}

/** Both measurements against one core process, stopped (quietly) before anything is returned. */
async function measure(topicSpans, hitsWanted) {
  const api = loadClient();
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-bench-browse-'));
  const core = await startCore(dataDir);
  let conn = null;
  try {
    conn = await connectClient(api, core.url);
    const { client } = conn;
    const { id: connectionId } = await client.call('connections/save', { kind: 'kafka', name: 'bench', host: '127.0.0.1', port: PORT, tls: false, username: '', sasl: 'none' });
    const pages = await pageRuns(client, connectionId, topicSpans);
    const searches = await searchRuns(client, connectionId, core.pid, topicSpans, hitsWanted);
    const pageRewind = median(pages.map((p) => p.rewind));
    const pageKcat = median(pages.map((p) => p.kcat));
    const rateRewind = median(searches.map((s) => s.rewind.rate));
    const rateKcat = median(searches.map((s) => s.kcat.rate));
    console.log(`\nmedians: first page ${pageRewind.toFixed(1)} ms vs kcat ${pageKcat.toFixed(1)} ms; search ${fmtRate(rateRewind)} vs kcat ${fmtRate(rateKcat)} records/s`);
    return { x: pageRewind / pageKcat, y: rateRewind / rateKcat, z: Math.max(...searches.map((s) => s.rewind.peakMB)) };
  } catch (e) {
    if (core.stderr()) console.error(`the core's stderr:\n${core.stderr()}`);
    throw e;
  } finally {
    conn?.close();
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  if (spawnSync('kcat', ['-V']).status !== 0) throw new Error('kcat is missing: bash scripts/ensure-kcat.sh');
  await build({ ifStale: true });
  if (!existsSync(join(root, 'dist', 'server', 'cli.cjs'))) throw new Error('dist/server/cli.cjs is missing after the build');

  const kafka = new Kafka({ clientId: 'rewind-bench', brokers: [BROKER], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topic = await ensureTopic(admin);
    const sizes = topic.spans.map((s) => s.high - s.low).join(' / ');
    console.log(
      `${TOPIC}: ${N.toLocaleString('en-US')} × ${VALUE_BYTES} B JSON records in ${PARTITIONS} partitions (${sizes}), ${topic.reused ? 'reused' : `produced with kcat in ${topic.seconds.toFixed(1)} s`}`,
    );
    return await measure(topic.spans, expectedHits());
  } finally {
    if (!KEEP) await deleteTopic(admin).catch((e) => console.error(`could not delete ${TOPIC}: ${e.message}`));
    await admin.disconnect();
  }
}

const started = performance.now();
const { x, y, z } = await main();
console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
console.log(`first page ${x.toFixed(2)}x kcat, search ${y.toFixed(2)}x kcat, peak RSS ${Math.round(z)} MB`);
