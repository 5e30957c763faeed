import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, ChannelModel, GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ParamsOf } from '../../src/api/contract';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { brokerRejects, connect, depth, drain, management, waitForDepth } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Dead letters made by RabbitMQ itself (a reject, an expiry, an overflow, a quorum queue's
 * delivery limit), found by the topology whatever their queue is called, and redriven to their
 * own exchanges and keys: confirmed before they leave the DLQ, every byte and header kept.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let conn: ChannelModel;
let ch: Channel;
let rabbitId: string;

const x = unique('orders-x');
const dlx = unique('dlx');
const orders = unique('orders');
const full = unique('orders-full');
const quorum = unique('orders-q');
const parking = unique('orders.parking');
const temp = unique('temp-x');
const tempQ = unique('temp-q');
const ref = () => ({ type: 'rabbit-queue' as const, vhost: '/', name: parking });
const BINARY = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]);
const BIG = Buffer.alloc(10 * 1024 * 1024, 0x61);

async function redrive(params: Omit<ParamsOf<'dead-letters/redrive'>, 'connectionId' | 'ref'>) {
  const progress: number[] = [];
  const outcome = await client.stream(
    'dead-letters/redrive',
    { connectionId: rabbitId, ref: ref(), ...params },
    { onBatch: (items) => items.forEach((i) => i.kind === 'progress' && progress.push(i.moved)) },
  );
  return { outcome, progress };
}

const peek = async () => (await client.call('dead-letters/peek', { connectionId: rabbitId, ref: ref(), limit: 500, acceptRedelivered: true })).messages;
const bodyOf = (m: GetMessage) => m.content.toString('latin1');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-redrive-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  ({ conn, ch } = await connect());

  // The topology: a topic exchange feeding three work queues; a DLX feeding a parking queue.
  await ch.assertExchange(x, 'topic', { durable: true });
  await ch.assertExchange(dlx, 'direct', { durable: true });
  await ch.assertExchange(temp, 'fanout', { durable: false });
  await ch.assertQueue(parking, { durable: true });
  await ch.bindQueue(parking, dlx, 'dead');
  const dl = { 'x-dead-letter-exchange': dlx, 'x-dead-letter-routing-key': 'dead' };
  await ch.assertQueue(orders, { durable: true, arguments: dl });
  await ch.assertQueue(full, { durable: true, arguments: { ...dl, 'x-max-length': 1, 'x-overflow': 'reject-publish-dlx' } });
  await ch.assertQueue(quorum, { durable: true, arguments: { ...dl, 'x-queue-type': 'quorum', 'x-delivery-limit': 1 } });
  await ch.bindQueue(orders, x, 'order.created.*');
  await ch.bindQueue(full, x, 'order.full');
  await ch.bindQueue(quorum, x, 'order.quorum');
  await ch.assertQueue(tempQ, { durable: true, arguments: dl });
  await ch.bindQueue(tempQ, temp, '');

  const props = {
    contentType: 'application/octet-stream',
    messageId: 'm-rejected',
    correlationId: 'c-1',
    type: 'OrderPlaced',
    appId: 'shop',
    timestamp: 1_700_000_000,
    deliveryMode: 2,
    priority: 3,
    headers: { tenant: 'acme', attempt: 1 },
  };
  // 1. Rejected by a consumer (the broker's own reject through its management API).
  ch.publish(x, 'order.created.eu', BINARY, props);
  await waitForDepth(ch, orders, 1);
  await brokerRejects(orders, 1);
  // 2. Expired: a per-message TTL of 1 ms, nobody consuming.
  ch.publish(x, 'order.created.us', Buffer.from('{"order":2}'), { messageId: 'm-expired', expiration: '1', contentType: 'application/json' });
  // 3. Overflow: the second message does not fit and is dead-lettered on publish (maxlen).
  ch.publish(x, 'order.full', Buffer.from('first'), { messageId: 'm-fits' });
  ch.publish(x, 'order.full', BIG, { messageId: 'm-maxlen' });
  // 4. A quorum queue's delivery limit: delivered, requeued, delivered again, then dead-lettered.
  ch.publish(x, 'order.quorum', Buffer.from('{"order":4}'), { messageId: 'm-limit' });
  await waitForDepth(ch, quorum, 1);
  for (let i = 0; i < 2; i++) {
    const m = await ch.get(quorum, { noAck: false });
    if (m) ch.nack(m, false, true);
    await new Promise((r) => setTimeout(r, 100));
  }
  // 5. From an exchange that will be deleted before the redrive.
  ch.publish(temp, 'anything', Buffer.from('from temp'), { messageId: 'm-temp' });
  await waitForDepth(ch, tempQ, 1);
  await brokerRejects(tempQ, 1);
  // 6. Put straight into the parking queue by hand: no x-death at all.
  ch.sendToQueue(parking, Buffer.from('hand-made'), { messageId: 'm-manual' });
  await waitForDepth(ch, parking, 6);
  await ch.deleteExchange(temp);
});

