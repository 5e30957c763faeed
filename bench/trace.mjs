// Tracing one conversation across three 1,000,000-record Kafka topics within a one-hour window,
// through Rewind's core as the browser drives it (`trace/run`), against kcat reading the same window
// of the same three topics (`-o s@<from ms> -o e@<to ms>`: offsets found by time), in the same run.
//
// - data: three topics `bench-trace-{a,b,c}-v2`, 3 partitions, 1,000,000 records each, their
//   timestamps spread evenly over ten hours (so about 100,000 records per topic fall in any hour);
//   each a hand-rolled JSON envelope (eventId, eventType, correlationId, data) written by kafkajs with
//   the record's own timestamp, in batches of about 130 records (a Java producer's 16 KB). Five records per topic in the fifth hour carry the conversation's
//   correlation id; every other record has its own. Kept (retention off) for the next run.
// - Rewind: `trace/run` on that correlation id, the fifth hour as its window, the three topics;
//   it must find exactly the 15 members.
// - kcat: one process per topic, all three at once (Rewind reads the three topics at once too),
//   `-C -o s@<from> -o e@<to> -e`, values to /dev/null; the wall time of the three.
// Runs alternate between the two (and which goes first); medians are compared.
// Needs the broker (`bash scripts/kafka.sh start`) and kcat (`bash scripts/ensure-kcat.sh start`).
// The last line is read by a check: `trace Xx kcat window` (Rewind's time over kcat's; the goal is ≤ 2x).
// Usage: node bench/trace.mjs
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../scripts/build.mjs';
import { connectClient, loadClient, startCore } from './core-process.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const { Kafka, logLevel } = require('kafkajs');

const N = 1_000_000;
const PORT = Number(process.env.REWIND_KAFKA_PORT ?? 19092);
const BROKER = `127.0.0.1:${PORT}`;
const TOPICS = ['bench-trace-a-v2', 'bench-trace-b-v2', 'bench-trace-c-v2'];
/** Records a send: about 130 a partition's batch, about the 16 KB a Java producer's batch.size holds of these. */
const SEND = 400;
const PARTITIONS = 3;
const RUNS = 3;
const HOUR = 3_600_000;
/** The first record's time: a fixed day, so the topics made once are found again by the same window. */
const BASE = Date.parse('2026-11-02T00:00:00Z');
const STEP = (10 * HOUR) / N;
const WINDOW = { from: BASE + 4 * HOUR, to: BASE + 5 * HOUR };
const CONVERSATION = 'bench-conversation-7';
/** Which records (by number) in each topic carry the conversation: five in the window. */
const MEMBERS = [410_000, 420_123, 433_333, 460_000, 495_000];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function record(topic, i) {
  const mine = MEMBERS.includes(i);
  const value = JSON.stringify({
    eventId: `${topic}-${i}`,
    eventType: mine ? 'OrderStep' : 'Clicked',
    correlationId: mine ? CONVERSATION : `c-${topic}-${i}`,
    data: { n: i, page: `/shop/items/${i % 977}` },
  });
  return { key: `k-${i % 10_000}`, value, timestamp: String(Math.floor(BASE + i * STEP)), partition: i % PARTITIONS };
}

