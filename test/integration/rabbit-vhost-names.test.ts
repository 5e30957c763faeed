import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { brokerRejects, createVhost, declare, deleteVhost, management } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A vhost whose name looks escaped (`%2F`, `a%20b`) is a vhost of its own: every destructive
 * call acts on exactly the vhost it names, never on the one the name would decode to.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let rabbitId: string;
const vhosts = ['%2F', 'a%20b'];
const queue = unique('same-name');

/** How many messages a queue holds, by the management API's vhost path (its own escaping, done by hand). */
async function held(vhost: string, q: string): Promise<number> {
  // The management API samples queue lengths; a passive declare on the vhost itself is exact.
  const conn = await amqp.connect({ protocol: 'amqp', hostname: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', vhost: encodeURIComponent(vhost) });
  try {
    const ch = await conn.createChannel();
    return (await ch.checkQueue(q)).messageCount;
  } finally {
    await conn.close();
  }
}

async function fill(vhost: string, q: string, n: number, declared = false): Promise<void> {
  if (!declared) await declare.queue(vhost, q);
  for (let i = 0; i < n; i++) await management('POST', `/exchanges/${encodeURIComponent(vhost)}/amq.default/publish`, { properties: {}, routing_key: q, payload: `m${i}`, payload_encoding: 'string' });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-vhosts-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  for (const v of vhosts) await createVhost(v);
  await fill('/', queue, 3);
});

afterAll(async () => {
  await context.close();
  for (const v of vhosts) await deleteVhost(v);
  await management('DELETE', `/queues/%2F/${encodeURIComponent(queue)}`);
  rmSync(dir, { recursive: true, force: true });
});

describe('vhost names that look escaped', () => {
  it('purging a queue in vhost "%2F" empties that queue, not the one of the same name in "/"', async () => {
    await fill('%2F', queue, 5);
    expect(await held('%2F', queue)).toBe(5);
    const { purged } = await client.call('rabbit/purge-queue', { connectionId: rabbitId, vhost: '%2F', queue, confirm: queue });
    expect(purged).toBe(5);
    expect(await held('%2F', queue)).toBe(0);
    expect(await held('/', queue)).toBe(3);
    const { entries } = await client.call('audit/list', { limit: 5 });
    expect(JSON.stringify(entries[0]!.detail)).toContain('%2F');
  });

  it('a redrive from a dead-letter queue in vhost "a%20b" moves that vhost\'s messages only', async () => {
    const v = 'a%20b';
    const dlq = unique('dlq');
    const home = unique('home');
    await declare.queue(v, dlq);
    await declare.queue(v, home, { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq });
    await fill(v, home, 4, true);
    await brokerRejects(home, 4, v);
    const outcome = await client.stream('dead-letters/redrive', {
      connectionId: rabbitId,
      ref: { type: 'rabbit-queue', vhost: v, name: dlq },
      selection: { all: true },
      target: { kind: 'origin' },
      confirmedCount: 4,
    });
    expect(outcome).toMatchObject({ moved: 4, stoppedBy: 'done' });
    expect(await held(v, home)).toBe(4);
    expect(await held(v, dlq)).toBe(0);
  });
});
