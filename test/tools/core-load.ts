import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { batchAround, varint } from './kafka-batch';
import { produceRaw } from './kafka-raw-produce';
import { createTopic, deleteTopics, kcatProduceLines, KEEP_HISTORY } from './kafka-tools';
import { createVhost, deleteVhost, management } from './rabbit-tools';

/**
 * The heaviest calls a user (or a third party's data) can start, run together against one core
 * while a trivial call is asked every 20 ms: how long that call waits is what every other window
 * and tab waits. Shared by test/integration/core-latency.test.ts and bench/core-latency.mjs.
 *
 * - a RabbitMQ vhost of 5,000 queues and 20,000 bindings under an operator's policy whose pattern
 *   backtracks exponentially (`^(a+)+$`) on an exchange name made for it: the map, the sidebar,
 *   dead letters;
 * - a whole-topic search of 300,000 records that finds nothing (every record looked at);
 * - a gzip batch that decompresses to 1 GB (gzip declares no size: only decompressing finds out;
 *   a zstd bomb is refused from its block headers without work), compressed by the gzip tool and
 *   written to Kafka by a raw Produce request.
 */

/** The part of the API client the load uses (the real client, over whichever transport). */
export interface LoadClient {
  call(method: string, params: unknown): Promise<unknown>;
  stream(method: string, params: unknown, handlers?: { onBatch?: (items: unknown[]) => void }): Promise<unknown>;
}

export interface CoreLoad {
  vhost: string;
  searchTopic: string;
  bombTopic: string;
  records: number;
  /** Seconds each part took to make, for the bench's log. */
  made: Record<string, number>;
}

const KAFKA_PORT = Number(process.env.REWIND_KAFKA_PORT ?? 19092);
const QUEUES = 5_000;
const BINDINGS = 20_000;
const RECORDS = 300_000;
export const EVIL_PATTERN = '^(a+)+$';
/** A name the pattern backtracks on for minutes in a backtracking engine (31 a's, then `!`). */
const EVIL_NAME = 'a'.repeat(31) + '!';

