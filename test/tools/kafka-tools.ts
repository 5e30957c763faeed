import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/** Shared by the integration tests and the end-to-end journeys (so no test runner is imported here). */
const KAFKA_BOOTSTRAP = `127.0.0.1:${Number(process.env.REWIND_KAFKA_PORT ?? 19092)}`;

/**
 * Kafka input and oracles made by other tools than Rewind: Debian's kcat (librdkafka) and Kafka's
 * own Java producer, from the jars the test setup fetched. Rewind's code writes none of it.
 */
const LIBS = join(process.env.REWIND_CACHE ?? join(homedir(), '.cache', 'rewind'), 'kafka-3.9.1', 'libs');
const JAVA_PRODUCER = join(__dirname, '..', 'fixtures', 'java', 'ProduceRecords.java');

/**
 * Topic settings for records written with historical times (a fixed T0, a batch stamped in 2023):
 * the broker's default 7-day retention would delete them at its next check (every 5 minutes),
 * in the middle of a test, as it would on any cluster. Connect and Spring keep a record's time when
 * they dead-letter it, so their dead-letter topics need it too.
 */
export const KEEP_HISTORY: Record<string, string> = { 'retention.ms': '-1' };
export const KEEP_HISTORY_ENTRIES = Object.entries(KEEP_HISTORY).map(([name, value]) => ({ name, value }));

export async function createTopic(topic: string, configs: Record<string, string> = {}, partitions = 1): Promise<void> {
  const admin = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

export interface KcatMessage {
  /** Absent: no key. */
  key?: string;
  /** `name=value`, or `name` alone for a header without a value. */
  headers?: string[];
  value: Buffer;
}

/** One message per kcat run, from a file, so any bytes (and an empty value) go through unchanged. */
export function kcatProduce(topic: string, messages: KcatMessage[], options: { codec?: string; partition?: number } = {}): void {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-kcat-'));
  try {
    messages.forEach((m, i) => {
      const file = join(dir, `m${i}`);
      writeFileSync(file, m.value);
      const args = ['-b', KAFKA_BOOTSTRAP, '-P', '-t', topic, '-p', String(options.partition ?? 0), '-X', 'message.max.bytes=16000000', '-X', 'linger.ms=0'];
      if (options.codec) args.push('-z', options.codec);
      if (m.key !== undefined) args.push('-k', m.key);
      for (const h of m.headers ?? []) args.push('-H', h);
      args.push(file);
      execFileSync('kcat', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Many records at once through kcat's line mode: one record per line, `key<TAB>value` when keyed.
 * Without a partition, librdkafka's partitioner spreads them (keyless: at random).
 */
export function kcatProduceLines(topic: string, lines: string[], options: { keyed?: boolean; partition?: number } = {}): void {
  const args = ['-b', KAFKA_BOOTSTRAP, '-P', '-t', topic, '-X', 'linger.ms=20', '-X', 'batch.num.messages=10000'];
  if (options.partition !== undefined) args.push('-p', String(options.partition));
  if (options.keyed) args.push('-K', '\t');
  const out = spawnSync('kcat', args, { input: lines.join('\n') + '\n', maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`kcat failed: ${out.stderr.toString()}`);
}

/** What kcat's consumer sees, each field as the exact bytes the broker holds. */
export interface OracleRecord {
  offset: number;
  tstype: string;
  ts: number;
  headers: [string, Buffer | null][];
  key: Buffer | null;
  payload: Buffer | null;
}

/**
 * `kcat -C -J`: kcat writes key, payload and header values raw inside its JSON strings (escaping
 * only control characters), so reading its output as Latin-1 gives back each byte exactly.
 */
export function kcatConsume(topic: string, options: { partition?: number; isolation?: 'read_committed' | 'read_uncommitted' } = {}): OracleRecord[] {
  const out = spawnSync(
    'kcat',
    [
      '-b',
      KAFKA_BOOTSTRAP,
      '-C',
      '-t',
      topic,
      '-p',
      String(options.partition ?? 0),
      '-o',
      'beginning',
      '-e',
      '-J',
      '-X',
      `isolation.level=${options.isolation ?? 'read_committed'}`,
      '-X',
      'fetch.message.max.bytes=16000000',
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  if (out.status !== 0) throw new Error(`kcat failed: ${out.stderr.toString()}`);
  const bytes = (s: string | null) => (s === null ? null : Buffer.from(s, 'latin1'));
  return out.stdout
    .toString('latin1')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((line) => {
      const j = JSON.parse(line) as { offset: number; tstype: string; ts: number; headers?: (string | null)[]; key: string | null; payload: string | null };
      const headers: [string, Buffer | null][] = [];
      const hs = j.headers ?? [];
      for (let i = 0; i < hs.length; i += 2) headers.push([Buffer.from(hs[i]!, 'latin1').toString('utf8'), bytes(hs[i + 1] ?? null)]);
      return { offset: j.offset, tstype: j.tstype, ts: j.ts, headers, key: bytes(j.key), payload: bytes(j.payload) };
    });
}

export interface JavaRecord {
  partition?: number;
  timestamp?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: [string, Buffer | null][];
}

/** Kafka's Java producer, as JVM services run it; optionally in transactions that commit or abort. */
export function javaProduce(topic: string, batches: { transaction?: 'none' | 'commit' | 'abort'; records: JavaRecord[] }[], config: Record<string, string> = {}): string {
  const b64 = (b: Buffer | null) => (b === null ? null : b.toString('base64'));
  const spec = {
    bootstrap: KAFKA_BOOTSTRAP,
    topic,
    config,
    batches: batches.map((b) => ({
      transaction: b.transaction ?? 'none',
      records: b.records.map((r) => ({ partition: r.partition ?? 0, timestamp: r.timestamp ?? null, key: b64(r.key), value: b64(r.value), headers: (r.headers ?? []).map(([k, v]) => [k, b64(v)]) })),
    })),
  };
  const out = spawnSync('java', ['-Xmx256m', '-cp', `${LIBS}/*`, '-Dlog4j.configuration=file:/dev/null', JAVA_PRODUCER], { input: JSON.stringify(spec), maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`the Java producer failed: ${out.stderr.toString().slice(-2000)}`);
  return out.stdout.toString();
}
