import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitAdapter } from '../../src/sources/rabbitmq/rabbit-adapter';
import type { WireEvent } from '../../src/model/wire';
import { connect, management } from '../tools/rabbit-tools';
import { rabbitProfile, readAll, unique } from './brokers';

/**
 * A stream's records carry a time in the Time column. Messages are published through the
 * management API (not through Rewind): one with no time of its own (most AMQP 0.9.1 publishers
 * set none), one with the AMQP `timestamp` property, one with RabbitMQ's `timestamp_in_ms` header.
 */
const stream = unique('rewind-stream-time');
const adapter = new RabbitAdapter(rabbitProfile(), 'guest');
const signal = () => new AbortController().signal;
let before = 0;
let after = 0;

async function publish(payload: string, properties: Record<string, unknown>): Promise<void> {
  const r = (await management('POST', '/exchanges/%2F/amq.default/publish', { routing_key: stream, payload, payload_encoding: 'string', properties })) as { routed: boolean };
  expect(r.routed).toBe(true);
}

beforeAll(async () => {
  await management('PUT', `/queues/%2F/${stream}`, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  // Whole seconds either side: the broker's clock is this machine's, its chunk times are milliseconds.
  before = Date.now() - 1000;
  await publish('no time of its own', { delivery_mode: 2 });
  await publish('producer time', { delivery_mode: 2, timestamp: 1577934245 });
  await publish('interceptor time', { delivery_mode: 2, headers: { timestamp_in_ms: 1577934245123 } });
  after = Date.now() + 1000;
});
afterAll(async () => {
  await management('DELETE', `/queues/%2F/${stream}`);
});

const target = { type: 'rabbit-stream' as const, vhost: '/', queue: stream };

describe('RabbitMQ stream records have a time', () => {
  it('from the message where it carries one, else from the chunk the broker wrote it in', async () => {
    const { items } = await readAll(adapter, { target, from: { type: 'start' }, limit: 10 });
    expect(items.map((e) => (e.payload.kind === 'text' ? e.payload.text : null))).toEqual(['no time of its own', 'producer time', 'interceptor time']);
    const written = Date.parse(items[0]!.timestamp ?? 'not a time');
    expect(written).toBeGreaterThanOrEqual(before);
    expect(written).toBeLessThanOrEqual(after);
    expect(items[1]!.timestamp).toBe('2020-01-02T03:04:05.000Z');
    expect(items[2]!.timestamp).toBe('2020-01-02T03:04:05.123Z');
  });

  it('reading from an offset in the middle of a chunk still finds its time', async () => {
    const { items } = await readAll(adapter, { target, from: { type: 'position', value: '2' }, limit: 10 });
    expect(items.map((e) => e.position)).toEqual(['2']);
    expect(items[0]!.timestamp).toBe('2020-01-02T03:04:05.123Z');
    const { items: first } = await readAll(adapter, { target, from: { type: 'position', value: '0' }, limit: 1 });
    expect(Date.parse(first[0]!.timestamp ?? '')).toBeGreaterThanOrEqual(before);
  });

  it('projections see the same times as the records table', async () => {
    const events: WireEvent[] = [];
    for await (const batch of adapter.events(target, { type: 'start' }, null, signal())) events.push(...batch);
    expect(events).toHaveLength(3);
    const written = Date.parse(events[0]!.timestamp);
    expect(written).toBeGreaterThanOrEqual(before);
    expect(written).toBeLessThanOrEqual(after);
    expect(events.slice(1).map((e) => e.timestamp)).toEqual(['2020-01-02T03:04:05.000Z', '2020-01-02T03:04:05.123Z']);
  });

  it("every message of a long read gets its chunk's time, across many chunks and from the middle of one", async () => {
    const burst = unique('rewind-stream-burst');
    await management('PUT', `/queues/%2F/${burst}`, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    const { conn } = await connect();
    try {
      // A raw amqplib publisher with no timestamps, in bursts the broker writes as multi-message chunks.
      const ch = await conn.createConfirmChannel();
      const start = Date.now() - 1000;
      for (let b = 0; b < 20; b++) {
        for (let i = 0; i < 100; i++) ch.sendToQueue(burst, Buffer.from(`m${b * 100 + i}`));
        await ch.waitForConfirms();
      }
      const end = Date.now() + 1000;
      const t = { type: 'rabbit-stream' as const, vhost: '/', queue: burst };
      const all = await readAll(adapter, { target: t, from: { type: 'start' }, limit: 5000 });
      expect(all.items).toHaveLength(2000);
      const missing = all.items.filter((e) => e.timestamp === null).map((e) => e.position);
      expect(missing).toEqual([]);
      for (const e of all.items) expect(Date.parse(e.timestamp!)).toBeGreaterThanOrEqual(start);
      for (const e of all.items) expect(Date.parse(e.timestamp!)).toBeLessThanOrEqual(end);
      const middle = await readAll(adapter, { target: t, from: { type: 'position', value: '1234' }, limit: 10 });
      expect(middle.items.map((e) => e.timestamp)).toEqual(all.items.slice(1234, 1244).map((e) => e.timestamp));
    } finally {
      await conn.close();
      await management('DELETE', `/queues/%2F/${burst}`);
    }
  });
});
