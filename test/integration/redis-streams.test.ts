import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { REDIS_PORT } from '../tools/bull-workers';
import { inMemoryClient } from './in-memory-client';

/** Redis streams written by redis-cli and ioredis, browsed through the API. */
let dir: string;
let context: AppContext;
let client: RewindClient;
let redis: Redis;
let connectionId: string;
const tag = randomBytes(3).toString('hex');
const stream = `payments-${tag}`;
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const ENTRIES = 12_000;

const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(REDIS_PORT), ...args], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-redis-streams-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  redis = new Redis(REDIS_PORT, '127.0.0.1');
  // One entry per second from T0, with an envelope in its fields, a whole message in `data`.
  for (let i = 0; i < ENTRIES; i += 1_000) {
    const p = redis.pipeline();
    for (let j = i; j < i + 1_000; j++) {
      p.xadd(stream, `${T0 + j * 1000}-0`, 'type', j % 2 ? 'PaymentCaptured' : 'PaymentAuthorized', 'correlationId', `order-${j % 100}`, 'data', JSON.stringify({ payment: j, amount: j * 3 }));
    }
    await p.exec();
  }
  // redis-cli writes one with its own id and fields only.
  cli('XADD', `flat-${tag}`, '*', 'sku', 'A-1', 'qty', '3');
  const saved = await client.call('connections/save', { kind: 'redis', name: 'streams', host: '127.0.0.1', port: REDIS_PORT, tls: false, username: '', database: 0, prefix: `none${tag}` });
  connectionId = saved.id;
});
afterAll(async () => {
  await context.close();
  await redis.del(stream, `flat-${tag}`, `turncoat-${tag}`);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function read(resource: string, from: { type: 'start' } | { type: 'last' } | { type: 'position'; value: string } | { type: 'time'; value: string }, limit: number) {
  const rows: Envelope[] = [];
  const summary = await client.stream('records/read', { connectionId, target: { type: 'source', resource }, from, limit }, { onBatch: (items) => rows.push(...items) });
  return { rows, summary };
}

describe('Redis streams', () => {
  it('are listed with their length, and read from the start in pages to the end', async () => {
    const listed = await client.call('resources/list', { connectionId });
    const mine = listed.resources.filter((r) => r.type === 'source' && r.name.endsWith(tag));
    expect(mine.map((r) => (r.type === 'source' ? [r.name, r.kind, r.group, r.items?.value] : null))).toEqual([
      [`flat-${tag}`, 'stream', 'Streams', 1],
      [stream, 'stream', 'Streams', ENTRIES],
    ]);
    expect(listed.capabilities).toMatchObject({ browse: true, deadLetters: true, seekByTime: true });

    let from: { type: 'start' } | { type: 'position'; value: string } = { type: 'start' };
    const ids: string[] = [];
    for (;;) {
      const page = await read(stream, from, 5_000);
      ids.push(...page.rows.map((r) => r.position));
      if (page.summary.next === null) break;
      from = { type: 'position', value: page.summary.next };
    }
    expect(ids).toHaveLength(ENTRIES);
    expect(ids[0]).toBe(`${T0}-0`);
    expect(ids.at(-1)).toBe(`${T0 + (ENTRIES - 1) * 1000}-0`);
    expect(new Set(ids).size).toBe(ENTRIES);
  });

  it('shows an entry as an event: its type and correlation from its fields, its data as the value, its time from its id', async () => {
    const { rows } = await read(stream, { type: 'position', value: `${T0 + 7000}-0` }, 1);
    expect(rows[0]).toMatchObject({
      source: 'redis',
      position: `${T0 + 7000}-0`,
      type: 'PaymentCaptured',
      correlationId: 'order-7',
      timestamp: '2026-01-01T00:00:07.000Z',
      payload: { kind: 'json', text: '{"payment":7,"amount":21}' },
    });
    expect(rows[0]!.headers.map((h) => h.name)).toEqual(['type', 'correlationId']);
    // An entry without a message field is its fields, as one JSON object.
    const flat = await read(`flat-${tag}`, { type: 'start' }, 10);
    expect(flat.rows[0]!.payload).toMatchObject({ kind: 'json', text: '{"sku":"A-1","qty":"3"}' });
  });

  it('shows bytes that are not UTF-8 as they are, never replaced', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x61, 0x80]);
    await redis.xadd(`bin-${tag}`, '*', 'data', bytes, 'sig', Buffer.from([0xfe, 0xed]));
    await client.call('resources/list', { connectionId });
    const { rows } = await read(`bin-${tag}`, { type: 'start' }, 1);
    expect(rows[0]!.payload).toEqual({ kind: 'binary', base64: bytes.toString('base64'), bytes: 6, truncated: false });
    expect(rows[0]!.headers).toEqual([{ name: 'sig', value: Buffer.from([0xfe, 0xed]).toString('base64'), binary: true }]);
    await redis.del(`bin-${tag}`);
  });

  it('ships a preview of a 10 MB entry and keeps the rest of the read going', async () => {
    const big = JSON.stringify({ blob: 'y'.repeat(10 * 1024 * 1024) });
    await redis.xadd(`big-${tag}`, '*', 'data', '{"n":1}');
    await redis.xadd(`big-${tag}`, '*', 'data', big);
    await redis.xadd(`big-${tag}`, '*', 'data', '{"n":3}');
    await client.call('resources/list', { connectionId });
    const { rows } = await read(`big-${tag}`, { type: 'start' }, 10);
    expect(rows.map((r) => r.payload.kind)).toEqual(['json', 'text', 'json']);
    expect(rows[1]!.payload).toMatchObject({ kind: 'text', truncated: true, bytes: big.length });
    expect(rows[1]!.payload.kind === 'text' && rows[1]!.payload.text.length).toBeLessThanOrEqual(64 * 1024);
    await redis.del(`big-${tag}`);
  });

  it('is read from a time, from its last entries, and from an id given without its sequence', async () => {
    const at = await read(stream, { type: 'time', value: '2026-01-01T01:00:00.500Z' }, 2);
    expect(at.rows.map((r) => r.position)).toEqual([`${T0 + 3601000}-0`, `${T0 + 3602000}-0`]);
    const last = await read(stream, { type: 'last' }, 3);
    expect(last.rows.map((r) => r.position)).toEqual([ENTRIES - 3, ENTRIES - 2, ENTRIES - 1].map((j) => `${T0 + j * 1000}-0`));
    expect(last.summary.next).toBeNull();
    const ms = await read(stream, { type: 'position', value: String(T0 + 5000) }, 1);
    expect(ms.rows[0]!.position).toBe(`${T0 + 5000}-0`);
    const wrong = await read(stream, { type: 'position', value: 'abc' }, 1).catch((e: Error & { code: string }) => e);
    expect(wrong).toMatchObject({ code: 'invalid_input' });
  });

  it('is followed live with XREAD from a position: what is there, then what arrives', async () => {
    const key = `live-${tag}`;
    await redis.xadd(key, '1000-0', 'n', '0');
    await redis.xadd(key, '2000-0', 'n', '1');
    await client.call('resources/list', { connectionId });
    const got: Envelope[] = [];
    const vias: string[] = [];
    const controller = new AbortController();
    const following = client
      .stream(
        'records/follow',
        { connectionId, target: { type: 'source', resource: key }, from: { type: 'position', value: '2000-0' } },
        {
          signal: controller.signal,
          onBatch: (items) => items.forEach((i) => ('via' in i ? vias.push(i.via) : got.push(i))),
        },
      )
      .catch(() => undefined);
    for (let i = 0; i < 50 && got.length < 1; i++) await new Promise((r) => setTimeout(r, 50));
    for (let n = 2; n < 5; n++) execFileSync('redis-cli', ['-p', String(REDIS_PORT), 'XADD', key, '*', 'n', String(n)]);
    for (let i = 0; i < 100 && got.length < 4; i++) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await following;
    expect(vias).toEqual(['XREAD']);
    expect(got.map((e) => e.headers.find((h) => h.name === 'n')?.value)).toEqual(['1', '2', '3', '4']);
    expect(got[0]!.position).toBe('2000-0');
    await redis.del(key);
  });

  it('says so when a listed stream has become another type of key', async () => {
    cli('XADD', `turncoat-${tag}`, '*', 'a', '1');
    await client.call('resources/list', { connectionId });
    await redis.del(`turncoat-${tag}`);
    await redis.set(`turncoat-${tag}`, 'just a string');
    const refused = await read(`turncoat-${tag}`, { type: 'start' }, 10).catch((e: Error & { code: string }) => e);
    expect(refused).toMatchObject({ code: 'conflict', message: `turncoat-${tag} is a string, not a stream` });
  });

  it('feeds a projection: the whole stream folded to the totals its entries give', async () => {
    const source = `export default {
      init: () => ({ captured: 0, amount: 0 }),
      when: { PaymentCaptured: (s, e) => ({ captured: s.captured + 1, amount: s.amount + e.data.amount }) },
    };`;
    const summary = await client.stream('projections/rebuild', { code: source, source: { connectionId, target: { type: 'source', resource: stream }, from: { type: 'start' }, to: null } });
    const expected = Array.from({ length: ENTRIES }, (_, j) => j).filter((j) => j % 2 === 1);
    expect(summary).toMatchObject({ processed: ENTRIES });
    expect(summary.state).toEqual({ captured: expected.length, amount: expected.reduce((n, j) => n + j * 3, 0) });
  });
});

