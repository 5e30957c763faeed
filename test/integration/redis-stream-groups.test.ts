import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { REDIS_PORT } from '../tools/bull-workers';
import { inMemoryClient } from './in-memory-client';

/**
 * A stream read by a consumer group the way apps read one (XREADGROUP, XACK, redelivery of what
 * was not acknowledged), then looked into and repaired through the API: pending entries, a claim,
 * the group's position with its undo, poison entries moved to the DLQ and redriven. What Redis
 * holds afterwards is read with XRANGE and XPENDING, not through Rewind.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let redis: Redis;
let connectionId: string;
const tag = randomBytes(3).toString('hex');
const stream = `orders-${tag}`;
const ENTRIES = 30_000;
const POISON = new Set([7, 1_234, 20_000, 29_999]);

/** An app's consumer: reads everything new, acknowledges all but the poison, then reads its pending again (each time a delivery). */
async function consume(times: number) {
  for (;;) {
    const got = (await redis.xreadgroup('GROUP', 'billing', 'worker-1', 'COUNT', 5_000, 'STREAMS', stream, '>')) as [string, [string, string[]][]][] | null;
    if (!got) break;
    const ack = got[0]![1].filter(([, f]) => !POISON.has(Number(f[1]))).map(([id]) => id);
    if (ack.length) await redis.xack(stream, 'billing', ...ack);
  }
  for (let i = 1; i < times; i++) await redis.xreadgroup('GROUP', 'billing', 'worker-1', 'COUNT', 100, 'STREAMS', stream, '0');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-redis-groups-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  redis = new Redis(REDIS_PORT, '127.0.0.1');
  for (let i = 0; i < ENTRIES; i += 1_000) {
    const p = redis.pipeline();
    for (let j = i; j < i + 1_000; j++) p.xadd(stream, '*', 'order', String(j), 'type', 'OrderPlaced', 'data', JSON.stringify({ order: j, total: j % 97 }));
    await p.exec();
  }
  await redis.xgroup('CREATE', stream, 'billing', '0');
  await redis.xgroup('CREATE', stream, 'audit', '$');
  await consume(5);
  const saved = await client.call('connections/save', { kind: 'redis', name: 'groups', host: '127.0.0.1', port: REDIS_PORT, tls: false, username: '', database: 0, prefix: `none${tag}` });
  connectionId = saved.id;
});
afterAll(async () => {
  await context.close();
  await redis.del(stream, `${stream}:dlq`);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Redis stream with consumer groups', () => {
  it('lists its groups with their consumers, pending counts, lag and position', async () => {
    const info = await client.call('redis/stream-groups', { connectionId, stream });
    expect(info).toMatchObject({ stream, length: ENTRIES, dlq: `${stream}:dlq` });
    const billing = info.groups.find((g) => g.name === 'billing')!;
    expect(billing).toMatchObject({ pending: POISON.size, lag: 0, entriesRead: ENTRIES, lastDeliveredId: info.lastId });
    expect(billing.consumers).toEqual([expect.objectContaining({ name: 'worker-1', pending: POISON.size })]);
    expect(info.groups.find((g) => g.name === 'audit')).toMatchObject({ pending: 0, lag: 0, consumers: [] });
  });

  it('lists the pending entries with their delivery counts, and those past a count', async () => {
    const all = await client.call('redis/pending', { connectionId, stream, group: 'billing', limit: 100 });
    expect(all.total).toBe(POISON.size);
    expect(all.entries.map((e) => [e.consumer, e.deliveries])).toEqual([...POISON].map(() => ['worker-1', 5]));
    const none = await client.call('redis/pending', { connectionId, stream, group: 'billing', minDeliveries: 6, limit: 100 });
    expect(none.entries).toEqual([]);
  });

  it('claims an entry for another consumer, and says so in the audit log', async () => {
    const { entries } = await client.call('redis/pending', { connectionId, stream, group: 'billing', limit: 1 });
    const { claimed } = await client.call('redis/claim', { connectionId, stream, group: 'billing', ids: [entries[0]!.id], consumer: 'rescuer', minIdleMs: 0 });
    expect(claimed).toEqual([entries[0]!.id]);
    const [raw] = (await redis.xpending(stream, 'billing', entries[0]!.id, entries[0]!.id, 1)) as [string, string, number, number][];
    expect(raw![1]).toBe('rescuer');
    const audit = await client.call('audit/list', { actions: ['stream-claim'], limit: 5 });
    expect(audit.entries[0]!.detail).toMatchObject({ stream, group: 'billing', consumer: 'rescuer', claimed: 1 });
  });

  it("moves a group's position back to a time after a preview, refuses a stale one, and is undone", async () => {
    const ids = (await redis.xrange(stream, '-', '+', 'COUNT', 101)) as [string, string[]][];
    const at = new Date(Number(ids[100]![0].split('-')[0])).toISOString();
    const plan = await client.call('redis/plan-group-position', { connectionId, stream, group: 'audit', target: { time: at } });
    expect(plan.direction).toBe('back');
    expect(plan.toRead.value).toBeGreaterThanOrEqual(ENTRIES - 100);
    const before = plan.from;
    const stale = await client
      .call('redis/set-group-position', { connectionId, stream, group: 'audit', id: plan.to === '0-0' ? '0-0' : plan.to, expectFrom: '1-0' })
      .catch((e: Error & { code: string }) => e);
    expect(stale).toMatchObject({ code: 'conflict' });
    const set = await client.call('redis/set-group-position', { connectionId, stream, group: 'audit', id: plan.to === '0-0' ? '0-0' : plan.to, expectFrom: before });
    const info = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[][];
    const audit = info.map((g) => Object.fromEntries(Array.from({ length: g.length / 2 }, (_, i) => [g[2 * i], g[2 * i + 1]]))).find((g) => g['name'] === 'audit')!;
    expect(audit['last-delivered-id']).toBe(plan.to);
    // The undo is the same call with the positions swapped.
    await client.call('redis/set-group-position', { connectionId, stream, group: 'audit', id: set.from as never, expectFrom: set.to });
    const back = await client.call('redis/stream-groups', { connectionId, stream });
    expect(back.groups.find((g) => g.name === 'audit')!.lastDeliveredId).toBe(before);
  });

  it('moves the poison entries to the DLQ, acknowledged only with their copy, and redrives them back: nothing lost', async () => {
    const moved = await client.stream('redis/dead-letter', { connectionId, stream, group: 'billing', selection: { minDeliveries: 5 }, reason: 'failed 5 times: total does not parse' });
    expect(moved).toMatchObject({ looked: 4, moved: 4, skipped: [], dlq: `${stream}:dlq`, stoppedBy: 'done' });
    // Redis holds them in the DLQ with where they came from, and the group has none pending.
    const dlq = (await redis.xrange(`${stream}:dlq`, '-', '+')) as [string, string[]][];
    expect(dlq.map(([, f]) => Number(f[1])).sort((a, b) => a - b)).toEqual([...POISON].sort((a, b) => a - b));
    const fields = Object.fromEntries(Array.from({ length: dlq[0]![1].length / 2 }, (_, i) => [dlq[0]![1][2 * i], dlq[0]![1][2 * i + 1]]));
    expect(fields).toMatchObject({ 'x-original-stream': stream, 'x-group': 'billing', 'x-delivery-count': '5', 'x-reason': 'failed 5 times: total does not parse' });
    expect(await redis.xpending(stream, 'billing')).toEqual([0, null, null, null]);
    expect(await redis.xlen(stream)).toBe(ENTRIES);

    // The DLQ is a dead-letter source like any other, and says why each died.
    const listed = await client.call('dead-letters/list', {});
    const source = listed.sources.find((s) => s.connectionId === connectionId && s.ref.name === `${stream}:dlq`)!;
    expect(source.depth).toEqual({ value: 4, exact: true });
    const peek = await client.call('dead-letters/peek', { connectionId, ref: source.ref, limit: 10 });
    expect(peek.messages[0]!.death).toMatchObject({ reason: 'failed 5 times: total does not parse', origin: `${stream} (group billing)`, attempts: 5 });
    const plan = await client.call('dead-letters/plan', { connectionId, ref: source.ref, selection: { all: true }, target: { kind: 'origin' }, options: {} });
    expect(plan).toMatchObject({ total: 4, movable: 4, perTarget: [{ target: `stream ${stream}`, count: 4 }] });
    const out = await client.stream('dead-letters/redrive', { connectionId, ref: source.ref, selection: { all: true }, target: { kind: 'origin' }, options: {}, confirmedCount: 4 });
    expect(out).toMatchObject({ looked: 4, moved: 4, failures: [], stoppedBy: 'done' });
    expect(await redis.xlen(`${stream}:dlq`)).toBe(0);
    const tail = (await redis.xrevrange(stream, '+', '-', 'COUNT', 4)) as [string, string[]][];
    expect(tail.map(([, f]) => Number(f[1])).sort((a, b) => a - b)).toEqual([...POISON].sort((a, b) => a - b));
    expect(tail.every(([, f]) => f.includes('x-original-id') && !f.includes('x-reason'))).toBe(true);
    // The group reads them again as new entries.
    expect((await client.call('redis/stream-groups', { connectionId, stream })).groups.find((g) => g.name === 'billing')!.lag).toBe(4);
  });

  it('keeps the bytes of a binary entry through the DLQ and back', async () => {
    const bytes = Buffer.from([0x08, 0x96, 0x01, 0xff, 0x00, 0xfe]);
    const id = await redis.xadd(stream, '*', 'data', bytes, 'kind', 'protobuf');
    await redis.xreadgroup('GROUP', 'billing', 'worker-1', 'COUNT', 100, 'STREAMS', stream, '>');
    const moved = await client.stream('redis/dead-letter', { connectionId, stream, group: 'billing', selection: { ids: [id!] }, reason: 'does not decode' });
    expect(moved.moved).toBe(1);
    const [inDlq] = await redis.xrevrangeBuffer(`${stream}:dlq`, '+', '-', 'COUNT', 1);
    expect(inDlq![1][1]).toEqual(bytes);
    const ref = { type: 'source' as const, name: `${stream}:dlq` };
    await client.call('resources/list', { connectionId });
    const out = await client.stream('dead-letters/redrive', { connectionId, ref, selection: { all: true }, target: { kind: 'origin' }, options: {}, confirmedCount: 1 });
    expect(out.moved).toBe(1);
    const [back] = await redis.xrevrangeBuffer(stream, '+', '-', 'COUNT', 1);
    expect(back![1].slice(0, 4)).toEqual([Buffer.from('data'), bytes, Buffer.from('kind'), Buffer.from('protobuf')]);
    expect(back![1][5]!.toString()).toBe(id);
  });

  it('leaves an entry that is not pending, or gone from the stream, where it is and says why', async () => {
    const [first] = (await redis.xrange(stream, '-', '+', 'COUNT', 1)) as [string, string[]][];
    const notPending = await client.stream('redis/dead-letter', { connectionId, stream, group: 'billing', selection: { ids: [first![0]] }, reason: 'by hand' });
    expect(notPending).toMatchObject({ moved: 0, skipped: [{ id: first![0], reason: 'not pending in group billing (acknowledged, or never delivered to it)' }] });
    // Delivered, then deleted by the app before it was acknowledged: still pending, not in the stream.
    const id = await redis.xadd(stream, '*', 'order', 'ghost');
    await redis.xreadgroup('GROUP', 'billing', 'worker-1', 'COUNT', 100, 'STREAMS', stream, '>');
    await redis.xdel(stream, id!);
    const ghost = await client.stream('redis/dead-letter', { connectionId, stream, group: 'billing', selection: { ids: [id!] }, reason: 'by hand' });
    expect(ghost).toMatchObject({ moved: 0, skipped: [{ id, reason: 'gone from the stream (deleted or trimmed); it stays pending, unacknowledged' }] });
    expect((await redis.xpending(stream, 'billing'))[0]).toBeGreaterThanOrEqual(1);
  });
});
