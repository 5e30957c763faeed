import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import type { Envelope } from '../../src/model/envelope';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { FileSecretStore } from '../../src/services/secret-store';
import { deliverFrame, fakeStreamServer, messagesChunk, type FakeStreamServer } from '../tools/fake-stream-server';
import { management } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * The RabbitMQ stream port is part of a connection and of where its saved password may go. The
 * password goes to the stream port only with the TLS setting of the AMQP port, or after the user
 * allowed it in words; a changed stream port needs the password typed again. What reaches a port
 * is checked from outside: a recording proxy in front of a stream-protocol server that speaks
 * RabbitMQ's handshake (and takes any password), so a PLAIN SASL frame would be seen.
 */
const user = unique('rewind-sp-user');
const PASSWORD = `pw-${unique('stream')}`;
const stream = unique('rewind-sp-secret');
let dir: string;
let context: AppContext;
let client: RewindClient;
let fake: FakeStreamServer;

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
/** An AMQP 1.0 message with one data section holding `text`, as a stream stores it. */
const dataMessage = (text: string) => Buffer.concat([hex('00 53 75 a0'), Buffer.from([Buffer.byteLength(text)]), Buffer.from(text)]);

/**
 * A loopback port that forwards to the fake stream server and records what clients send. Like
 * RabbitMQ's plain stream listener, it drops a connection whose first bytes are a TLS hello.
 */
