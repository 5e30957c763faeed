import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitAdapter } from '../../src/sources/rabbitmq/rabbit-adapter';
import { AMQP_URL, rabbitProfile, failure, readAll, unique } from './brokers';

const signal = () => new AbortController().signal;

describe('RabbitMQ adapter against a real broker', () => {
  const stream = unique('rewind-test-stream');
  const classic = `${unique('rewind-test-orders')}.dlq`;
  let conn: ChannelModel;
  const adapter = new RabbitAdapter(rabbitProfile(), 'guest');

  beforeAll(async () => {
    conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue(stream, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    await ch.assertQueue(classic, { durable: false });
    for (let i = 0; i < 30; i++) {
      ch.sendToQueue(stream, Buffer.from(JSON.stringify({ n: i })), {
        messageId: `m-${i}`,
        type: 'Tick',
        correlationId: `c-${i}`,
        headers: { tenant: 'acme' },
      });
    }
    ch.sendToQueue(classic, Buffer.from('dead'));
    await ch.waitForConfirms();
    await ch.close();
  });

  afterAll(async () => {
    await adapter.close();
    const ch = await conn.createChannel();
    await ch.deleteQueue(stream).catch(() => undefined);
    await ch.deleteQueue(classic).catch(() => undefined);
    await conn.close();
  });

  it('reports the broker version', async () => {
    const result = await adapter.test(signal());
    expect(result.server).toMatch(/^RabbitMQ \d+\.\d+\.\d+$/);
    expect(result.details.join(' ')).toContain('management API :15672');
  });

  it('lists vhosts and queues with their type, and marks dead-letter queues', async () => {
    const resources = await adapter.listResources(signal());
    expect(resources).toContainEqual({ type: 'rabbit-vhost', name: '/' });
    expect(resources.find((r) => r.type === 'rabbit-queue' && r.name === stream)).toMatchObject({ vhost: '/', queueType: 'stream', deadLetter: false });
    expect(resources.find((r) => r.type === 'rabbit-queue' && r.name === classic)).toMatchObject({ queueType: 'classic', deadLetter: true });
  });

  it('reads a range of a stream queue by offset', async () => {
    const { items, summary } = await readAll(adapter, { target: { type: 'rabbit-stream', vhost: '/', queue: stream }, from: { type: 'start' }, limit: 10 });
    expect(items.map((e) => e.position)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(items[4]).toMatchObject({
      source: 'rabbitmq',
      id: 'm-4',
      type: 'Tick',
      correlationId: 'c-4',
      payload: { kind: 'json', text: '{"n":4}' },
    });
    expect(items[4]?.headers).toContainEqual({ name: 'tenant', value: 'acme', type: 'string' });
    expect(summary.next).toBe('10');
  });

  it('reads from an offset to the end', async () => {
    const { items, summary } = await readAll(adapter, { target: { type: 'rabbit-stream', vhost: '/', queue: stream }, from: { type: 'position', value: '25' }, limit: 100 });
    expect(items.map((e) => e.position)).toEqual(['25', '26', '27', '28', '29']);
    expect(summary.next).toBeNull();
  });

  it('reading a stream removes nothing', async () => {
    const { items } = await readAll(adapter, { target: { type: 'rabbit-stream', vhost: '/', queue: stream }, from: { type: 'start' }, limit: 100 });
    expect(items).toHaveLength(30);
  });

  it('refuses to range-read a classic queue, and the message stays', async () => {
    const e = await failure(readAll(adapter, { target: { type: 'rabbit-stream', vhost: '/', queue: classic }, from: { type: 'start' }, limit: 1 }));
    expect(e.code).toBe('unsupported');
    const ch = await conn.createChannel();
    expect((await ch.checkQueue(classic)).messageCount).toBe(1);
    await ch.close();
  });
});

describe('RabbitMQ connection failures say what is wrong', () => {
  it('a wrong password is an auth error', async () => {
    const e = await failure(new RabbitAdapter(rabbitProfile(), 'not-the-password').test(signal()));
    expect(e.code).toBe('auth');
    expect(e.message).toContain('ACCESS_REFUSED');
  });

  it('a port with nothing listening is a network error', async () => {
    const e = await failure(new RabbitAdapter(rabbitProfile({ port: 1 }), 'guest').test(signal()));
    expect(e.code).toBe('network');
    expect(e.message).toContain('127.0.0.1:1');
  });

  it('an unknown vhost is not found', async () => {
    const e = await failure(new RabbitAdapter(rabbitProfile({ vhost: unique('no-such-vhost') }), 'guest').test(signal()));
    expect(e.code).toBe('not_found');
  });

  it('TLS against a plaintext port fails with a TLS hint', async () => {
    const e = await failure(new RabbitAdapter(rabbitProfile({ tls: true }), 'guest').test(signal()));
    expect(['tls', 'network', 'timeout']).toContain(e.code);
    expect(e.hint).toMatch(/TLS/);
  });

  it('a wrong management port still connects but says queues cannot be listed', async () => {
    const result = await new RabbitAdapter(rabbitProfile({ managementPort: 1 }), 'guest').test(signal());
    expect(result.details.join(' ')).toMatch(/Queues cannot be listed: .*127\.0\.0\.1:1/);
  });
});