/** Bytes of gzip that decompress to one record with a 1 GB value of zeros, made by the gzip tool. */
async function gzipBomb(valueBytes: number): Promise<{ compressed: Buffer; recordBytes: number }> {
  const valueHead = varint(valueBytes);
  // attributes, timestamp delta, offset delta, key (null), value length; the value; no headers.
  const innerLength = 1 + 1 + 1 + 1 + valueHead.length + valueBytes + 1;
  const head = Buffer.concat([varint(innerLength), Buffer.from([0]), varint(0), varint(0), varint(-1), valueHead]);
  const child = spawn('gzip', ['-c', '-1'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  const ended = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const write = (b: Buffer) => new Promise<void>((resolve, reject) => child.stdin.write(b, (e) => (e ? reject(e) : resolve())));
  await write(head);
  const zeros = Buffer.alloc(1 << 20);
  for (let left = valueBytes; left > 0; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  await write(Buffer.from([0]));
  child.stdin.end();
  if ((await ended) !== 0) throw new Error('gzip failed to compress the bomb');
  return { compressed: Buffer.concat(out), recordBytes: head.length + valueBytes + 1 };
}

export async function prepareCoreLoad(): Promise<CoreLoad> {
  const tag = randomBytes(3).toString('hex');
  const load: CoreLoad = { vhost: `load-${tag}`, searchTopic: `load-search-${tag}`, bombTopic: `load-bomb-${tag}`, records: RECORDS, made: {} };
  let t = performance.now();
  const took = (part: string) => {
    load.made[part] = Math.round((performance.now() - t) / 100) / 10;
    t = performance.now();
  };
  // The vhost, through the management API's definitions import (as an operator's export is loaded).
  await createVhost(load.vhost);
  const exchanges = [EVIL_NAME, ...Array.from({ length: 49 }, (_, i) => `x-${i}`)].map((name, i) => ({
    name,
    vhost: load.vhost,
    type: i % 2 ? 'topic' : 'direct',
    durable: true,
    auto_delete: false,
    internal: false,
    arguments: {},
  }));
  const queues = Array.from({ length: QUEUES }, (_, i) => ({
    // Sixty names the pattern matches (RabbitMQ applies the policy) and the rest it refuses at
    // once; one evil name is enough, as RabbitMQ's own backtracking engine spends 0.1 s on each.
    name: i < 60 ? 'a'.repeat(i + 1) : `q-${i}`,
    vhost: load.vhost,
    durable: true,
    auto_delete: false,
    arguments: i % 10 === 0 ? { 'x-dead-letter-exchange': 'x-0' } : {},
  }));
  const bindings = [];
  for (let i = 0; i < QUEUES; i++) {
    for (let j = 0; j < BINDINGS / QUEUES; j++) {
      bindings.push({ source: exchanges[(i + j * 7) % exchanges.length]!.name, vhost: load.vhost, destination: queues[i]!.name, destination_type: 'queue', routing_key: `k.${i}.${j}`, arguments: {} });
    }
  }
  const policies = [{ vhost: load.vhost, name: 'evil', pattern: EVIL_PATTERN, 'apply-to': 'all', priority: 0, definition: { 'alternate-exchange': 'x-1', 'message-ttl': 600_000 } }];
  await management('POST', `/definitions/${encodeURIComponent(load.vhost)}`, { exchanges, queues, bindings, policies });
  took('vhost');

  // 300,000 JSON records over three partitions, written by kcat.
  await createTopic(load.searchTopic, {}, 3);
  const lines = Array.from({ length: RECORDS }, (_, i) => `{"type":"OrderPlaced","order":"o-${i}","customer":"c-${i % 977}","amount":${(i * 37) % 1000}}`);
  for (let i = 0; i < lines.length; i += 100_000) kcatProduceLines(load.searchTopic, lines.slice(i, i + 100_000));
  took('search topic');

  // One record whose value is 1 GB of zeros, in a gzip batch of about 1 MB.
  await createTopic(load.bombTopic, { 'max.message.bytes': String(8 << 20), ...KEEP_HISTORY });
  const { compressed } = await gzipBomb(1 << 30);
  await produceRaw(`127.0.0.1:${KAFKA_PORT}`, load.bombTopic, 0, batchAround(compressed, { codec: 1, count: 1, baseOffset: 0n }));
  took('bomb');
  return load;
}

export async function removeCoreLoad(load: CoreLoad): Promise<void> {
  await deleteVhost(load.vhost);
  await deleteTopics([load.searchTopic, load.bombTopic]);
}

export interface LatencyReport {
  /** Each probe's wait, counted from when it was due (so a frozen loop counts between calls too), sorted. */
  waits: number[];
  p50: number;
  p95: number;
  p99: number;
  worst: number;
  /** How many times each heavy call completed, and the last answer or error each gave. */
  lanes: Record<string, { rounds: number; last: string }>;
}

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;

/** Asks `app/info` every 20 ms while `lanes` run (each over and over) for `ms`; none at all when `lanes` is empty. */
export async function latencyUnder(client: LoadClient, lanes: Record<string, () => Promise<string>>, ms: number): Promise<LatencyReport> {
  const until = performance.now() + ms;
  const report: LatencyReport['lanes'] = {};
  const running = Object.entries(lanes).map(async ([name, lane]) => {
    report[name] = { rounds: 0, last: '' };
    // Each lane finishes the round it is in, so every one is counted whole.
    while (performance.now() < until) {
      report[name].last = await lane().catch((e: unknown) => `error: ${e instanceof Error ? e.message : String(e)}`);
      report[name].rounds++;
    }
  });
  const waits: number[] = [];
  let done = false;
  const all = Promise.all(running).finally(() => (done = true));
  // With no lanes (the idle reference) the probe runs for `ms`; otherwise until every lane is done.
  const idle = Object.keys(lanes).length === 0;
  while (idle ? performance.now() < until : !done && performance.now() < until + 120_000) {
    const due = performance.now() + 20;
    await new Promise((r) => setTimeout(r, 20));
    await client.call('app/info', {});
    waits.push(performance.now() - due);
  }
  await all;
  waits.sort((a, b) => a - b);
  return { waits, p50: at(waits, 0.5), p95: at(waits, 0.95), p99: at(waits, 0.99), worst: waits[waits.length - 1] ?? 0, lanes: report };
}

/** The heavy calls, one lane each, for connections saved in the core under test. */
export function heavyLanes(client: LoadClient, load: CoreLoad, ids: { rabbit: string; kafka: string }): Record<string, () => Promise<string>> {
  return {
    topology: async () => {
      const t = (await client.call('rabbit/topology', { connectionId: ids.rabbit, vhost: load.vhost })) as { totals: { queues: number } };
      return `${t.totals.queues} queues`;
    },
    sidebar: async () => {
      const r = (await client.call('resources/list', { connectionId: ids.rabbit })) as { resources: unknown[] };
      await client.call('dead-letters/list', {});
      return `${r.resources.length} resources`;
    },
    search: async () => {
      const s = (await client.stream('topics/search', {
        connectionId: ids.kafka,
        topic: load.searchTopic,
        partitions: null,
        from: { type: 'start' },
        to: null,
        filter: { json: '$.customer == "nobody"' },
        limit: 100,
        isolation: 'read_committed',
      })) as { scanned: number };
      return `${s.scanned} scanned`;
    },
    decompress: async () => {
      const p = (await client.call('topics/page', { connectionId: ids.kafka, topic: load.bombTopic, partitions: null, from: { type: 'start' }, direction: 'forward', limit: 5 })) as {
        records: unknown[];
      };
      return `${p.records.length} records`;
    },
  };
}
