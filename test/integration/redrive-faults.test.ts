import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Channel, ChannelModel } from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { RedriveOutcome } from '../../src/model/redrive';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { kcatConsume } from '../tools/kafka-tools';
import { closeConnectionsOf, connect, drain, waitForDepth } from '../tools/rabbit-tools';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Faults in the middle of moving 20,000 dead letters: Rewind's connection closed by the broker
 * at several points, the RabbitMQ app stopped and started, the Kafka broker frozen. Afterwards
 * every message is counted by id: zero lost, and what Rewind reported in both places is exactly
 * what is in both places.
 */
const N = 20_000;
const run = promisify(execFile);
const asRoot = (cmd: string, args: string[]) => (process.getuid?.() === 0 ? run(cmd, args) : run('sudo', [cmd, ...args]));

let dir: string;
let context: AppContext;
let client: RewindClient;
let conn: ChannelModel;
let ch: Channel;
let rabbitId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-faults-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  ({ conn, ch } = await connect());
});

afterAll(async () => {
  await context.close();
  await conn?.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** 20,000 persistent messages that a consumer rejected: the broker dead-lettered each one. */
async function deadLetters(home: string, dlq: string): Promise<void> {
  await ch.assertQueue(dlq, { durable: true });
  await ch.assertQueue(home, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq } });
  const pad = 'x'.repeat(1000);
  for (let i = 0; i < N; i++) ch.sendToQueue(home, Buffer.from(`m-${String(i).padStart(6, '0')} ${pad}`), { persistent: true });
  await waitForDepth(ch, home, N, 120_000);
  const consumer = await conn.createChannel();
  await consumer.prefetch(500);
  await consumer.consume(home, (m) => m && consumer.nack(m, false, false));
  await waitForDepth(ch, dlq, N, 120_000);
  await consumer.close();
}

/** Every message id found in the two queues, and how many times each. */
async function census(home: string, dlq: string): Promise<{ missing: number; duplicates: number; atHome: number; inDlq: number }> {
  const counts = new Map<string, number>();
  const atHome = await drain(ch, home);
  const inDlq = await drain(ch, dlq);
  for (const m of [...atHome, ...inDlq]) {
    const id = m.content.toString().slice(0, 8);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of counts.values()) duplicates += n - 1;
  return { missing: N - counts.size, duplicates, atHome: atHome.length, inDlq: inDlq.length };
}

/** A redrive paced (2,000 messages/s by default) (so the fault lands mid-move), struck once 2,000 have moved. */
async function redriveWithFault(dlq: string, fault: () => Promise<unknown>, at = 2_000, rate = 2_000): Promise<{ outcome: RedriveOutcome; struck: Promise<unknown> | null }> {
  let struck: Promise<unknown> | null = null;
  const outcome = await client.stream(
    'dead-letters/redrive',
    {
      connectionId: rabbitId,
      ref: { type: 'rabbit-queue', vhost: '/', name: dlq },
      selection: { all: true },
      target: { kind: 'origin' },
      confirmedCount: N,
      options: { ratePerSecond: rate, restoreTtl: false, partitioning: 'key', keepTimestamp: true },
    },
    {
      onBatch: (items) => {
        for (const i of items) if (i.kind === 'progress' && i.moved >= at && !struck) struck = fault();
      },
    },
  );
  return { outcome, struck };
}

