import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createUser, createVhost, declare, deleteUser, deleteVhost, management, untilManagement } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * The map when the broker says no: a user without the monitoring tag, a vhost the user may not
 * use, and a management API that is not there (its port closed; the plugin stays on for others).
 * Users and vhosts are made through the management API and removed after.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
const vhost = unique('map-acl');
const closedVhost = unique('map-closed');
const user = unique('map-user');
const password = 'pw-' + unique('x');
let consumer: ChannelModel;
let closedPort: number;
let holder: Server;

const save = (name: string, username: string, pw: string, managementPort = 15672) =>
  client.call('connections/save', { kind: 'rabbitmq', name, host: '127.0.0.1', port: 5672, tls: false, username, password: pw, vhost, managementPort }).then((p) => p.id);

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiCallError);
  return e as ApiCallError;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-map-acl-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  await createVhost(vhost);
  await createVhost(closedVhost);
  // "management" only: the API answers, but hides other users' connections and refuses their details.
  await createUser(user, password, ['management'], [vhost]);
  await declare.exchange(vhost, 'acl.x', 'direct');
  await declare.queue(vhost, 'acl.q', { 'x-message-ttl': 5000 });
  await declare.bind(vhost, 'acl.x', 'acl.q', 'k');
  // guest consumes from acl.q: another user's connection.
  consumer = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`, { clientProperties: { connection_name: 'acl-guest-consumer' } });
  consumer.on('error', () => undefined);
  await (await consumer.createChannel()).consume('acl.q', () => undefined);
  await untilManagement('/connections', (list) => JSON.stringify(list).includes('acl-guest-consumer'));
  // A loopback port that refuses: bound, then closed, so nothing listens there.
  holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  closedPort = (holder.address() as { port: number }).port;
  await new Promise<void>((r) => holder.close(() => r()));
});

afterAll(async () => {
  await consumer?.close().catch(() => undefined);
  await deleteUser(user);
  await deleteVhost(vhost);
  await deleteVhost(closedVhost);
  await context?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a user without the monitoring tag', () => {
  it('reads the topology and the queue, and says what it could not read', async () => {
    const id = await save('mgmt-only', user, password);
    const t = await client.call('rabbit/topology', { connectionId: id, vhost });
    expect(t.queues.map((q) => q.name)).toEqual(['acl.q']);
    expect(t.bindings).toEqual([{ source: 'acl.x', destination: 'acl.q', destinationType: 'queue', routingKey: 'k', arguments: {} }]);
    const q = await client.call('rabbit/queue', { connectionId: id, vhost, queue: 'acl.q' });
    // The consumer is listed (the queue says so), but its connection's details are another user's.
    expect(q.consumers).toHaveLength(1);
    expect(q.consumers[0]).toMatchObject({ user: 'guest', clientProperties: null });
    expect(q.missing.join('\n')).toMatch(/client properties of other users' connections \(needs the monitoring tag\): User not authorised to access object/);
    expect(q.problems.map((p) => p.code)).toEqual(['ttl-without-dlx']);
  });

  it('lists its own connections only, and says so', async () => {
    const id = await save('mgmt-only-2', user, password);
    const r = await client.call('rabbit/connections', { connectionId: id });
    expect(r.connections.some((c) => c.clientName === 'acl-guest-consumer')).toBe(false);
    expect(r.missing).toEqual([`other users' connections: ${user} has no "monitoring" tag, so the broker lists only its own (tags: management)`]);
    // guest (administrator) sees that connection: the difference is the tag, not the broker.
    const guest = await save('guest', 'guest', 'guest');
    expect((await client.call('rabbit/connections', { connectionId: guest })).connections.some((c) => c.clientName === 'acl-guest-consumer')).toBe(true);
  });

  it('keeps AMQP features: purge works behind its typed name', async () => {
    const id = await save('mgmt-only-3', user, password);
    expect(await client.call('rabbit/purge-queue', { connectionId: id, vhost, queue: 'acl.q', confirm: 'acl.q' })).toEqual({ purged: 0 });
  });
});

describe('a vhost the user may not use', () => {
  it('names the vhost and the user', async () => {
    const id = await save('mgmt-only-4', user, password);
    const e = await failure(client.call('rabbit/topology', { connectionId: id, vhost: closedVhost }));
    expect(e.code).toBe('auth');
    expect(e.message).toContain(user);
    expect(e.message).toContain(closedVhost);
    expect(e.hint).toMatch(/permissions on this vhost/);
  });
});

describe('no management API at the configured port', () => {
  it('says the management API is not there, and purge/delete over AMQP still work', async () => {
    const id = await save('no-mgmt', 'guest', 'guest', closedPort);
    const e = await failure(client.call('rabbit/topology', { connectionId: id, vhost }));
    expect(e.code).toBe('network');
    expect(e.message).toContain(`Management API at 127.0.0.1:${closedPort}`);
    expect(e.hint).toMatch(/rabbitmq_management/);
    await declare.queue(vhost, 'acl.gone');
    expect(await client.call('rabbit/delete-queue', { connectionId: id, vhost, queue: 'acl.gone', confirm: 'acl.gone' })).toEqual({ messages: 0 });
    expect(await management('GET', `/queues/${encodeURIComponent(vhost)}/acl.gone`)).toMatchObject({ error: 'Object Not Found' });
  });
});
