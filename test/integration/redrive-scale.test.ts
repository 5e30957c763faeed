import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ParamsOf } from '../../src/api/contract';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { connect, depth, drain, waitForDepth } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Redrives at the scale users have: tens of thousands of dead letters that RabbitMQ itself made
 * (a consumer rejected each one), from several work queues, with and without a rate limit.
 * Afterwards every message is counted by its id in every queue involved.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let conn: ChannelModel;
let ch: Channel;
let rabbitId: string;
const cleanup: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-redrive-scale-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  ({ conn, ch } = await connect());
});

afterAll(async () => {
  await context.close();
  for (const q of cleanup) await ch.deleteQueue(q).catch(() => undefined);
  await conn.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

interface Setup {
  dlq: string;
  origins: string[];
  exchange: string;
}

/** `count` persistent 1 KB messages through a topic exchange into `origins` queues, each rejected by a consumer: the broker dead-letters them. */
async function deadLetters(count: number, originCount: number): Promise<Setup> {
  const dlq = unique('scale-dlq');
  const exchange = unique('scale-x');
  const origins = Array.from({ length: originCount }, (_, i) => unique(`scale-work${i}`));
  cleanup.push(dlq, ...origins);
  await ch.assertExchange(exchange, 'topic', { durable: false, autoDelete: true });
  await ch.assertQueue(dlq, { durable: true });
  for (const [i, q] of origins.entries()) {
    await ch.assertQueue(q, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq } });
    await ch.bindQueue(q, exchange, `job.${i}.#`);
  }
  const pad = 'x'.repeat(1000);
  const pub = await conn.createConfirmChannel();
  for (let i = 0; i < count; i++) {
    pub.publish(exchange, `job.${i % originCount}.run`, Buffer.from(`${String(i).padStart(6, '0')} ${pad}`), { persistent: true, messageId: `m-${i}` });
    if (i % 5_000 === 4_999) await pub.waitForConfirms();
  }
  await pub.waitForConfirms();
  await pub.close();
  const rejecter = await conn.createChannel();
  await rejecter.prefetch(1_000);
  for (const q of origins) await rejecter.consume(q, (m) => m && rejecter.nack(m, false, false));
  await waitForDepth(ch, dlq, count, 120_000);
  await rejecter.close();
  return { dlq, origins, exchange };
}

/** Every message id in the given queues (taken), and how many copies of each. */
async function census(queues: string[]): Promise<{ where: Map<string, string[]>; total: number }> {
  const where = new Map<string, string[]>();
  let total = 0;
  for (const q of queues) {
    for (const m of await drain(ch, q)) {
      total++;
      const id = m.properties.messageId as string;
      where.set(id, [...(where.get(id) ?? []), q]);
    }
  }
  return { where, total };
}

async function redrive(dlq: string, params: Partial<Omit<ParamsOf<'dead-letters/redrive'>, 'connectionId' | 'ref'>>) {
  return client.stream('dead-letters/redrive', {
    connectionId: rabbitId,
    ref: { type: 'rabbit-queue', vhost: '/', name: dlq },
    selection: { all: true },
    target: { kind: 'origin' },
    confirmedCount: 0,
    ...params,
  });
}