describe('a Redis connection', () => {
  it('tests as the server it is, and a wrong password is refused by name', async () => {
    const ok = await client.call('connections/test', { connectionId });
    expect(ok.server).toMatch(/^Redis 7\./);
    expect(ok.details).toContain('not a cluster');
    cli('ACL', 'SETUSER', `rw-${tag}`, 'on', '>right-password', '~*', '+@all');
    const draft = { kind: 'redis' as const, name: 'acl', host: '127.0.0.1', port: REDIS_PORT, tls: false, username: `rw-${tag}`, database: 0, prefix: 'bull' };
    const wrong = await client.call('connections/test', { draft: { ...draft, password: 'wrong' } }).catch((e: Error & { code: string; hint?: string }) => e);
    expect(wrong).toMatchObject({ code: 'auth', message: 'Redis refused the user name or password (WRONGPASS)' });
    expect(await client.call('connections/test', { draft: { ...draft, password: 'right-password' } })).toMatchObject({ ok: true });
    const closed = await client.call('connections/test', { draft: { ...draft, port: 1 } }).catch((e: Error & { code: string }) => e);
    expect(closed).toMatchObject({ code: 'network', message: 'Nothing is listening on 127.0.0.1:1 (connection refused)' });
    cli('ACL', 'DELUSER', `rw-${tag}`);
  });
});
