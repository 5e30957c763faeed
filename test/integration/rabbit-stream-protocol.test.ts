import amqp, { type ConsumeMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitAdapter } from '../../src/sources/rabbitmq/rabbit-adapter';
import { StreamReader } from '../../src/sources/rabbitmq/stream-reader';
import { rangeBatches, type RangeOutcome, type StreamSeek } from '../../src/sources/rabbitmq/stream-read';
import type { Envelope } from '../../src/model/envelope';
import { AMQP_URL, closeConnectionsOf, connect, management } from '../tools/rabbit-tools';
import { rabbitProfile, readAll, unique } from './brokers';

/**
 * Streams read by the stream protocol (port 5552). The input is written by a raw amqplib
 * publisher with confirms, never by Rewind: 100,000 messages in two halves a few seconds apart,
 * the first a binary body, the last a multi-byte UTF-8 one.
 */
const N = 100_000;
const HALF = N / 2;
const stream = unique('rewind-sp-100k');
const target = { type: 'rabbit-stream' as const, vhost: '/', queue: stream };
const adapter = new RabbitAdapter(rabbitProfile(), 'guest');
const FIRST_BODY = Buffer.from([0x00, 0xff, 0x80, 0x7f, 0x0a, 0x00]);
const LAST_BODY = Buffer.from('last · ünïcödé · 🐇', 'utf8');
const bodyOf = (i: number): Buffer => (i === 0 ? FIRST_BODY : i === N - 1 ? LAST_BODY : Buffer.from(`{"n":${i}}`));
/** When the second half began: a time seek to it starts at its first message. */
let secondHalfAt = 0;

/** The bytes a record's payload holds (as the records table and Copy get them). */
function bytesOf(e: Envelope): Buffer {
  const p = e.payload;
  if (p.kind === 'binary') return Buffer.from(p.base64, 'base64');
  if (p.kind === 'text' || p.kind === 'json') return Buffer.from(p.text, 'utf8');
  return Buffer.alloc(0);
}