/** The three topics, made once: a topic that already holds N records is kept. */
async function ensureTopics() {
  const kafka = new Kafka({ clientId: 'bench-trace', brokers: [BROKER], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const made = [];
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of TOPICS) {
      if (existing.has(topic)) {
        const offsets = await admin.fetchTopicOffsets(topic);
        const count = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
        if (count === N) continue;
        await admin.deleteTopics({ topics: [topic] });
        await new Promise((r) => setTimeout(r, 2000));
      }
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] }], waitForLeaders: true });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const t = performance.now();
      for (let i = 0; i < N; i += SEND) {
        const messages = [];
        for (let j = i; j < Math.min(N, i + SEND); j++) messages.push(record(topic, j));
        await producer.send({ topic, acks: -1, messages });
      }
      await producer.disconnect();
      made.push(`${topic} written in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
  } finally {
    await admin.disconnect();
  }
  return made;
}

async function rewindTrace(client, connectionId) {
  const t = performance.now();
  const members = [];
  const summary = await client.stream(
    'trace/run',
    {
      key: { by: 'correlation', value: CONVERSATION },
      origin: {
        where: { connectionId, connectionName: 'bench', resourceType: 'kafka-topic', resource: TOPICS[0], vhost: null },
        position: '0',
        partition: 0,
        time: new Date(WINDOW.from + HOUR / 2).toISOString(),
      },
      window: { from: new Date(WINDOW.from).toISOString(), to: new Date(WINDOW.to).toISOString() },
      connectionIds: [connectionId],
      only: { [connectionId]: TOPICS },
      bound: 10_000,
    },
    { onBatch: (items) => items.forEach((it) => it.kind === 'members' && members.push(...it.members)) },
  );
  const seconds = (performance.now() - t) / 1000;
  const source = summary.sources[0];
  if (source.state !== 'done') throw new Error(`the trace did not finish its source: ${source.state} ${source.message ?? ''}`);
  const want = TOPICS.flatMap((topic) => MEMBERS.map((i) => `${topic}-${i}`)).sort();
  const got = members.map((m) => m.record.id).sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`the trace found ${got.length} members, not the ${want.length} expected: ${got.slice(0, 20).join(', ')}`);
  return { seconds, scanned: source.scanned };
}

/** kcat reading each topic's window at once, one process per topic; the records it read. */
async function kcatWindow() {
  const t = performance.now();
  const counts = await Promise.all(
    TOPICS.map(
      (topic) =>
        new Promise((resolve, reject) => {
          const child = spawn('kcat', ['-b', BROKER, '-C', '-t', topic, '-o', `s@${WINDOW.from}`, '-o', `e@${WINDOW.to}`, '-e', '-q', '-f', '%o\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
          let lines = 0;
          let err = '';
          child.stdout.on('data', (c) => {
            for (const b of c) if (b === 10) lines++;
          });
          child.stderr.on('data', (c) => (err += c));
          child.on('close', (code) => (code === 0 ? resolve(lines) : reject(new Error(`kcat ended with ${code} on ${topic}: ${err}`))));
        }),
    ),
  );
  return { seconds: (performance.now() - t) / 1000, records: counts.reduce((a, b) => a + b, 0) };
}

const pad = (v, n) => String(v).padStart(n);

async function main() {
  if (spawnSync('kcat', ['-V']).status !== 0) throw new Error('kcat is missing: bash scripts/ensure-kcat.sh start');
  await build({ ifStale: true });
  const made = await ensureTopics();
  console.log(`${TOPICS.join(', ')}: ${N.toLocaleString('en-US')} records each over ten hours; ${made.length ? made.join('; ') : 'reused'}`);
  const api = loadClient();
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-bench-trace-'));
  const core = await startCore(dataDir);
  let conn = null;
  try {
    conn = await connectClient(api, core.url);
    const { client } = conn;
    const { id } = await client.call('connections/save', { kind: 'kafka', name: 'bench', host: '127.0.0.1', port: PORT, tls: false, username: '', sasl: 'none' });
    console.log(`\ntrace ${CONVERSATION} within ${new Date(WINDOW.from).toISOString()} – ${new Date(WINDOW.to).toISOString()}, against kcat reading that window (s@ / e@)`);
    console.log(' run  rewind s  rewind read   kcat s   kcat read');
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      let r;
      let k;
      if (i % 2 === 0) {
        r = await rewindTrace(client, id);
        k = await kcatWindow();
      } else {
        k = await kcatWindow();
        r = await rewindTrace(client, id);
      }
      runs.push({ r, k });
      console.log(`${pad(i + 1, 4)} ${pad(r.seconds.toFixed(2), 9)} ${pad(r.scanned.toLocaleString('en-US'), 12)} ${pad(k.seconds.toFixed(2), 8)} ${pad(k.records.toLocaleString('en-US'), 11)}`);
    }
    const rewind = median(runs.map((x) => x.r.seconds));
    const kcat = median(runs.map((x) => x.k.seconds));
    console.log(`\nmedians: trace ${rewind.toFixed(2)} s vs kcat ${kcat.toFixed(2)} s for the same window of three topics`);
    return rewind / kcat;
  } catch (e) {
    if (core.stderr()) console.error(`the core's stderr:\n${core.stderr()}`);
    throw e;
  } finally {
    conn?.close();
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const ratio = await main();
console.log(`trace ${ratio.toFixed(2)}x kcat window`);
