import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createVhost, declare, deleteVhost, rabbitmqctl, untilManagement } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Fidelity: what rabbit/topology says about queues and bindings equals what `rabbitmqctl
 * list_queues name type messages consumers` and `rabbitmqctl list_bindings` say, once the
 * broker is quiet (the management API samples depths every few seconds).
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let rabbitId: string;
let conn: ChannelModel;
const vhost = unique('map-fid');

type CtlQueue = { name: string; type: string; messages: number; consumers: number };
type CtlBinding = { source_name: string; destination_name: string; destination_kind: string; routing_key: string; arguments: unknown };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-map-fid-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost, managementPort: 15672 })).id;
  await createVhost(vhost);
  await declare.exchange(vhost, 'f.topic', 'topic');
  await declare.exchange(vhost, 'f.hdr', 'headers');
  await declare.exchange(vhost, 'f.fan', 'fanout');
  await declare.queue(vhost, 'f.classic');
  await declare.queue(vhost, 'f.quorum', { 'x-queue-type': 'quorum' });
  await declare.queue(vhost, 'f.stream', { 'x-queue-type': 'stream' });
  await declare.queue(vhost, 'f.empty');
  await declare.bind(vhost, 'f.topic', 'f.classic', 'a.*');
  await declare.bind(vhost, 'f.topic', 'f.quorum', 'a.#');
  await declare.bind(vhost, 'f.hdr', 'f.classic', '', { 'x-match': 'any', region: 'eu' });
  await declare.bind(vhost, 'f.topic', 'f.fan', '#', {}, 'e');
  await declare.bind(vhost, 'f.fan', 'f.stream', '');
  conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`);
  conn.on('error', () => undefined);
  const ch = await conn.createConfirmChannel();
  for (let i = 0; i < 40; i++) ch.publish('f.topic', i % 2 ? 'a.b' : 'a.b.c', Buffer.from(`m${i}`));
  await ch.waitForConfirms();
  const c = await conn.createChannel();
  await c.consume('f.empty', () => undefined);
  await c.prefetch(1);
  await c.consume('f.quorum', () => undefined, { noAck: false });
});

afterAll(async () => {
  await conn?.close().catch(() => undefined);
  await deleteVhost(vhost);
  await context?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('queues (type, messages, consumers) and bindings equal rabbitmqctl at quiescence', async () => {
  // Quiescence: rabbitmqctl's own answer has settled (a quorum queue reports late) and the
  // management API's sampled depths have caught up with it.
  let ctlQueues: CtlQueue[] = [];
  let previous = '';
  const settled = async () => {
    ctlQueues = await rabbitmqctl<CtlQueue[]>(['list_queues', '-p', vhost, 'name', 'type', 'messages', 'consumers']);
    const now = JSON.stringify([...ctlQueues].sort((a, b) => a.name.localeCompare(b.name)));
    const stable = now === previous;
    previous = now;
    return stable;
  };
  await untilManagement(`/queues/${encodeURIComponent(vhost)}?columns=name,messages,consumers`, (list) => {
    const seen = list as { name: string; messages?: number; consumers?: number }[];
    return ctlQueues.length > 0 && ctlQueues.every((q) => seen.some((s) => s.name === q.name && s.messages === q.messages && s.consumers === q.consumers));
  }).catch(() => undefined);
  for (let i = 0; i < 30 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 1000));
  await untilManagement(`/queues/${encodeURIComponent(vhost)}?columns=name,messages,consumers`, (list) => {
    const seen = list as { name: string; messages?: number; consumers?: number }[];
    return ctlQueues.every((q) => seen.some((s) => s.name === q.name && s.messages === q.messages && s.consumers === q.consumers));
  });
  const t = await client.call('rabbit/topology', { connectionId: rabbitId, vhost, includeDefaultBindings: true });
  const ours = t.queues.map((q) => ({ name: q.name, type: q.type, messages: q.messages, consumers: q.consumers })).sort((a, b) => a.name.localeCompare(b.name));
  const theirs = ctlQueues.map((q) => ({ name: q.name, type: q.type, messages: q.messages, consumers: q.consumers })).sort((a, b) => a.name.localeCompare(b.name));
  expect(ours).toEqual(theirs);
  // The numbers are not all zero: the comparison can tell depths and consumers apart.
  expect(theirs.find((q) => q.name === 'f.classic')?.messages).toBe(20);
  expect(theirs.find((q) => q.name === 'f.empty')?.consumers).toBe(1);

  const ctlBindings = await rabbitmqctl<CtlBinding[]>(['list_bindings', '-p', vhost, 'source_name', 'destination_name', 'destination_kind', 'routing_key', 'arguments']);
  // rabbitmqctl prints arguments as [key, type, value] triples: compare them as an object.
  const args = (a: unknown): Record<string, unknown> =>
    Array.isArray(a)
      ? Object.fromEntries(a.map((p: unknown) => (Array.isArray(p) ? [String(p[0]), p[p.length - 1]] : (Object.entries(p as object)[0] ?? ['?', null]))))
      : ((a as Record<string, unknown>) ?? {});
  const key = (b: { source: string; destination: string; kind: string; routingKey: string; arguments: Record<string, unknown> }) =>
    JSON.stringify([b.source, b.destination, b.kind, b.routingKey, Object.entries(b.arguments).sort()]);
  const mine = t.bindings.map((b) => key({ source: b.source, destination: b.destination, kind: b.destinationType, routingKey: b.routingKey, arguments: b.arguments })).sort();
  const ctl = ctlBindings.map((b) => key({ source: b.source_name, destination: b.destination_name, kind: b.destination_kind, routingKey: b.routing_key, arguments: args(b.arguments) })).sort();
  expect(mine).toEqual(ctl);
  expect(ctl).toHaveLength(5 + 4);
});
