import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { connect } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A broker that blocks publishers (its memory alarm, set here with rabbitmqctl as an operator or
 * a full machine would) never confirms: a publish waits a bounded time, then says so, instead of
 * hanging with its audit entry unwritten.
 */
const run = promisify(execFile);
const asRoot = (cmd: string, args: string[]) => (process.getuid?.() === 0 ? run(cmd, args) : run('sudo', [cmd, ...args]));
let dir: string;
let context: AppContext;
let client: RewindClient;
let rabbitId: string;
const q = unique('blocked-q');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-publish-blocked-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  rabbitId = (
    await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })
  ).id;
  const { conn, ch } = await connect();
  await ch.assertQueue(q, { durable: false });
  await conn.close();
});

afterAll(async () => {
  await asRoot('rabbitmqctl', ['set_vm_memory_high_watermark', '0.4']).catch(() => undefined);
  await context.close();
  const { conn, ch } = await connect();
  await ch.deleteQueue(q).catch(() => undefined);
  await conn.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a broker that blocks publishers', () => {
  it('the publish ends with a timeout that says what is in doubt, and the audit has it', async () => {
    await asRoot('rabbitmqctl', ['set_vm_memory_high_watermark', 'absolute', '1']);
    try {
      const started = Date.now();
      const e = await client
        .stream('publish/send', {
          connectionId: rabbitId,
          target: { kind: 'exchange', vhost: '/', exchange: '', routingKey: q },
          message: { payload: { format: 'text', text: 'hi' }, headers: [], properties: {} },
          count: 10,
        })
        .catch((err: unknown) => err as ApiCallError);
      expect(e).toBeInstanceOf(ApiCallError);
      expect((e as ApiCallError).message).toMatch(/has not confirmed the last 10 messages in 15 s/);
      expect(Date.now() - started).toBeLessThan(40_000);
      const { entries } = await client.call('audit/list', { actions: ['publish'], limit: 1 });
      expect(JSON.stringify(entries[0]?.detail)).toMatch(/not confirmed|inDoubt/);
    } finally {
      await asRoot('rabbitmqctl', ['set_vm_memory_high_watermark', '0.4']);
    }
  }, 60_000);
});