afterAll(async () => {
  await context.close();
  for (const q of [orders, full, quorum, parking, tempQ]) await ch.deleteQueue(q).catch(() => undefined);
  for (const e of [x, dlx]) await ch.deleteExchange(e).catch(() => undefined);
  await conn.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('finding dead-letter queues by topology', () => {
  it('finds the parking queue from the queues that dead-letter into it, whatever its name', async () => {
    const { sources } = await client.call('dead-letters/list', {});
    const found = sources.find((s) => s.ref.name === parking);
    expect(found).toBeDefined();
    const r = found!.resource;
    expect(r.type === 'rabbit-queue' && r.deadLetterOf?.map((l) => l.queue).sort()).toEqual([full, orders, quorum, tempQ].sort());
    expect(r.type === 'rabbit-queue' && r.deadLetterOf?.[0]).toMatchObject({ exchange: dlx, routingKey: 'dead' });
  });

  it('peeks the dead letters the broker made, with why each died', async () => {
    const reasons = Object.fromEntries((await peek()).map((m) => [m.envelope.id, m.death.reason]));
    expect(reasons).toEqual({ 'm-rejected': 'rejected', 'm-expired': 'expired', 'm-maxlen': 'maxlen', 'm-limit': 'delivery_limit', 'm-temp': 'rejected', 'm-manual': null });
  });
});

describe('redriving RabbitMQ dead letters', () => {
  it('the dry run says where each would go and what would receive it now, moving nothing', async () => {
    const plan = await client.call('dead-letters/plan', { connectionId: rabbitId, ref: ref(), selection: { all: true }, target: { kind: 'origin-route' } });
    const byId = Object.fromEntries(plan.rows.map((r) => [r.messageId, r]));
    expect(byId['m-rejected']).toMatchObject({ target: `exchange ${x}, key order.created.eu`, routes: [orders], problem: null });
    expect(byId['m-maxlen']).toMatchObject({ target: `exchange ${x}, key order.full`, routes: [full], problem: null });
    expect(byId['m-temp']!.problem).toMatch(`exchange ${temp} does not exist`);
    expect(byId['m-manual']!.problem).toMatch(/no x-death/);
    expect(plan.total).toBe(6);
    expect(plan.movable).toBe(4);
    expect(await depth(ch, parking)).toBe(6);
  });

  it('moves each to its own exchange and key, confirmed first, bytes and headers kept, and reports what could not go', async () => {
    await ch.purgeQueue(full); // make room where the overflowing one came from
    const before = Object.fromEntries((await peek()).map((m) => [m.envelope.id, m]));
    const { outcome, progress } = await redrive({ selection: { all: true }, target: { kind: 'origin-route' }, confirmedCount: 6 });
    expect(outcome).toMatchObject({ looked: 6, moved: 4, duplicates: 0, uncertain: 0, stoppedBy: 'done', error: null });
    expect(outcome.failures.map((f) => f.messageId).sort()).toEqual(['m-manual', 'm-temp']);
    expect(progress.length).toBeGreaterThan(0);
    expect(outcome.auditId).toBeGreaterThan(0);

    // The parking queue keeps only what could not go; each work queue holds its own again.
    expect(await depth(ch, parking)).toBe(2);
    const back = [...(await drain(ch, orders)), ...(await drain(ch, full))];
    const q = await ch.get(quorum, { noAck: true });
    if (q) back.push(q);
    const byId = Object.fromEntries(back.map((m) => [m.properties.messageId, m]));
    expect(Object.keys(byId).sort()).toEqual(['m-expired', 'm-limit', 'm-maxlen', 'm-rejected']);
    const rejected = byId['m-rejected']!;
    expect(rejected.content).toEqual(BINARY);
    expect(rejected.fields).toMatchObject({ exchange: x, routingKey: 'order.created.eu' });
    expect(rejected.properties).toMatchObject({
      contentType: 'application/octet-stream',
      correlationId: 'c-1',
      type: 'OrderPlaced',
      appId: 'shop',
      timestamp: 1_700_000_000,
      deliveryMode: 2,
      priority: 3,
    });
    expect(rejected.properties.headers).toMatchObject({ tenant: 'acme', attempt: 1, 'x-rewind-redrive-count': 1, 'x-rewind-redriven-from': parking });
    // Its history goes with it, so a second death is added to the first.
    expect((rejected.properties.headers as Record<string, unknown>)['x-death']).toEqual([
      expect.objectContaining({ reason: 'rejected', queue: orders, exchange: x, 'routing-keys': ['order.created.eu'] }),
    ]);
    expect(before['m-rejected']!.death.history).toHaveLength(1);
    expect(byId['m-maxlen']!.content.equals(BIG)).toBe(true);
    // The per-message TTL that expired is not restored unless asked for.
    expect(byId['m-expired']!.properties.expiration).toBeUndefined();
  });

  it('a message with no origin goes where the user says, by its id from the peek', async () => {
    const manual = (await peek()).find((m) => m.envelope.id === 'm-manual')!;
    const plan = await client.call('dead-letters/plan', { connectionId: rabbitId, ref: ref(), selection: { ids: [manual.id] }, target: { kind: 'queue', queue: orders } });
    expect(plan.rows).toHaveLength(1);
    expect(plan.rows[0]).toMatchObject({ routes: [orders], problem: null });
    const { outcome } = await redrive({ selection: { ids: [manual.id] }, target: { kind: 'queue', queue: orders }, confirmedCount: 1 });
    expect(outcome).toMatchObject({ moved: 1, failures: [] });
    expect((await drain(ch, orders)).map((m) => bodyOf(m))).toEqual(['hand-made']);
    expect((await peek()).map((m) => m.envelope.id)).toEqual(['m-temp']);
  });

  it('a target that routes nowhere returns the message: it stays in the DLQ and is reported', async () => {
    const { outcome } = await redrive({ selection: { all: true }, target: { kind: 'exchange', exchange: x, routingKey: 'no.binding.here' }, confirmedCount: 1 });
    expect(outcome.moved).toBe(0);
    expect(outcome.failures[0]!.reason).toMatch(/unroutable/);
    expect(await depth(ch, parking)).toBe(1);
  });

  it('a target exchange that does not exist is refused per message, and the move carries on', async () => {
    const { outcome } = await redrive({ selection: { all: true }, target: { kind: 'exchange', exchange: 'no-such-exchange', routingKey: 'x' }, confirmedCount: 1 });
    expect(outcome).toMatchObject({ moved: 0, stoppedBy: 'done', error: null });
    expect(outcome.failures[0]!.reason).toMatch(/does not exist/);
    expect(await depth(ch, parking)).toBe(1);
  });

  it('every redrive is in the audit log with what moved, from where to where', async () => {
    const { entries } = await client.call('audit/list', { actions: ['redrive'], limit: 10 });
    expect(entries.length).toBeGreaterThanOrEqual(4);
    const first = entries[entries.length - 1]!.detail as Record<string, unknown>;
    expect(first).toMatchObject({ connectionName: 'r', from: ref(), to: { kind: 'origin-route' }, moved: 4, failed: 2, confirmedCount: 6 });
  });

  it('a quorum DLQ is redriven too: taking and acknowledging never counts against its delivery limit', async () => {
    const qdlq = unique('q-dlq');
    const src = unique('q-src');
    await ch.assertQueue(qdlq, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 1 } });
    await ch.assertQueue(src, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': qdlq } });
    try {
      ch.sendToQueue(src, Buffer.from('q1'), { messageId: 'q1' });
      await waitForDepth(ch, src, 1);
      await brokerRejects(src, 1);
      await waitForDepth(ch, qdlq, 1);
      const outcome = await client.stream('dead-letters/redrive', {
        connectionId: rabbitId,
        ref: { type: 'rabbit-queue', vhost: '/', name: qdlq },
        selection: { all: true },
        target: { kind: 'origin' },
        confirmedCount: 1,
      });
      expect(outcome).toMatchObject({ moved: 1, failures: [] });
      expect(await depth(ch, qdlq)).toBe(0);
      expect((await drain(ch, src)).map(bodyOf)).toEqual(['q1']);
      // Looking at it would count a delivery: refused, and said why.
      const e = await client
        .call('dead-letters/peek', { connectionId: rabbitId, ref: { type: 'rabbit-queue', vhost: '/', name: qdlq }, limit: 10, acceptRedelivered: true })
        .catch((err: unknown) => err);
      expect((e as ApiCallError).message).toMatch(/delivery limit of 1/);
    } finally {
      await ch.deleteQueue(qdlq).catch(() => undefined);
      await ch.deleteQueue(src).catch(() => undefined);
    }
  });

  it('a user without write permission on the target: refused, said so, and every message stays', async () => {
    const user = unique('reader');
    await management('PUT', `/users/${user}`, { password: 'pw', tags: 'management' });
    // May read and ack the DLQ (read, configure) but not publish anywhere (write '^$').
    await management('PUT', `/permissions/%2F/${user}`, { configure: '.*', write: '^$', read: '.*' });
    const limited = await client.call('connections/save', {
      kind: 'rabbitmq',
      name: 'reader',
      host: '127.0.0.1',
      port: 5672,
      tls: false,
      username: user,
      password: 'pw',
      vhost: '/',
      managementPort: 15672,
    });
    try {
      const before = await depth(ch, parking);
      const outcome = await client.stream('dead-letters/redrive', { connectionId: limited.id, ref: ref(), selection: { all: true }, target: { kind: 'queue', queue: orders }, confirmedCount: before });
      expect(outcome.moved).toBe(0);
      expect(outcome.error?.code).toBe('auth');
      expect(outcome.error?.hint).toMatch(/write permission/);
      expect(await depth(ch, parking)).toBe(before);
    } finally {
      await management('DELETE', `/users/${user}`);
      await client.call('connections/delete', { connectionId: limited.id });
    }
  });

  it('a DLQ emptied by someone else mid-redrive ends the move with what it moved, nothing lost', async () => {
    const dlq = unique('busy-dlq');
    const home = unique('busy-home');
    await ch.assertQueue(dlq, { durable: true });
    await ch.assertQueue(home, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq } });
    try {
      for (let i = 0; i < 200; i++) ch.sendToQueue(home, Buffer.from(`b${i}`));
      await waitForDepth(ch, home, 200);
      await brokerRejects(home, 200);
      await waitForDepth(ch, dlq, 200);
      const run = client.stream('dead-letters/redrive', {
        connectionId: rabbitId,
        ref: { type: 'rabbit-queue', vhost: '/', name: dlq },
        selection: { all: true },
        target: { kind: 'origin' },
        confirmedCount: 200,
        options: { ratePerSecond: 100, restoreTtl: false, partitioning: 'key', keepTimestamp: true },
      });
      await new Promise((r) => setTimeout(r, 500));
      const taken = await drain(ch, dlq); // another consumer takes what is left
      const outcome = await run;
      expect(outcome.stoppedBy).toBe('emptied');
      const home_ = await drain(ch, home);
      // Every message is in exactly one place: moved home, or taken by the other consumer.
      expect(outcome.moved).toBe(home_.length);
      expect(new Set([...home_, ...taken].map(bodyOf)).size).toBe(200);
      expect(home_.length + taken.length).toBe(200);
    } finally {
      await ch.deleteQueue(dlq).catch(() => undefined);
      await ch.deleteQueue(home).catch(() => undefined);
    }
  });
});