describe('redriving tens of thousands of RabbitMQ dead letters', () => {
  it('30,000 from three work queues: every one back in the queue it died in, none left, none twice', async () => {
    const N = 30_000;
    const { dlq, origins } = await deadLetters(N, 3);
    const outcome = await redrive(dlq, { confirmedCount: N });
    expect(outcome).toMatchObject({ looked: N, moved: N, duplicates: 0, uncertain: 0, stoppedBy: 'done', error: null, failures: [] });
    expect(outcome.summary).toMatch(/^Moved all 30,000 messages you confirmed/);
    expect(await depth(ch, dlq)).toBe(0);
    const { where, total } = await census(origins);
    expect(total).toBe(N);
    expect(where.size).toBe(N);
    // Each went home: message i was published with key job.(i % 3).run.
    for (const [id, queues] of where) expect(queues).toEqual([origins[Number(id.slice(2)) % 3]]);
  }, 300_000);

  it('20,000 with a rate limit of 4,000 a second: all moved, paced, nothing lost', async () => {
    const N = 20_000;
    const { dlq, origins } = await deadLetters(N, 2);
    const started = Date.now();
    const outcome = await redrive(dlq, { confirmedCount: N, options: { ratePerSecond: 4_000, restoreTtl: false, partitioning: 'key', keepTimestamp: true } });
    const seconds = (Date.now() - started) / 1000;
    expect(outcome).toMatchObject({ moved: N, duplicates: 0, uncertain: 0, stoppedBy: 'done' });
    // Paced: 20,000 at 4,000/s cannot take less than about 5 s.
    expect(seconds).toBeGreaterThan(4.5);
    expect(await depth(ch, dlq)).toBe(0);
    const { where, total } = await census(origins);
    expect(total).toBe(N);
    expect(where.size).toBe(N);
  }, 300_000);

  it('moves what the dry run showed and the user confirmed, though the dry run’s own peek is still on its way back', async () => {
    const N = 10_000;
    const { dlq, origins } = await deadLetters(N, 2);
    const plan = await client.call('dead-letters/plan', { connectionId: rabbitId, ref: { type: 'rabbit-queue', vhost: '/', name: dlq }, selection: { all: true }, target: { kind: 'origin' } });
    expect(plan.total).toBe(N);
    const outcome = await redrive(dlq, { confirmedCount: plan.total });
    expect(outcome).toMatchObject({ looked: N, moved: N, stoppedBy: 'done' });
    expect(await depth(ch, dlq)).toBe(0);
    expect((await census(origins)).total).toBe(N);
  }, 300_000);

  it('moves no more than confirmed: 5 confirmed of 3,000 moves the first 5, the rest stay in order', async () => {
    const { dlq, origins } = await deadLetters(3_000, 1);
    const outcome = await redrive(dlq, { confirmedCount: 5 });
    expect(outcome).toMatchObject({ looked: 5, moved: 5, stoppedBy: 'done' });
    expect(outcome.summary).toMatch(/^Moved all 5 messages you confirmed/);
    expect((await drain(ch, origins[0]!)).map((m) => m.properties.messageId)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    const left = await drain(ch, dlq);
    expect(left).toHaveLength(2_995);
    expect(left[0]!.properties.messageId).toBe('m-5');
    expect(left[2_994]!.properties.messageId).toBe('m-2999');
  }, 120_000);

  it('an outcome short of the confirmed count says so in words, never as done in full', async () => {
    const { dlq } = await deadLetters(80, 1);
    const outcome = await redrive(dlq, { confirmedCount: 100 });
    expect(outcome).toMatchObject({ moved: 80, stoppedBy: 'emptied', confirmedCount: 100 });
    expect(outcome.summary).toMatch(/Moved 80 of the 100 you confirmed/);
    expect(outcome.summary).toMatch(/20 fewer than confirmed/);
  }, 60_000);
});

describe('redrive to origin goes to the queue the message died in, and nowhere else', () => {
  it('an audit queue bound to the same exchange with # gets nothing; the original route is a choice whose dry run names it', async () => {
    const exchange = unique('pay-x');
    const payments = unique('payments');
    const audit = unique('audit');
    const dlq = unique('payments-dlq');
    cleanup.push(payments, audit, dlq);
    await ch.assertExchange(exchange, 'topic', { durable: false, autoDelete: true });
    await ch.assertQueue(dlq, { durable: true });
    await ch.assertQueue(payments, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq } });
    await ch.assertQueue(audit, { durable: true });
    await ch.bindQueue(payments, exchange, 'payment.*');
    await ch.bindQueue(audit, exchange, '#');
    for (let i = 0; i < 40; i++) ch.publish(exchange, 'payment.captured', Buffer.from(`p${i}`), { messageId: `p-${i}` });
    await waitForDepth(ch, payments, 40);
    await drain(ch, audit);
    const rejecter = await conn.createChannel();
    await rejecter.consume(payments, (m) => m && rejecter.nack(m, false, false));
    await waitForDepth(ch, dlq, 40);
    await rejecter.close();

    const ref = { type: 'rabbit-queue' as const, vhost: '/', name: dlq };
    const byRoute = await client.call('dead-letters/plan', { connectionId: rabbitId, ref, selection: { all: true }, target: { kind: 'origin-route' } });
    expect(byRoute.rows[0]).toMatchObject({ target: `exchange ${exchange}, key payment.captured`, alsoReaches: [audit] });
    expect(byRoute.note).toContain(`would also reach ${audit}`);
    const plan = await client.call('dead-letters/plan', { connectionId: rabbitId, ref, selection: { all: true }, target: { kind: 'origin' } });
    expect(plan.rows[0]).toMatchObject({ target: `queue ${payments}`, routes: [payments], alsoReaches: [], problem: null });

    const outcome = await redrive(dlq, { confirmedCount: 40 });
    expect(outcome).toMatchObject({ moved: 40, stoppedBy: 'done' });
    expect(await depth(ch, audit)).toBe(0);
    expect((await drain(ch, payments)).map((m) => m.properties.messageId)).toEqual(Array.from({ length: 40 }, (_, i) => `p-${i}`));
  }, 60_000);
});

describe('one redrive per dead-letter queue at a time', () => {
  it('a second redrive of the same queue while the first runs is refused; nothing moves twice', async () => {
    const { dlq, origins } = await deadLetters(2_000, 1);
    const first = redrive(dlq, { confirmedCount: 2_000, options: { ratePerSecond: 1_000, restoreTtl: false, partitioning: 'key', keepTimestamp: true } });
    await new Promise((r) => setTimeout(r, 300));
    const second = await redrive(dlq, { confirmedCount: 2_000 }).catch((e: unknown) => e as Error);
    expect(second).toBeInstanceOf(Error);
    expect((second as Error).message).toMatch(/A redrive of .* is running/);
    expect((await first).moved).toBe(2_000);
    expect((await census([origins[0]!, dlq])).total).toBe(2_000);
  }, 120_000);
});

describe('a picked selection behind many others', () => {
  it('with a slow rate limit, three messages picked from behind 300 others still move (held messages never stall the move)', async () => {
    const { dlq, origins } = await deadLetters(500, 1);
    const peek = await client.call('dead-letters/peek', { connectionId: rabbitId, ref: { type: 'rabbit-queue', vhost: '/', name: dlq }, limit: 500, acceptRedelivered: true });
    const picked = peek.messages.filter((m) => ['m-300', 'm-301', 'm-302'].includes(m.envelope.id ?? '')).map((m) => m.id);
    expect(picked).toHaveLength(3);
    const outcome = await redrive(dlq, { selection: { ids: picked }, confirmedCount: 3, options: { ratePerSecond: 5, restoreTtl: false, partitioning: 'key', keepTimestamp: true } });
    expect(outcome).toMatchObject({ moved: 3, stoppedBy: 'done' });
    expect((await drain(ch, origins[0]!)).map((m) => m.properties.messageId)).toEqual(['m-300', 'm-301', 'm-302']);
    const left = await drain(ch, dlq);
    expect(left).toHaveLength(497);
    // The others are back in their order.
    expect(left.map((m) => m.properties.messageId)).toEqual(Array.from({ length: 500 }, (_, i) => `m-${i}`).filter((id) => !['m-300', 'm-301', 'm-302'].includes(id)));
  }, 60_000);
});
