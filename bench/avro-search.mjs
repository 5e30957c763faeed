// A whole-topic search for `$.amount > 990` over a 1,000,000-record Avro topic in the registry's wire
// format (magic byte 0, schema id, Avro binary), through Rewind's core as the browser drives it, against
// `kcat -C -e` reading the same topic raw to its end, in the same run.
//
// - data: the records are written by Apicurio Registry's own AvroKafkaSerializer (Confluent-compatible
//   mode, lz4 batches, 6 partitions) against the test registry (test/fixtures/java/AvroBenchTopic.java);
//   the topic `bench-avro-1m-v1` is kept for the next run. The generator is seeded: the Java program
//   replays it to say how many records are over 990, and the search must find exactly that many.
// - Rewind: a Kafka connection with the registry's URL, `topics/search` continued from its positions
//   whenever it stops at its hit limit, every record decoded from Avro (the schema fetched once);
// - kcat: `-C -o beginning -e`, values to /dev/null; its "Reached end" lines prove every partition was read.
// Runs alternate between the two (and which goes first); medians are compared.
// Needs the broker (`bash scripts/kafka.sh start`), the registry (`bash scripts/registry.sh start`),
// Apicurio's serializers (`bash scripts/frameworks.sh fetch apicurio-serdes`) and kcat.
// The last line is read by a check: `avro search Xx kcat`.
// Usage: node bench/avro-search.mjs [records=1000000]
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../scripts/build.mjs';
import { connectClient, loadClient, startCore } from './core-process.mjs';

const root = join(import.meta.dirname, '..');
const N = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(N) || N < 10_000) throw new Error(`records must be a whole number of at least 10000, not ${process.argv[2]}`);
const PORT = Number(process.env.REWIND_KAFKA_PORT ?? 19092);
const BROKER = `127.0.0.1:${PORT}`;
const REGISTRY = `http://127.0.0.1:${Number(process.env.REWIND_REGISTRY_PORT ?? 18081)}`;
const TOPIC = N === 1_000_000 ? 'bench-avro-1m-v1' : `bench-avro-${N}-v1`;
const PARTITIONS = 6;
const RUNS = 3;
const FILTER = '$.amount > 990';
const HIT_LIMIT = 10_000;
const CACHE = process.env.REWIND_CACHE ?? join(homedir(), '.cache', 'rewind');

/** The topic as Apicurio's serializer wrote it: made once, reused while the registry still serves its schema. */
function ensureTopic() {
  const libs = join(CACHE, 'apicurio-serdes', 'libs');
  if (!existsSync(join(libs, '.complete'))) throw new Error(`Apicurio's serializers are not in ${libs}: bash scripts/frameworks.sh fetch apicurio-serdes`);
  const java = join(root, 'test', 'fixtures', 'java', 'AvroBenchTopic.java');
  const r = spawnSync('java', ['-Xmx512m', '-cp', `${libs}/*`, java, BROKER, REGISTRY, TOPIC, String(N), String(PARTITIONS)], { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`AvroBenchTopic ended with ${r.status}: ${(r.stdout + r.stderr).slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function rewindSearch(client, connectionId, hitsWanted) {
  const t = performance.now();
  let from = { type: 'start' };
  let to = null;
  let scanned = 0;
  let hits = 0;
  let decoded = 0;
  for (;;) {
    const s = await client.stream(
      'topics/search',
      { connectionId, topic: TOPIC, partitions: null, from, to, filter: { json: FILTER }, limit: HIT_LIMIT, isolation: 'read_committed' },
      {
        onBatch: (items) => {
          for (const it of items) if (it.kind === 'hits') for (const r of it.records) if (r.decoded?.decoder === 'Avro' && JSON.parse(r.decoded.text).amount > 990) decoded++;
        },
      },
    );
    scanned += s.scanned;
    hits += s.hits;
    if (s.stopped) throw new Error(`the search stopped: ${s.stopped.message}`);
    if (s.complete) break;
    from = { type: 'offsets', value: s.positions };
    to = s.ends;
  }
  const seconds = (performance.now() - t) / 1000;
  if (scanned !== N) throw new Error(`the search scanned ${scanned} records of ${N}`);
  // Every hit came back decoded from Avro, over 990, and as many as the generator made.
  if (hits !== hitsWanted || decoded !== hits) throw new Error(`the search found ${hits} hits (${decoded} decoded over 990), expected ${hitsWanted}`);
  return { seconds, rate: N / seconds, hits };
}

function kcatAll() {
  const devnull = openSync('/dev/null', 'w');
  const t = performance.now();
  const r = spawnSync('kcat', ['-b', BROKER, '-C', '-t', TOPIC, '-o', 'beginning', '-e'], { stdio: ['ignore', devnull, 'pipe'] });
  const seconds = (performance.now() - t) / 1000;
  closeSync(devnull);
  const err = r.stderr.toString();
  const ended = [...err.matchAll(/Reached end of topic \S+ \[(\d+)\] at offset (\d+)/g)];
  if (r.status !== 0 || ended.length !== PARTITIONS) throw new Error(`kcat did not read ${TOPIC} to its end (exit ${r.status}): ${err}`);
  return { seconds, rate: N / seconds };
}

const pad = (v, n) => String(v).padStart(n);
const fmtRate = (r) => Math.round(r).toLocaleString('en-US');

async function main() {
  if (spawnSync('kcat', ['-V']).status !== 0) throw new Error('kcat is missing: bash scripts/ensure-kcat.sh');
  await build({ ifStale: true });
  const topic = ensureTopic();
  if (topic.records !== N) throw new Error(`${TOPIC} holds ${topic.records} records, not ${N}`);
  console.log(
    `${TOPIC}: ${N.toLocaleString('en-US')} Avro records (schema id ${topic.schemaId}, ${topic.subject}), ${topic.made ? `written in ${topic.seconds} s` : 'reused'}; ${topic.over990} with amount > 990`,
  );
  const api = loadClient();
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-bench-avro-'));
  const core = await startCore(dataDir);
  let conn = null;
  try {
    conn = await connectClient(api, core.url);
    const { client } = conn;
    const { id } = await client.call('connections/save', {
      kind: 'kafka',
      name: 'bench',
      host: '127.0.0.1',
      port: PORT,
      tls: false,
      username: '',
      sasl: 'none',
      registry: { url: REGISTRY, username: '' },
    });
    console.log(`\nsearch: ${FILTER} over ${N.toLocaleString('en-US')} Avro records, against kcat reading them raw`);
    console.log(' run  rewind s  rewind rec/s   hits   kcat s    kcat rec/s');
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      let r;
      let k;
      if (i % 2 === 0) {
        r = await rewindSearch(client, id, topic.over990);
        k = kcatAll();
      } else {
        k = kcatAll();
        r = await rewindSearch(client, id, topic.over990);
      }
      runs.push({ r, k });
      console.log(`${pad(i + 1, 4)} ${pad(r.seconds.toFixed(2), 9)} ${pad(fmtRate(r.rate), 13)} ${pad(r.hits, 6)} ${pad(k.seconds.toFixed(2), 8)} ${pad(fmtRate(k.rate), 13)}`);
    }
    const rewind = median(runs.map((x) => x.r.rate));
    const kcat = median(runs.map((x) => x.k.rate));
    console.log(`\nmedians: search ${fmtRate(rewind)} vs kcat ${fmtRate(kcat)} records/s`);
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
console.log(`avro search ${ratio.toFixed(2)}x kcat`);
