import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatConsume } from '../tools/kafka-tools';
import { connect, depth, waitForDepth } from '../tools/rabbit-tools';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A publish of many copies stops when the user stops or cancels it, and says (in its outcome and
 * in the audit log) exactly how many the broker confirmed; copies are sent in bounded batches, so
 * memory stays bounded, and a publish too large in total is refused before anything is sent.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let rabbitId: string;
let kafkaId: string;
const x = unique('pubstop-x');
const q = unique('pubstop-q');
const big = unique('pubstop-big');
const topic = unique('pubstop-topic');
const bigTopic = unique('pubstop-bigtopic');
const copies = 10_000;
const body = JSON.stringify({ pad: 'x'.repeat(4000) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-publish-stop-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  const { conn, ch } = await connect();
  await ch.assertExchange(x, 'direct', { durable: false });
  await ch.assertQueue(q, { durable: false });
  await ch.assertQueue(big, { durable: false });
  await ch.bindQueue(q, x, 'k');
  await ch.bindQueue(big, x, 'big');
  await conn.close();
  await createTopic(topic, {}, 1);
  await createTopic(bigTopic, { 'max.message.bytes': String(4 * 1024 * 1024) }, 1);
});

afterAll(async () => {
  await context.close();
  const { conn, ch } = await connect();
  for (const name of [q, big]) await ch.deleteQueue(name).catch(() => undefined);
  await ch.deleteExchange(x).catch(() => undefined);
  await conn.close();
  await deleteTopics([topic, bigTopic]);
  rmSync(dir, { recursive: true, force: true });
});

const message = (text: string) => ({ payload: { format: 'json' as const, text }, headers: [] });

/** The newest publish entry of the audit log, once the core has written it. */
async function lastPublishEntry(after: number): Promise<Record<string, unknown>> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const { entries } = await client.call('audit/list', { actions: ['publish'], limit: 1 });
    if (entries[0] && entries[0].id > after) return entries[0].detail as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no publish was audited');
}
const lastAuditId = async () => (await client.call('audit/list', { limit: 1 })).entries[0]?.id ?? 0;

/** Samples the process's buffer memory while `work` runs; resolves with the peak above the start. */
async function peakBuffers(work: () => Promise<unknown>): Promise<number> {
  global.gc?.();
  const start = process.memoryUsage().arrayBuffers;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().arrayBuffers) - start;
}