async function recordingProxy(): Promise<{ port: number; seen: () => Buffer; connections: () => number; close: () => void }> {
  let seen = Buffer.alloc(0);
  let connections = 0;
  const server: Server = createServer((socket: Socket) => {
    connections++;
    socket.on('error', () => undefined);
    const upstream = connect(fake.port, '127.0.0.1');
    upstream.on('error', () => socket.destroy());
    let first = true;
    socket.on('data', (d: Buffer) => {
      seen = Buffer.concat([seen, d]);
      if (first && d[0] === 0x16) return void socket.destroy(); // a TLS ClientHello on a plain port
      first = false;
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => socket.write(d));
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen: () => seen, connections: () => connections, close: () => server.close() };
}

/** A PLAIN SASL response carrying this user's password, as the stream protocol sends it. */
const plainSasl = (password: string) => Buffer.from(`\0${user}\0${password}`);

function openContext(): void {
  context = createAppContext({ dataDir: dir, secrets: new FileSecretStore(join(dir, 'secrets.json'), () => undefined), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
}

async function read(connectionId: string, queue = stream): Promise<{ items: Envelope[]; via: string | undefined }> {
  const items: Envelope[] = [];
  const summary = await client.stream('records/read', { connectionId, target: { type: 'rabbit-stream', vhost: '/', queue }, from: { type: 'start' }, limit: 10 }, { onBatch: (b) => items.push(...b) });
  return { items, via: summary.via };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as ApiCallError,
  );

const draft = (overrides: Record<string, unknown> = {}) => ({
  kind: 'rabbitmq' as const,
  name: 'streams',
  host: '127.0.0.1',
  port: 5672,
  tls: false,
  username: user,
  vhost: '/',
  managementPort: 15672,
  ...overrides,
});

beforeAll(async () => {
  await management('PUT', `/users/${user}`, { password: PASSWORD, tags: 'management' });
  await management('PUT', `/permissions/%2F/${user}`, { configure: '.*', write: '.*', read: '.*' });
  await management('PUT', `/queues/%2F/${encodeURIComponent(stream)}`, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  // The stream's one message comes from a plain amqplib publisher, not from Rewind.
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createConfirmChannel();
  ch.sendToQueue(stream, Buffer.from('{"n":1}'));
  await ch.waitForConfirms();
  await conn.close();
  fake = await fakeStreamServer({ stats: { first: 0n, committed: 0n }, onSubscribe: (sub) => sub.write(deliverFrame(sub.id, messagesChunk(0n, [dataMessage('from the fake')]))) });
  dir = mkdtempSync(join(tmpdir(), 'rewind-stream-secret-'));
  openContext();
});
afterAll(async () => {
  await context.close();
  await fake.close();
  await management('DELETE', `/queues/%2F/${encodeURIComponent(stream)}`);
  await management('DELETE', `/users/${user}`);
  rmSync(dir, { recursive: true, force: true });
});

describe('the stream port belongs to the connection and to its saved password', () => {
  it('a new RabbitMQ connection has stream port 5552, and its password reads the stream there', async () => {
    const saved = await client.call('connections/save', { ...draft(), password: PASSWORD });
    expect(saved).toMatchObject({ streamPort: 5552, streamWithoutTls: false });
    const { items, via } = await read(saved.id);
    expect(via).toBe('stream protocol');
    expect(items).toHaveLength(1);
  });

  it('a changed stream port makes the saved password unusable until it is typed again', async () => {
    const saved = await client.call('connections/save', { ...draft({ name: 'moved' }), password: PASSWORD });
    const proxy = await recordingProxy();
    try {
      const saving = await failure(client.call('connections/save', { ...draft({ name: 'moved', streamPort: proxy.port }), id: saved.id }));
      expect(saving.code).toBe('invalid_input');
      expect(saving.message).toMatch(new RegExp(`saved for .*stream port 5552.*type it again to send it to .*stream port ${proxy.port}`, 'i'));
      const testing = await failure(client.call('connections/test', { draft: { ...draft({ name: 'moved', streamPort: proxy.port }), id: saved.id } }));
      expect(testing.message).toMatch(/type it again/i);
      expect(await client.call('connections/get', { connectionId: saved.id })).toMatchObject({ streamPort: 5552 });

      // Another program (or an older Rewind) changes the port in connections.json: still not sent.
      await context.close();
      const file = join(dir, 'connections.json');
      const profiles = JSON.parse(readFileSync(file, 'utf8')) as { connections: { id: string; streamPort?: number }[] };
      profiles.connections.find((p) => p.id === saved.id)!.streamPort = proxy.port;
      writeFileSync(file, JSON.stringify(profiles));
      openContext();
      const reading = await failure(read(saved.id));
      expect(reading.message).toMatch(new RegExp(`saved for .*stream port 5552.*type it again`, 'i'));
      expect(proxy.connections()).toBe(0);

      // Typed again for the new port, it is the user's choice to send it there.
      await client.call('connections/save', { ...draft({ name: 'moved', streamPort: proxy.port }), id: saved.id, password: PASSWORD });
      const { via, items } = await read(saved.id);
      expect(via).toBe('stream protocol');
      expect(items.map((e) => (e.payload.kind === 'text' ? e.payload.text : e.payload.kind))).toEqual(['from the fake']);
      expect(proxy.seen().includes(plainSasl(PASSWORD))).toBe(true);
    } finally {
      proxy.close();
    }
  });

  it('a TLS connection never sends the password to a plain stream port unless the user allows it', async () => {
    const proxy = await recordingProxy();
    try {
      const saved = await client.call('connections/save', { ...draft({ name: 'tls', tls: true, streamPort: proxy.port }), password: PASSWORD });
      expect(saved).toMatchObject({ tls: true, streamPort: proxy.port, streamWithoutTls: false });
      // The stream port is spoken to with TLS, as the AMQP port is; this one is plain and hangs up.
      await failure(read(saved.id));
      expect(proxy.connections()).toBeGreaterThan(0);
      expect(proxy.seen()[0]).toBe(0x16);
      expect(proxy.seen().includes(Buffer.from(PASSWORD))).toBe(false);
      expect(proxy.seen().includes(Buffer.from('PLAIN'))).toBe(false);

      // Allowing a plain stream port is a new target: the password must be typed again for it.
      const unasked = await failure(client.call('connections/save', { ...draft({ name: 'tls', tls: true, streamPort: proxy.port, streamWithoutTls: true }), id: saved.id }));
      expect(unasked.message).toMatch(/type it again to send it to .*stream port \d+ \(without TLS\)/i);
      expect(proxy.seen().includes(Buffer.from(PASSWORD))).toBe(false);

      await client.call('connections/save', { ...draft({ name: 'tls', tls: true, streamPort: proxy.port, streamWithoutTls: true }), id: saved.id, password: PASSWORD });
      const { via } = await read(saved.id);
      expect(via).toBe('stream protocol');
      expect(proxy.seen().includes(plainSasl(PASSWORD))).toBe(true);
    } finally {
      proxy.close();
    }
  });

  it('a profile saved before the stream port existed keeps its password for 5552 only', async () => {
    await context.close();
    const legacy = mkdtempSync(join(tmpdir(), 'rewind-legacy-'));
    const proxy = await recordingProxy();
    const before = dir;
    dir = legacy;
    try {
      // As the previous release wrote them: no stream port, the binding without it.
      const profile = { id: 'old', kind: 'rabbitmq', name: 'old', host: '127.0.0.1', port: 5672, tls: false, username: user, hasPassword: true, vhost: '/', managementPort: 15672 };
      writeFileSync(join(legacy, 'connections.json'), JSON.stringify({ version: 1, connections: [profile] }));
      writeFileSync(join(legacy, 'secrets.json'), JSON.stringify({ old: JSON.stringify({ for: '127.0.0.1:5672 and management port 15672 (no TLS)', secret: PASSWORD }) }));
      openContext();
      expect(await client.call('connections/get', { connectionId: 'old' })).toMatchObject({ streamPort: 5552, streamWithoutTls: false });
      const { via, items } = await read('old');
      expect(via).toBe('stream protocol');
      expect(items).toHaveLength(1);

      // The old binding does not stretch to another stream port.
      await context.close();
      writeFileSync(join(legacy, 'connections.json'), JSON.stringify({ version: 1, connections: [{ ...profile, streamPort: proxy.port }] }));
      openContext();
      expect((await failure(read('old'))).message).toMatch(/type it again/i);
      expect(proxy.connections()).toBe(0);
    } finally {
      proxy.close();
      await context.close();
      rmSync(legacy, { recursive: true, force: true });
      dir = before;
      openContext();
    }
  });
});
