import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createTopic, KEEP_HISTORY } from './kafka-tools';

/**
 * Real frameworks writing Kafka dead letters for the tests: Spring Kafka's
 * DeadLetterPublishingRecoverer and a Kafka Connect standalone worker's dead-letter queue. Their
 * jars come from Maven Central through scripts/frameworks.sh, which the test setups run once;
 * Rewind's code writes none of what they produce. Shared by the integration tests and the journeys.
 */
const BOOTSTRAP = `127.0.0.1:${Number(process.env.REWIND_KAFKA_PORT ?? 19092)}`;
const CACHE = process.env.REWIND_CACHE ?? join(homedir(), '.cache', 'rewind');
const FIXTURES = join(__dirname, '..', 'fixtures', 'java');

function libs(name: 'spring-kafka' | 'kafka-connect'): string {
  const dir = join(CACHE, name, 'libs');
  if (!existsSync(join(dir, '.complete'))) throw new Error(`${name}'s jars are not in ${dir}: the test setup fetches them (bash scripts/frameworks.sh fetch ${name})`);
  return dir;
}

/** Runs a JVM to its end; rejects with the tail of its output when it fails or overruns. */
function java(args: string[], input: string | null, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`java ${args.at(-1)} ended with ${code ?? 'a kill'}:\n${out.slice(-3000)}`));
    });
    child.stdin.end(input ?? '');
  });
}

export interface SpringFailure {
  exception: 'IllegalStateException' | 'IllegalArgumentException';
  message: string;
}

/**
 * A Spring Kafka 4.1.2 listener container reads `topic` as group `group` (JSON values through
 * ErrorHandlingDeserializer) and throws for the keys in `failures`; after two retries its
 * DeadLetterPublishingRecoverer writes each failed record to `<topic>-dlt` (create it first, with
 * as many partitions: Spring keeps the partition). A value that is not JSON dies in deserialization.
 * Resolves once the group has committed the end of the topic.
 */
export async function springDeadLetters(spec: { topic: string; group: string; failures: Record<string, SpringFailure> }): Promise<void> {
  const input = JSON.stringify({ bootstrap: BOOTSTRAP, ...spec });
  await java(['-Xmx256m', '-cp', `${libs('spring-kafka')}/*`, join(FIXTURES, 'SpringDeadLetters.java')], input, 180_000);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function records(topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'rewind-test', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } catch {
    return 0; // not created yet
  } finally {
    await admin.disconnect();
  }
}

/**
 * A Kafka Connect 3.9.1 standalone worker (loopback REST listener) runs FileStreamSinkConnector
 * over `topic` with JsonConverter values, `errors.tolerance=all` and a dead-letter queue with its
 * context headers: every record that is not JSON lands in `dlq`, written by Connect itself.
 * Resolves once `dlq` holds `expected` records and the worker is gone.
 */
export async function connectDeadLetters(spec: { topic: string; dlq: string; connector: string; expected: number }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-connect-'));
  const port = await freePort();
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const worker = file(
    'worker.properties',
    [
      `bootstrap.servers=${BOOTSTRAP}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable=false',
      `offset.storage.file.filename=${join(dir, 'offsets')}`,
      'offset.flush.interval.ms=1000',
      `listeners=http://127.0.0.1:${port}`,
    ].join('\n'),
  );
  const connector = file(
    'connector.properties',
    [
      `name=${spec.connector}`,
      'connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector',
      'tasks.max=1',
      `topics=${spec.topic}`,
      `file=${join(dir, 'sink.txt')}`,
      'errors.tolerance=all',
      `errors.deadletterqueue.topic.name=${spec.dlq}`,
      'errors.deadletterqueue.topic.replication.factor=1',
      'errors.deadletterqueue.context.headers.enable=true',
    ].join('\n'),
  );
  const log4j = file(
    'log4j.properties',
    'log4j.rootLogger=WARN, file\nlog4j.appender.file=org.apache.log4j.FileAppender\nlog4j.appender.file.File=' +
      join(dir, 'connect.log') +
      '\nlog4j.appender.file.layout=org.apache.log4j.PatternLayout\n',
  );
  // Connect keeps each record's time in its dead letter: a topic of its own making would drop back-dated ones at the next retention check.
  await createTopic(spec.dlq, KEEP_HISTORY);
  const child = spawn('java', ['-Xmx384m', `-Dlog4j.configuration=file:${log4j}`, '-cp', `${libs('kafka-connect')}/*`, 'org.apache.kafka.connect.cli.ConnectStandalone', worker, connector], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let ended = false;
  void exited.then(() => (ended = true));
  try {
    const deadline = Date.now() + 200_000;
    while ((await records(spec.dlq)) < spec.expected) {
      if (ended || Date.now() > deadline) {
        const log = existsSync(join(dir, 'connect.log')) ? readFileSync(join(dir, 'connect.log'), 'utf8') : '';
        throw new Error(`Kafka Connect wrote fewer than ${spec.expected} dead letters to ${spec.dlq}${ended ? ' and exited' : ' in 200 s'}:\n${(out + log).slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    // Its state is thrown away: no graceful stop needed (that takes seconds).
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