async function publish(queue: string, from: number, to: number, body: (i: number) => Buffer): Promise<void> {
  const conn = await amqp.connect(AMQP_URL);
  try {
    const ch = await conn.createConfirmChannel();
    for (let i = from; i < to; i++) {
      ch.sendToQueue(queue, body(i), { messageId: `m-${i}` });
      if (i % 5000 === 4999) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
  } finally {
    await conn.close();
  }
}

async function declareStream(name: string): Promise<void> {
  await management('PUT', `/queues/%2F/${encodeURIComponent(name)}`, { durable: true, arguments: { 'x-queue-type': 'stream' } });
}

/** A range by the stream protocol from a seek the read API does not take (first, last, next). */
async function seekRead(seek: StreamSeek, limit: number): Promise<{ offsets: bigint[]; outcome: RangeOutcome }> {
  const reader = await StreamReader.open({ host: '127.0.0.1', port: 5552, tls: false, username: 'guest', password: 'guest', vhost: '/' });
  const outcome: RangeOutcome = { bounds: null, count: 0, lastOffset: null, next: null };
  const offsets: bigint[] = [];
  try {
    for await (const batch of rangeBatches(reader, stream, seek, { limit, signal: new AbortController().signal, convert: (o) => o }, outcome)) offsets.push(...batch);
  } finally {
    reader.close();
  }
  return { offsets, outcome };
}

/** Where RabbitMQ's own AMQP consumer starts for an `x-stream-offset` (an oracle Rewind's code does not touch). */
async function amqpStartOffset(offset: string): Promise<number> {
  const { conn, ch } = await connect();
  try {
    await ch.prefetch(1);
    const first = new Promise<number>((resolve) => {
      void ch.consume(stream, (m: ConsumeMessage | null) => m && resolve(Number((m.properties.headers as Record<string, unknown>)['x-stream-offset'])), { arguments: { 'x-stream-offset': offset } });
    });
    return await first;
  } finally {
    await conn.close();
  }
}

beforeAll(async () => {
  await declareStream(stream);
  await publish(stream, 0, HALF, bodyOf);
  // Chunks carry the broker's write time: a clear gap puts the halves in different chunks and times.
  await new Promise((r) => setTimeout(r, 1500));
  secondHalfAt = Date.now();
  await new Promise((r) => setTimeout(r, 1500));
  await publish(stream, HALF, N, bodyOf);
}, 180_000);

afterAll(async () => {
  await management('DELETE', `/queues/%2F/${encodeURIComponent(stream)}`);
});

describe('a stream read by the stream protocol', () => {
  it('reads 100,000 messages to the exact end: count, last offset and the first and last bodies as written', async () => {
    const { items, summary } = await readAll(adapter, { target, from: { type: 'start' }, limit: N + 10 });
    expect(summary).toMatchObject({ count: N, next: null, end: String(N), via: 'stream protocol' });
    expect(items).toHaveLength(N);
    expect(items[0]!.position).toBe('0');
    expect(items[N - 1]!.position).toBe(String(N - 1));
    expect(bytesOf(items[0]!)).toEqual(FIRST_BODY);
    expect(bytesOf(items[N - 1]!)).toEqual(LAST_BODY);
    expect(items[N - 1]!.id).toBe(`m-${N - 1}`);
    // Every offset once, in order.
    expect(items.every((e, i) => e.position === String(i))).toBe(true);
  });

  it('stops at its limit with where to go on, and going on ends at the same last offset', async () => {
    const head = await readAll(adapter, { target, from: { type: 'start' }, limit: 40_000 });
    expect(head.summary).toMatchObject({ count: 40_000, next: '40000', end: String(N) });
    const rest = await readAll(adapter, { target, from: { type: 'position', value: head.summary.next! }, limit: N });
    expect(rest.summary).toMatchObject({ count: N - 40_000, next: null, end: String(N) });
    expect(rest.items[0]!.position).toBe('40000');
    expect(bytesOf(rest.items.at(-1)!)).toEqual(LAST_BODY);
  });

  it('ends at the known end, not after a silence: the last ten come back faster than AMQP waits for quiet', async () => {
    const started = performance.now();
    const { items, summary } = await readAll(adapter, { target, from: { type: 'position', value: String(N - 10) }, limit: 100 });
    const elapsed = performance.now() - started;
    expect(items.map((e) => e.position)).toEqual(Array.from({ length: 10 }, (_, i) => String(N - 10 + i)));
    expect(summary.next).toBeNull();
    // AMQP ends a stream read only after 750 ms without a message.
    expect(elapsed).toBeLessThan(700);
  });

  it('seeks by offset, also into the middle of a chunk', async () => {
    const { items } = await readAll(adapter, { target, from: { type: 'position', value: '12345' }, limit: 5 });
    expect(items.map((e) => e.position)).toEqual(['12345', '12346', '12347', '12348', '12349']);
    expect(items.map((e) => bytesOf(e).toString())).toEqual([12345, 12346, 12347, 12348, 12349].map((i) => `{"n":${i}}`));
    const past = await readAll(adapter, { target, from: { type: 'position', value: String(N + 5) }, limit: 5 });
    expect(past.summary).toMatchObject({ count: 0, next: null, end: String(N) });
  });

  it('seeks by time: from the first message written at or after it', async () => {
    const { items } = await readAll(adapter, { target, from: { type: 'time', value: new Date(secondHalfAt).toISOString() }, limit: 3 });
    expect(items.map((e) => e.position)).toEqual([String(HALF), String(HALF + 1), String(HALF + 2)]);
    expect(Date.parse(items[0]!.timestamp!)).toBeGreaterThanOrEqual(secondHalfAt);
    const future = await readAll(adapter, { target, from: { type: 'time', value: new Date(Date.now() + 60_000).toISOString() }, limit: 3 });
    expect(future.summary.count).toBe(0);
  });

  it('seeks to the first message, the last chunk (where RabbitMQ’s own consumer starts) and next (nothing yet)', async () => {
    const first = await seekRead({ type: 'first' }, 3);
    expect(first.offsets).toEqual([0n, 1n, 2n]);
    expect(first.outcome.bounds).toMatchObject({ first: 0n, last: BigInt(N - 1) });
    const last = await seekRead({ type: 'last' }, N);
    expect(last.offsets.at(-1)).toBe(BigInt(N - 1));
    expect(last.offsets.length).toBeLessThan(N);
    expect(Number(last.offsets[0])).toBe(await amqpStartOffset('last'));
    const next = await seekRead({ type: 'next' }, N);
    expect(next.offsets).toEqual([]);
  });

  it('a read from the last chunk (records/read `last`) starts where RabbitMQ’s own consumer does and ends at the last message', async () => {
    const { items, summary } = await readAll(adapter, { target, from: { type: 'last' }, limit: N });
    expect(Number(items[0]!.position)).toBe(await amqpStartOffset('last'));
    expect(items.at(-1)!.position).toBe(String(N - 1));
    expect(bytesOf(items.at(-1)!)).toEqual(LAST_BODY);
    expect(summary.via).toBe('stream protocol');
  });
});

describe('a live tail of a stream', () => {
  it('sees messages as they arrive, and after a pause goes on with what came meanwhile, nothing missed', async () => {
    const live = unique('rewind-sp-tail');
    await declareStream(live);
    await publish(live, 0, 3, (i) => Buffer.from(`old ${i}`));
    const seen: Envelope[] = [];
    const abort = new AbortController();
    const follow = await adapter.followStream({ ...target, queue: live }, { type: 'next' }, abort.signal, (b) => seen.push(...b));
    try {
      expect(follow.via).toBe('stream protocol');
      const until = async (n: number) => {
        for (let t = 0; t < 200 && seen.length < n; t++) await new Promise((r) => setTimeout(r, 50));
      };
      await publish(live, 3, 8, (i) => Buffer.from(`new ${i}`));
      await until(5);
      expect(seen.map((e) => [e.position, bytesOf(e).toString()])).toEqual([3, 4, 5, 6, 7].map((i) => [String(i), `new ${i}`]));
      follow.pause();
      await publish(live, 8, 12, (i) => Buffer.from(`paused ${i}`));
      await new Promise((r) => setTimeout(r, 700));
      expect(seen).toHaveLength(5);
      follow.resume();
      await until(9);
      expect(seen.map((e) => e.position)).toEqual(['3', '4', '5', '6', '7', '8', '9', '10', '11']);
    } finally {
      abort.abort();
      await follow.done;
      await management('DELETE', `/queues/%2F/${encodeURIComponent(live)}`);
    }
  });
});

describe('a stream connection the broker closes', () => {
  it('ends a tail with an error the user sees, not a quiet stop', async () => {
    const live = unique('rewind-sp-drop');
    await declareStream(live);
    // A profile of its own, so only this test's connection is closed (its name carries the profile's).
    const name = unique('dropped');
    const own = new RabbitAdapter(rabbitProfile({ name }), 'guest');
    const abort = new AbortController();
    const follow = await own.followStream({ ...target, queue: live }, { type: 'next' }, abort.signal, () => undefined);
    try {
      // The management API lists a connection a few seconds after it opens.
      let closed = 0;
      for (let t = 0; t < 100 && closed === 0; t++) {
        closed = await closeConnectionsOf(new RegExp(`Rewind: ${name} \\(stream reader\\)`));
        if (closed === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(closed).toBeGreaterThan(0);
      await expect(follow.done).rejects.toMatchObject({ code: 'network' });
    } finally {
      abort.abort();
      await management('DELETE', `/queues/%2F/${encodeURIComponent(live)}`);
    }
  });
});

describe('when the stream port does not answer', () => {
  it('reads over AMQP, says so, and reads the same messages', async () => {
    const small = unique('rewind-sp-fallback');
    await declareStream(small);
    await publish(small, 0, 20, (i) => Buffer.from(`m ${i}`));
    try {
      // Port 1 on loopback: nothing listens there.
      const amqpOnly = new RabbitAdapter(rabbitProfile(), 'guest', { streamPort: 1 });
      const t = { ...target, queue: small };
      const viaAmqp = await readAll(amqpOnly, { target: t, from: { type: 'start' }, limit: 100 });
      expect(viaAmqp.summary.via).toBe('AMQP');
      expect(viaAmqp.summary.notes?.join(' ')).toMatch(/127\.0\.0\.1:1\b/);
      const viaStream = await readAll(adapter, { target: t, from: { type: 'start' }, limit: 100 });
      expect(viaStream.summary.via).toBe('stream protocol');
      const shown = (items: Envelope[]) => items.map((e) => [e.position, bytesOf(e).toString(), e.id, e.key?.kind === 'text' ? e.key.text : null]);
      expect(shown(viaAmqp.items)).toEqual(shown(viaStream.items));
      expect(viaStream.items).toHaveLength(20);
    } finally {
      await management('DELETE', `/queues/%2F/${encodeURIComponent(small)}`);
    }
  });
});

describe('a super stream', () => {
  it('is listed once, with its partitions in their order', async () => {
    const name = unique('rewind-sp-super');
    // The topology RabbitMQ's own tools declare: a direct exchange marked x-super-stream, one stream per partition.
    await management('PUT', `/exchanges/%2F/${name}`, { type: 'direct', durable: true, arguments: { 'x-super-stream': true } });
    const keys = ['emea', 'amer', 'apac'];
    try {
      for (const [order, key] of keys.entries()) {
        await declareStream(`${name}-${key}`);
        await management('POST', `/bindings/%2F/e/${name}/q/${name}-${key}`, { routing_key: key, arguments: { 'x-stream-partition-order': order } });
      }
      const resources = await adapter.listResources(new AbortController().signal);
      const supers = resources.filter((r) => r.type === 'rabbit-super-stream' && r.name === name);
      expect(supers).toHaveLength(1);
      expect(supers[0]).toMatchObject({ vhost: '/', partitions: keys.map((key, order) => ({ queue: `${name}-${key}`, order, routingKey: key })) });
      // Each partition is still a stream of its own.
      for (const key of keys) expect(resources.find((r) => r.type === 'rabbit-queue' && r.name === `${name}-${key}`)).toMatchObject({ queueType: 'stream' });
    } finally {
      for (const key of keys) await management('DELETE', `/queues/%2F/${name}-${key}`);
      await management('DELETE', `/exchanges/%2F/${name}`);
    }
  });
});
