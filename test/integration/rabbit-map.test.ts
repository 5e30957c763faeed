import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createVhost, declare, deleteVhost, drain, management, untilManagement } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * RabbitMQ as a map, against the real broker: the topology is declared through the management
 * API (never by Rewind), in a vhost of this test's own; routing predictions are checked by
 * publishing for real (confirms, mandatory) and looking at what each queue then holds.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let rabbitId: string;
const vhost = unique('map');
const amqpUrl = `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-map-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost, managementPort: 15672 })).id;
  await createVhost(vhost);
});

afterAll(async () => {
  await deleteVhost(vhost);
  await context?.close();
  rmSync(dir, { recursive: true, force: true });
});

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiCallError);
  return e as ApiCallError;
};

describe('rabbit/topology', () => {
  beforeAll(async () => {
    await declare.exchange(vhost, 'orders', 'topic', { 'alternate-exchange': 'unrouted' });
    await declare.exchange(vhost, 'unrouted', 'fanout');
    await declare.exchange(vhost, 'payments', 'direct');
    await declare.exchange(vhost, 'dlx', 'direct');
    await declare.exchange(vhost, 'internal-audit', 'fanout', {}, true);
    // A policy gives payments its alternate exchange, and work queues their DLX.
    await declare.policy(vhost, 'payments-ae', '^payments$', { 'alternate-exchange': 'unrouted' }, 'exchanges');
    await declare.policy(vhost, 'work-dlx', '^work\\.', { 'dead-letter-exchange': 'dlx', 'dead-letter-routing-key': 'dead', 'message-ttl': 60_000, 'max-length': 500 }, 'queues');
    await declare.queue(vhost, 'work.eu', { 'x-message-ttl': 30_000, 'x-max-length': 1000, 'x-overflow': 'reject-publish' });
    await declare.queue(vhost, 'work.q', { 'x-queue-type': 'quorum', 'x-delivery-limit': 3 });
    await declare.queue(vhost, 'parking');
    await declare.queue(vhost, 'lost');
    await declare.bind(vhost, 'orders', 'work.eu', 'order.*.eu');
    await declare.bind(vhost, 'payments', 'work.q', 'paid');
    await declare.bind(vhost, 'dlx', 'parking', 'dead');
    await declare.bind(vhost, 'unrouted', 'lost', '');
    await declare.bind(vhost, 'orders', 'internal-audit', 'order.#', {}, 'e');
    await untilManagement(`/queues/${encodeURIComponent(vhost)}/work.eu`, (q) => (q as { policy?: string }).policy === 'work-dlx');
  });

  it('lists exchanges, queues with where each setting comes from, policies, bindings and dead-letter links', async () => {
    const t = await client.call('rabbit/topology', { connectionId: rabbitId, vhost });
    const x = (name: string) => t.exchanges.find((e) => e.name === name);
    expect(x('orders')).toMatchObject({ type: 'topic', durable: true, internal: false, alternate: { name: 'unrouted', setBy: 'argument' } });
    expect(x('payments')).toMatchObject({ alternate: { name: 'unrouted', setBy: 'policy' }, policy: 'payments-ae' });
    expect(x('internal-audit')).toMatchObject({ internal: true, type: 'fanout' });

    const eu = t.queues.find((q) => q.name === 'work.eu');
    expect(eu).toMatchObject({ type: 'classic', durable: true, policy: 'work-dlx', arguments: { 'x-message-ttl': 30_000, 'x-max-length': 1000, 'x-overflow': 'reject-publish' } });
    const setting = (q: typeof eu, key: string) => q?.effective.find((s) => s.key === key);
    // Classic queues: the lower TTL and length win, whichever side set them; the DLX comes from the policy alone.
    expect(setting(eu, 'dead-letter-exchange')).toEqual({ key: 'dead-letter-exchange', value: 'dlx', source: 'policy' });
    expect(setting(eu, 'message-ttl')).toEqual({ key: 'message-ttl', value: 30_000, source: 'argument', overridden: { argument: 30_000, policy: 60_000, rule: 'lower wins' } });
    expect(setting(eu, 'max-length')).toEqual({ key: 'max-length', value: 500, source: 'policy', overridden: { argument: 1000, policy: 500, rule: 'lower wins' } });
    expect(setting(eu, 'overflow')).toEqual({ key: 'overflow', value: 'reject-publish', source: 'argument' });
    const wq = t.queues.find((q) => q.name === 'work.q');
    expect(wq).toMatchObject({ type: 'quorum' });
    expect(setting(wq, 'delivery-limit')).toEqual({ key: 'delivery-limit', value: 3, source: 'argument' });

    expect(t.policies.map((p) => p.name).sort()).toEqual(['payments-ae', 'work-dlx']);
    expect(t.bindings).toContainEqual({ source: 'orders', destination: 'internal-audit', destinationType: 'exchange', routingKey: 'order.#', arguments: {} });
    // The default exchange's implicit bindings are left out unless asked for.
    expect(t.bindings.some((b) => b.source === '')).toBe(false);
    expect(t.deadLetterLinks.find((l) => l.from === 'work.eu')).toEqual({ from: 'work.eu', exchange: 'dlx', routingKey: 'dead', setBy: 'policy', to: ['parking'] });
    expect(t.missing).toEqual([]);
    expect(t.totals).toEqual({ exchanges: 5 + 7, queues: 4, bindings: 5 });
  });

  it('filters by name and pages', async () => {
    const f = await client.call('rabbit/topology', { connectionId: rabbitId, vhost, filter: 'WORK' });
    expect(f.queues.map((q) => q.name)).toEqual(['work.eu', 'work.q']);
    expect(f.bindings.map((b) => b.destination).sort()).toEqual(['work.eu', 'work.q']);
    const p1 = await client.call('rabbit/topology', { connectionId: rabbitId, vhost, page: { offset: 0, limit: 2 } });
    const p2 = await client.call('rabbit/topology', { connectionId: rabbitId, vhost, page: { offset: 2, limit: 2 } });
    expect(p1.more).toBe(true);
    expect([...p1.queues, ...p2.queues].map((q) => q.name)).toEqual(['lost', 'parking', 'work.eu', 'work.q']);
    const withDefault = await client.call('rabbit/topology', { connectionId: rabbitId, vhost, includeDefaultBindings: true });
    expect(withDefault.totals.bindings).toBe(5 + 4);
  });

  it('names the vhost that does not exist', async () => {
    const e = await failure(client.call('rabbit/topology', { connectionId: rabbitId, vhost: 'no-such-vhost-x' }));
    expect(e.message).toMatch(/no-such-vhost-x|404/);
  });
});

/** A small seeded generator, so a failing case can be run again. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('rabbit/route against what the broker routes', () => {
  const queues = ['r.eu', 'r.all-orders', 'r.audit', 'r.h-any', 'r.h-all', 'r.fan1', 'r.fan2', 'r.lost', 'r.direct'];
  let conn: ChannelModel;
  let ch: ConfirmChannel;

  beforeAll(async () => {
    await declare.exchange(vhost, 'r.orders', 'topic', { 'alternate-exchange': 'r.unrouted' });
    await declare.exchange(vhost, 'r.audit-x', 'fanout');
    await declare.exchange(vhost, 'r.hdr', 'headers');
    await declare.exchange(vhost, 'r.bcast', 'fanout');
    await declare.exchange(vhost, 'r.unrouted', 'fanout');
    await declare.exchange(vhost, 'r.pol', 'direct');
    await declare.policy(vhost, 'r-pol-ae', '^r\\.pol$', { 'alternate-exchange': 'r.unrouted' }, 'exchanges', 5);
    for (const q of queues) await declare.queue(vhost, q);
    await declare.bind(vhost, 'r.orders', 'r.eu', 'order.*.eu');
    await declare.bind(vhost, 'r.orders', 'r.all-orders', 'order.#');
    await declare.bind(vhost, 'r.orders', 'r.audit-x', '#.paid', {}, 'e');
    await declare.bind(vhost, 'r.audit-x', 'r.audit', '');
    await declare.bind(vhost, 'r.orders', 'r.hdr', 'invoice.#', {}, 'e');
    await declare.bind(vhost, 'r.hdr', 'r.h-any', '', { 'x-match': 'any', region: 'eu', kind: 'a' });
    await declare.bind(vhost, 'r.hdr', 'r.h-all', '', { 'x-match': 'all', region: 'us', kind: 'b' });
    await declare.bind(vhost, 'r.hdr', 'r.bcast', '', { 'x-match': 'any-with-x', 'x-tenant': 't1' }, 'e');
    await declare.bind(vhost, 'r.bcast', 'r.fan1', '');
    await declare.bind(vhost, 'r.bcast', 'r.fan2', '');
    await declare.bind(vhost, 'r.unrouted', 'r.lost', '');
    await declare.bind(vhost, 'r.pol', 'r.direct', 'order.created.eu');
    conn = await amqp.connect(amqpUrl);
    conn.on('error', () => undefined);
    ch = await conn.createConfirmChannel();
  });

  afterAll(async () => {
    await conn?.close().catch(() => undefined);
  });

  it('an unroutable publish is said as such, and an unknown exchange is an error', async () => {
    const r = await client.call('rabbit/route', { connectionId: rabbitId, vhost, exchange: 'r.hdr', routingKey: 'x' });
    expect(r).toMatchObject({ routes: [], unroutable: true, note: 'unroutable: it would be dropped, or returned if mandatory' });
    const e = await failure(client.call('rabbit/route', { connectionId: rabbitId, vhost, exchange: 'nope', routingKey: 'x' }));
    expect(e.code).toBe('not_found');
  });

  it('says the way through an exchange-to-exchange binding and an alternate exchange', async () => {
    const r = await client.call('rabbit/route', { connectionId: rabbitId, vhost, exchange: 'r.pol', routingKey: 'other' });
    expect(r.routes).toEqual([
      {
        queue: 'r.lost',
        path: ['r.pol', 'r.unrouted (alternate)', 'r.lost'],
        hops: [
          { from: 'r.pol', to: 'r.unrouted', toType: 'exchange', via: 'alternate' },
          { from: 'r.unrouted', to: 'r.lost', toType: 'queue', via: 'binding', bindingKey: '' },
        ],
      },
    ]);
  });

  it('predicts exactly the queues the broker puts each message in (200 seeded random publishes)', async () => {
    const random = seeded(20261124);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
    const words = ['order', 'invoice', 'created', 'paid', 'eu', 'us', 'x'];
    // A few anchors so every kind of way is taken whatever the draw, then the draw.
    const anchors: { exchange: string; key: string; headers: Record<string, string> }[] = [
      { exchange: 'r.orders', key: 'order.created.eu', headers: {} },
      { exchange: 'r.orders', key: 'invoice.x.paid', headers: { region: 'eu', 'x-tenant': 't1' } },
      { exchange: 'r.orders', key: 'invoice.us', headers: { region: 'us', kind: 'b' } },
      { exchange: 'r.pol', key: 'order.created.eu', headers: {} },
      { exchange: 'r.pol', key: 'nothing', headers: {} },
      { exchange: 'r.hdr', key: 'k', headers: { kind: 'c' } },
    ];
    const anchored = anchors.map((c, i) => ({ ...c, id: `a-${i}` }));
    const drawn = Array.from({ length: 200 }, (_, i) => {
      const key = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(words)).join('.');
      const headers: Record<string, string> = {};
      if (random() < 0.5) headers.region = pick(['eu', 'us', 'apac']);
      if (random() < 0.5) headers.kind = pick(['a', 'b']);
      if (random() < 0.3) headers['x-tenant'] = pick(['t1', 't2']);
      const exchange = pick(['r.orders', 'r.orders', 'r.pol', 'r.hdr']);
      // The direct exchange's one binding is rarely drawn by chance: give it its key half the time.
      return { id: `m-${i}`, exchange, key: exchange === 'r.pol' && random() < 0.5 ? 'order.created.eu' : key, headers };
    });
    const cases = [...anchored, ...drawn];
    const predicted = new Map<string, string[]>();
    for (const c of cases) {
      const r = await client.call('rabbit/route', { connectionId: rabbitId, vhost, exchange: c.exchange, routingKey: c.key, headers: c.headers });
      predicted.set(c.id, r.routes.map((x) => x.queue).sort());
    }
    const returned = new Set<string>();
    ch.on('return', (m: { properties: { messageId?: string } }) => m.properties.messageId && returned.add(m.properties.messageId));
    for (const c of cases) ch.publish(c.exchange, c.key, Buffer.from(c.id), { mandatory: true, messageId: c.id, headers: c.headers });
    await ch.waitForConfirms();
    const actual = new Map<string, string[]>(cases.map((c) => [c.id, []]));
    for (const q of queues) for (const m of await drain(ch, q)) actual.get(m.content.toString())?.push(q);
    const mismatches = cases.map((c) => ({ ...c, predicted: predicted.get(c.id), actual: (actual.get(c.id) ?? []).sort() })).filter((c) => JSON.stringify(c.predicted) !== JSON.stringify(c.actual));
    expect(mismatches).toEqual([]);
    // The broker returned (mandatory) exactly the publishes predicted as unroutable.
    expect([...returned].sort()).toEqual(
      cases
        .filter((c) => predicted.get(c.id)?.length === 0)
        .map((c) => c.id)
        .sort(),
    );
    // The draw covered every kind of way.
    const reached = new Set([...actual.values()].flat());
    expect([...reached].sort()).toEqual([...queues].sort());
    expect(returned.size).toBeGreaterThan(0);
  });
});

describe('rabbit/queue', () => {
  let conn: ChannelModel;
  beforeAll(async () => {
    await declare.exchange(vhost, 'q.dlx-empty', 'direct');
    await declare.exchange(vhost, 'q.in', 'topic');
    await declare.exchange(vhost, 'q.up', 'fanout');
    await declare.exchange(vhost, 'q.dlx', 'direct');
    await declare.policy(vhost, 'q-pol-dlx', '^q\\.by-policy$', { 'dead-letter-exchange': 'q.dlx', 'dead-letter-routing-key': 'dl' }, 'queues', 10);
    await declare.queue(vhost, 'q.by-policy');
    await declare.queue(vhost, 'q.dlq');
    await declare.queue(vhost, 'q.no-dlx-exchange', { 'x-dead-letter-exchange': 'q.gone' });
    await declare.queue(vhost, 'q.no-match', { 'x-dead-letter-exchange': 'q.dlx-empty', 'x-dead-letter-routing-key': 'whatever' });
    await declare.queue(vhost, 'q.ttl-only', { 'x-message-ttl': 1000 });
    await declare.queue(vhost, 'q.self', { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'q.self' });
    await declare.bind(vhost, 'q.in', 'q.by-policy', 'order.#');
    await declare.bind(vhost, 'q.up', 'q.in', '', {}, 'e');
    await declare.bind(vhost, 'q.dlx', 'q.dlq', 'dl');
    // A consumer of the test's own (not Rewind's), named, with a prefetch and manual acks.
    conn = await amqp.connect(amqpUrl, { clientProperties: { connection_name: 'map-test-consumer' } });
    conn.on('error', () => undefined);
    const ch = await conn.createChannel();
    await ch.prefetch(7);
    await ch.consume('q.by-policy', () => undefined, { noAck: false });
    const auto = await conn.createChannel();
    await auto.consume('q.by-policy', () => undefined, { noAck: true });
    await untilManagement(`/queues/${encodeURIComponent(vhost)}/q.by-policy`, (q) => (q as { policy?: string }).policy === 'q-pol-dlx');
    await untilManagement('/connections', (list) =>
      (list as { channels?: number; client_properties?: { connection_name?: string } }[]).some((c) => c.client_properties?.connection_name === 'map-test-consumer' && c.channels === 2),
    );
  });

  afterAll(async () => {
    await conn?.close().catch(() => undefined);
  });

  it('a policy-defined DLX: where its dead letters go, who feeds it, and its consumers', async () => {
    const f = await client.call('rabbit/queue', { connectionId: rabbitId, vhost, queue: 'q.by-policy' });
    expect(f.queue.policy).toBe('q-pol-dlx');
    expect(f.deadLetters.to).toEqual({ exchange: 'q.dlx', routingKey: 'dl', setBy: 'policy', to: ['q.dlq'] });
    expect(f.feeds.bindings).toEqual([{ source: 'q.in', destination: 'q.by-policy', destinationType: 'queue', routingKey: 'order.#', arguments: {} }]);
    expect(f.feeds.upstream).toEqual([{ exchange: 'q.up', to: 'q.in', via: 'binding', routingKey: '' }]);
    expect(f.problems).toEqual([]);
    const consumers = [...f.consumers].sort((a, b) => a.prefetch - b.prefetch);
    expect(consumers.map((c) => [c.ackMode, c.prefetch])).toEqual([
      ['automatic', 0],
      ['manual', 7],
    ]);
    expect(consumers[1]?.clientProperties).toMatchObject({ connection_name: 'map-test-consumer', product: 'amqplib' });
    expect(consumers[1]?.user).toBe('guest');
    const dlq = await client.call('rabbit/queue', { connectionId: rabbitId, vhost, queue: 'q.dlq' });
    expect(dlq.deadLetters.from).toEqual([{ from: 'q.by-policy', exchange: 'q.dlx', routingKey: 'dl', setBy: 'policy', to: ['q.dlq'] }]);
  });

  it('flags the classic mistakes', async () => {
    const problems = async (queue: string) => (await client.call('rabbit/queue', { connectionId: rabbitId, vhost, queue })).problems.map((p) => p.code);
    expect(await problems('q.no-dlx-exchange')).toEqual(['dlx-missing']);
    expect(await problems('q.no-match')).toEqual(['dlx-no-match']);
    expect(await problems('q.ttl-only')).toEqual(['ttl-without-dlx']);
    expect(await problems('q.self')).toEqual(['dead-letter-cycle']);
    const e = await failure(client.call('rabbit/queue', { connectionId: rabbitId, vhost, queue: 'q.none' }));
    expect(e.code).toBe('not_found');
  });

  it('rabbit/connections names who is connected, with client properties and channels', async () => {
    const r = await client.call('rabbit/connections', { connectionId: rabbitId });
    const mine = r.connections.find((c) => c.clientName === 'map-test-consumer');
    expect(mine).toMatchObject({ user: 'guest', vhost, channels: 2, clientProperties: { product: 'amqplib' } });
    expect(r.missing).toEqual([]);
  });
});

describe('purge and delete behind the typed name', () => {
  let conn: ChannelModel;
  beforeAll(async () => {
    await declare.queue(vhost, 'd.full');
    await declare.queue(vhost, 'd.doomed');
    await declare.exchange(vhost, 'd.x', 'fanout');
    await declare.bind(vhost, 'd.x', 'd.full', '');
    conn = await amqp.connect(amqpUrl);
    const ch = await conn.createConfirmChannel();
    for (let i = 0; i < 25; i++) ch.sendToQueue('d.full', Buffer.from(`m${i}`));
    for (let i = 0; i < 3; i++) ch.sendToQueue('d.doomed', Buffer.from(`m${i}`));
    await ch.waitForConfirms();
  });
  afterAll(async () => {
    await conn?.close().catch(() => undefined);
  });

  it('refuses a wrong confirmation and leaves the queue as it was', async () => {
    const e = await failure(client.call('rabbit/purge-queue', { connectionId: rabbitId, vhost, queue: 'd.full', confirm: 'd.ful' }));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toContain('d.full');
    const ch = await conn.createChannel();
    expect((await ch.checkQueue('d.full')).messageCount).toBe(25);
    await ch.close();
  });

  it('purges, deletes a queue and an exchange, each in the audit log', async () => {
    expect(await client.call('rabbit/purge-queue', { connectionId: rabbitId, vhost, queue: 'd.full', confirm: 'd.full' })).toEqual({ purged: 25 });
    expect(await client.call('rabbit/delete-queue', { connectionId: rabbitId, vhost, queue: 'd.doomed', confirm: 'd.doomed' })).toEqual({ messages: 3 });
    expect(await client.call('rabbit/delete-exchange', { connectionId: rabbitId, vhost, exchange: 'd.x', confirm: 'd.x' })).toEqual({});
    // What the broker holds now, through its management API.
    expect(((await management('GET', `/queues/${encodeURIComponent(vhost)}/d.full`)) as { messages_ready?: number; name: string }).name).toBe('d.full');
    expect(await management('GET', `/queues/${encodeURIComponent(vhost)}/d.doomed`)).toMatchObject({ error: 'Object Not Found' });
    expect(await management('GET', `/exchanges/${encodeURIComponent(vhost)}/d.x`)).toMatchObject({ error: 'Object Not Found' });
    const ch = await conn.createChannel();
    expect((await ch.checkQueue('d.full')).messageCount).toBe(0);
    await ch.close();
    const audit = await client.call('audit/list', { actions: ['purge-queue', 'delete-queue', 'delete-exchange'], limit: 10 });
    expect(audit.entries.map((e) => [e.action, (e.detail as { summary: string }).summary])).toEqual([
      ['delete-exchange', `deleted exchange d.x in vhost ${vhost}`],
      ['delete-queue', `deleted queue d.doomed in vhost ${vhost} (3 messages)`],
      ['purge-queue', `purged d.full in vhost ${vhost} (25 messages)`],
    ]);
  });

  it('a queue that is not there is said, not purged as nothing', async () => {
    const e = await failure(client.call('rabbit/purge-queue', { connectionId: rabbitId, vhost, queue: 'd.never', confirm: 'd.never' }));
    expect(e.code).toBe('not_found');
  });
});