describe('cancelling or stopping a publish of many copies', () => {
  it('RabbitMQ: cancelled at 150 ms, it stops sending, and the audit says how many the broker confirmed', async () => {
    const before = await lastAuditId();
    const c = new AbortController();
    setTimeout(() => c.abort(), 150);
    const answer = await client
      .stream('publish/send', { connectionId: rabbitId, target: { kind: 'exchange', vhost: '/', exchange: x, routingKey: 'k' }, message: message(body), count: copies }, { signal: c.signal })
      .catch((e: unknown) => e);
    expect((answer as ApiCallError).code).toBe('cancelled');
    const entry = await lastPublishEntry(before);
    expect(entry).toMatchObject({ requested: copies, stoppedBy: 'cancel' });
    const sent = entry['sent'] as number;
    expect(sent).toBeLessThan(copies);
    expect(entry['summary']).toMatch(new RegExp(`^${sent.toLocaleString('en-US')} of 10,000 messages`));
    // Exactly the confirmed ones reached the queue, and nothing more arrives later.
    const { conn, ch } = await connect();
    await waitForDepth(ch, q, sent);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await depth(ch, q)).toBe(sent);
    await ch.purgeQueue(q);
    await conn.close();
  });

  it('RabbitMQ: Stop ends it with an outcome that says how many of how many were confirmed', async () => {
    const before = await lastAuditId();
    let runId: string | null = null;
    const outcome = await client.stream(
      'publish/send',
      { connectionId: rabbitId, target: { kind: 'exchange', vhost: '/', exchange: x, routingKey: 'k' }, message: message(body), count: copies },
      {
        onBatch: (items) => {
          for (const item of items) {
            if (item.kind === 'started') runId = item.runId;
            if (item.kind === 'progress' && item.sent > 0 && runId) void client.call('publish/stop', { runId });
          }
        },
      },
    );
    expect(outcome).toMatchObject({ stoppedBy: 'stop', requested: copies, routed: true });
    expect(outcome.sent).toBeGreaterThan(0);
    expect(outcome.sent).toBeLessThan(copies);
    const entry = await lastPublishEntry(before);
    expect(entry).toMatchObject({ sent: outcome.sent, requested: copies, stoppedBy: 'stop' });
    const { conn, ch } = await connect();
    await waitForDepth(ch, q, outcome.sent);
    await ch.purgeQueue(q);
    await conn.close();
  });

  it('Kafka: cancelled after its first batch, the topic holds exactly the records the audit says were produced', async () => {
    const before = await lastAuditId();
    const c = new AbortController();
    setTimeout(() => c.abort(), 2000);
    const answer = await client
      .stream(
        'publish/send',
        { connectionId: kafkaId, target: { kind: 'topic', topic, partition: 0 }, message: message(body), count: copies },
        { signal: c.signal, onBatch: (items) => items.some((i) => i.kind === 'progress' && i.sent > 0) && c.abort() },
      )
      .catch((e: unknown) => e);
    expect((answer as ApiCallError).code).toBe('cancelled');
    const entry = await lastPublishEntry(before);
    expect(entry).toMatchObject({ requested: copies, stoppedBy: 'cancel' });
    const sent = entry['sent'] as number;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(copies);
    expect(kcatConsume(topic)).toHaveLength(sent);
  });
});

describe('memory and size', () => {
  it('refuses a publish larger than the limit in total, says how to raise it, and sends nothing', async () => {
    const three = JSON.stringify({ pad: 'y'.repeat(3 * 1024 * 1024) });
    const e = (await client
      .stream('publish/send', { connectionId: rabbitId, target: { kind: 'exchange', vhost: '/', exchange: x, routingKey: 'big' }, message: message(three), count: 100 })
      .catch((err: unknown) => err)) as ApiCallError;
    expect(e.code).toBe('limit');
    expect(e.message).toMatch(/300 MB.*256 MB/);
    expect(e.hint).toMatch(/REWIND_PUBLISH_MAX_MB/);
    const { conn, ch } = await connect();
    expect(await depth(ch, big)).toBe(0);
    await conn.close();
  });

  it('RabbitMQ: 120 copies of 2 MB are sent in bounded batches, not built all at once', async () => {
    const two = JSON.stringify({ pad: 'z'.repeat(2 * 1024 * 1024) });
    let outcome: { sent: number } | null = null;
    const peak = await peakBuffers(async () => {
      outcome = await client.stream('publish/send', { connectionId: rabbitId, target: { kind: 'exchange', vhost: '/', exchange: x, routingKey: 'big' }, message: message(two), count: 120 });
    });
    expect(outcome).toMatchObject({ sent: 120, stoppedBy: 'done' });
    expect(peak).toBeLessThan(96 * 1024 * 1024);
    const { conn, ch } = await connect();
    await waitForDepth(ch, big, 120);
    await ch.purgeQueue(big);
    await conn.close();
  });

  it('Kafka: 120 copies of 2 MB are produced in bounded batches, each acknowledged', async () => {
    const two = JSON.stringify({ pad: 'z'.repeat(2 * 1024 * 1024) });
    let outcome: { sent: number; offsets: unknown[] } | null = null;
    const peak = await peakBuffers(async () => {
      outcome = await client.stream('publish/send', { connectionId: kafkaId, target: { kind: 'topic', topic: bigTopic, partition: 0 }, message: message(two), count: 120 });
    });
    expect(outcome).toMatchObject({ sent: 120, stoppedBy: 'done' });
    expect(peak).toBeLessThan(96 * 1024 * 1024);
    expect(kcatConsume(bigTopic)).toHaveLength(120);
  });
});
