import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { FileSecretStore } from '../../src/services/secret-store';
import { KAFKA_SASL_PORT } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A stored password goes only to the host, port and TLS setting it was saved for. These tests
 * stand up a listener on another loopback port and check what arrives there.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
const SECRET = 'rewind-secret';

/** A TCP listener that records every byte it receives. */
async function recorder(): Promise<{ port: number; bytes: () => string; close: () => void }> {
  let got = Buffer.alloc(0);
  const server: Server = createServer((socket) => {
    socket.on('data', (c) => (got = Buffer.concat([got, c])));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, bytes: () => got.toString('latin1'), close: () => server.close() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-secrets-'));
  context = createAppContext({ dataDir: dir, secrets: new FileSecretStore(join(dir, 'secrets.json'), () => undefined), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
});
afterAll(async () => {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a saved password stays with its target', () => {
  it('Test connection with a changed Kafka host or port does not send the saved password', async () => {
    const saved = await client.call('connections/save', { kind: 'kafka', name: 'sasl', host: '127.0.0.1', port: KAFKA_SASL_PORT, tls: false, username: 'rewind', sasl: 'plain', password: SECRET });
    expect((await client.call('connections/test', { connectionId: saved.id })).server).toMatch(/Kafka/);
    const trap = await recorder();
    try {
      const e = await client
        .call('connections/test', { draft: { id: saved.id, kind: 'kafka', name: 'sasl', host: '127.0.0.1', port: trap.port, tls: false, username: 'rewind', sasl: 'plain' } })
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ApiCallError);
      expect((e as ApiCallError).message).toMatch(/saved for 127\.0\.0\.1:\d+.*type it again/i);
      await new Promise((r) => setTimeout(r, 300));
      expect(trap.bytes()).not.toContain(SECRET);
      // Typed again, it is the user's choice to send it there.
      expect(
        (await client.call('connections/test', { draft: { id: saved.id, kind: 'kafka', name: 'sasl', host: '127.0.0.1', port: KAFKA_SASL_PORT, tls: false, username: 'rewind', sasl: 'plain' } }))
          .server,
      ).toMatch(/Kafka/);
    } finally {
      trap.close();
    }
  });

  it('Test connection with a changed RabbitMQ management port does not send the saved password there', async () => {
    const saved = await client.call('connections/save', {
      kind: 'rabbitmq',
      name: 'r',
      host: '127.0.0.1',
      port: 5672,
      tls: false,
      username: 'guest',
      password: 'guest',
      vhost: '/',
      managementPort: 15672,
    });
    const seen: string[] = [];
    const http = createHttpServer((req, res) => {
      seen.push(String(req.headers.authorization ?? ''));
      res.writeHead(401).end();
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as AddressInfo).port;
    try {
      const e = await client
        .call('connections/test', { draft: { id: saved.id, kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', vhost: '/', managementPort: port } })
        .catch((err: unknown) => err);
      expect((e as ApiCallError).message).toMatch(/saved for/i);
      expect(seen.filter((a) => a.includes(Buffer.from('guest:guest').toString('base64')))).toEqual([]);
    } finally {
      http.close();
    }
  });

  it('saving a changed target without typing the password again is refused, and the old target keeps working', async () => {
    const saved = await client.call('connections/save', { kind: 'kafka', name: 'sasl2', host: '127.0.0.1', port: KAFKA_SASL_PORT, tls: false, username: 'rewind', sasl: 'plain', password: SECRET });
    const trap = await recorder();
    try {
      const e = await client
        .call('connections/save', { id: saved.id, kind: 'kafka', name: 'sasl2', host: '127.0.0.1', port: trap.port, tls: false, username: 'rewind', sasl: 'plain' })
        .catch((err: unknown) => err);
      expect((e as ApiCallError).code).toBe('invalid_input');
      expect((e as ApiCallError).message).toMatch(/type it again/i);
      expect(await client.call('connections/get', { connectionId: saved.id })).toMatchObject({ port: KAFKA_SASL_PORT });
      // Switching TLS on is a new target too.
      const tls = await client
        .call('connections/save', { id: saved.id, kind: 'kafka', name: 'sasl2', host: '127.0.0.1', port: KAFKA_SASL_PORT, tls: true, username: 'rewind', sasl: 'plain' })
        .catch((err: unknown) => err);
      expect((tls as ApiCallError).code).toBe('invalid_input');
      // Renaming keeps the password where it was.
      await client.call('connections/save', { id: saved.id, kind: 'kafka', name: 'renamed', host: '127.0.0.1', port: KAFKA_SASL_PORT, tls: false, username: 'rewind', sasl: 'plain' });
      expect((await client.call('connections/status', { connectionId: saved.id })).reachable).toBe(true);
      // With the password typed again, the new target is saved and used.
      const moved = await client.call('connections/save', {
        id: saved.id,
        kind: 'kafka',
        name: 'renamed',
        host: '127.0.0.1',
        port: trap.port,
        tls: false,
        username: 'rewind',
        sasl: 'plain',
        password: 'typed-for-trap',
      });
      expect(moved).toMatchObject({ port: trap.port });
      expect(trap.bytes()).not.toContain(SECRET);
    } finally {
      trap.close();
    }
  });

  it('a switch from SASL to none does not keep the password', async () => {
    const saved = await client.call('connections/save', { kind: 'kafka', name: 'off', host: '127.0.0.1', port: KAFKA_SASL_PORT, tls: false, username: 'rewind', sasl: 'plain', password: SECRET });
    const off = await client.call('connections/save', { id: saved.id, kind: 'kafka', name: 'off', host: '127.0.0.1', port: KAFKA_SASL_PORT, tls: false, username: 'rewind', sasl: 'none' });
    expect(off).toMatchObject({ hasPassword: false, username: '' });
  });
});