describe('faults while redriving 20,000 RabbitMQ dead letters', () => {
  // The management API lists a new connection only at its next statistics tick (every 5 s).
  const closeRewind = async () => {
    for (let i = 0; i < 100 && (await closeConnectionsOf(/"connection_name":"Rewind"/)) === 0; i++) await new Promise((r) => setTimeout(r, 100));
  };

  for (const at of [1_000, 9_000, 16_000]) {
    it(`the broker closes Rewind's connection after ${at.toLocaleString('en-US')} moved: zero lost, what is in both places is exactly what was reported`, async () => {
      const home = unique('fault-home');
      const dlq = unique('fault-dlq');
      await deadLetters(home, dlq);
      try {
        const { outcome } = await redriveWithFault(dlq, closeRewind, at, 4_000);
        expect(outcome.stoppedBy).toBe('error');
        expect(outcome.error?.code).toBe('network');
        expect(outcome.moved).toBeGreaterThan(0);
        const c = await census(home, dlq);
        console.log(
          `connection closed after ${at}:`,
          JSON.stringify({ outcome: { moved: outcome.moved, duplicates: outcome.duplicates, uncertain: outcome.uncertain, settled: outcome.settled, first: outcome.inBothPlaces[0] }, census: c }),
        );
        expect(c.missing).toBe(0);
        // The queues are nobody else's: Rewind could look at everything that was in flight.
        expect(outcome.uncertain).toBe(0);
        expect(c.duplicates).toBe(outcome.duplicates);
        expect(outcome.inBothPlaces).toHaveLength(outcome.duplicates);
        expect(c.atHome).toBe(outcome.moved);
        expect(outcome.summary).toMatch(/The connection dropped with messages in flight/);
      } finally {
        await ch.deleteQueue(home).catch(() => undefined);
        await ch.deleteQueue(dlq).catch(() => undefined);
      }
    }, 300_000);
  }

  it('the RabbitMQ app is stopped mid-move and started again 5 s later: zero lost, in-flight settled once it is back', async () => {
    const home = unique('fault-home');
    const dlq = unique('fault-dlq');
    await deadLetters(home, dlq);
    let restarted: Promise<unknown> | null = null;
    try {
      const { outcome, struck } = await redriveWithFault(dlq, async () => {
        await asRoot('rabbitmqctl', ['stop_app']);
        restarted = new Promise((r) => setTimeout(r, 5_000)).then(async () => {
          await asRoot('rabbitmqctl', ['start_app']);
          await asRoot('rabbitmqctl', ['await_startup']);
        });
      });
      await struck;
      await restarted;
      expect(outcome.stoppedBy).toBe('error');
      ({ conn, ch } = await connect());
      const c = await census(home, dlq);
      console.log('stop_app mid-redrive:', JSON.stringify({ outcome: { moved: outcome.moved, duplicates: outcome.duplicates, uncertain: outcome.uncertain, settled: outcome.settled }, census: c }));
      expect(c.missing).toBe(0);
      expect(c.duplicates).toBeGreaterThanOrEqual(outcome.duplicates);
      expect(c.duplicates).toBeLessThanOrEqual(outcome.duplicates + outcome.uncertain);
      expect(c.atHome).toBeGreaterThanOrEqual(outcome.moved);
    } finally {
      await restarted;
      await asRoot('rabbitmqctl', ['start_app']).catch(() => undefined);
      await asRoot('rabbitmqctl', ['await_startup']).catch(() => undefined);
      ({ conn, ch } = await connect());
      await ch.deleteQueue(home).catch(() => undefined);
      await ch.deleteQueue(dlq).catch(() => undefined);
    }
  }, 300_000);
});

describe('a Kafka broker that stops mid-redrive', () => {
  const K = 10_000;
  it('ends the redrive with network, having lost nothing: the DLT keeps every record, the target holds what was confirmed', async () => {
    const kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
    const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const origin = unique('fault-origin');
    const dlt = unique('fault-origin.DLT');
    await admin.createTopics({ topics: [{ topic: origin }, { topic: dlt }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    for (let b = 0; b < 10; b++) {
      await producer.send({ topic: dlt, messages: Array.from({ length: 1000 }, (_, i) => ({ key: `k${b * 1000 + i}`, value: `r-${b * 1000 + i}`, headers: { 'kafka_dlt-original-topic': origin } })) });
    }
    await producer.disconnect();
    const pidFile = join(process.env.REWIND_CACHE ?? join(homedir(), '.cache', 'rewind'), 'kafka-3.9.1', `run-${KAFKA_PORT}`, 'broker.pid');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    let frozen = false;
    try {
      const outcome = await client.stream(
        'dead-letters/redrive',
        { connectionId: kafkaId, ref: { type: 'kafka-topic', name: dlt }, selection: { all: true }, target: { kind: 'origin' }, confirmedCount: K },
        {
          onBatch: (items) => {
            if (!frozen && items.some((i) => i.kind === 'progress' && i.moved >= 2_000)) {
              frozen = true;
              process.kill(pid, 'SIGSTOP');
            }
          },
        },
      );
      process.kill(pid, 'SIGCONT');
      expect(outcome.stoppedBy).toBe('error');
      expect(outcome.error?.code).toBe('network');
      const atOrigin = kcatConsume(origin).length;
      console.log('Kafka frozen mid-redrive:', JSON.stringify({ moved: outcome.moved, uncertain: outcome.uncertain, atOrigin }));
      expect(kcatConsume(dlt)).toHaveLength(K);
      expect(atOrigin).toBeGreaterThanOrEqual(outcome.moved);
      expect(atOrigin).toBeLessThanOrEqual(outcome.moved + outcome.uncertain);
    } finally {
      process.kill(pid, 'SIGCONT');
      await admin.deleteTopics({ topics: [origin, dlt] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 120_000);
});
