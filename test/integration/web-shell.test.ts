import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type RewindClient } from '../../src/api/client';
import { ApiCallError } from '../../src/model/errors';
import { createWsTransport, type SocketLike } from '../../src/api/ws-transport';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { FileSecretStore } from '../../src/services/secret-store';
import { startWebShell, type WebShell } from '../../src/server/web-shell';
import { KAFKA_PORT } from './brokers';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgrade(url: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('web shell', () => {
  let dir: string;
  let context: AppContext;
  let shell: WebShell;
  let client: RewindClient;
  const warnings: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rewind-web-'));
    const staticDir = join(dir, 'ui');
    mkdirSync(staticDir);
    // The app's own page, as written (however it is wrapped): its policy must be the one replaced.
    writeFileSync(join(staticDir, 'index.html'), readFileSync(join(__dirname, '..', '..', 'renderer', 'index.html')));
    context = createAppContext({ dataDir: join(dir, 'data'), secrets: new FileSecretStore(join(dir, 'data', 'secrets.json'), (m) => warnings.push(m)), shell: 'web', version: '0.0.0-test' });
    shell = await startWebShell({ handlers: context.handlers, staticDir });
    const transport = createWsTransport(`ws://127.0.0.1:${shell.port}/api?token=${shell.token}`, (u) => new WebSocket(u) as unknown as SocketLike);
    client = createClient(transport);
    await client.ready();
  });

  afterAll(async () => {
    await shell.close();
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on loopback only', () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });

  it('serves the page only with the token, and sets it as a strict cookie', async () => {
    expect((await get(shell.port, '/', { host: `127.0.0.1:${shell.port}` })).status).toBe(401);
    expect((await get(shell.port, '/?token=wrong', { host: `127.0.0.1:${shell.port}` })).status).toBe(401);
    const ok = await get(shell.port, `/?token=${shell.token}`, { host: `127.0.0.1:${shell.port}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>Rewind</title>');
    expect(String(ok.headers['set-cookie'])).toMatch(/rewind_token=.*HttpOnly; SameSite=Strict/);
    expect(String(ok.headers['content-security-policy'])).toContain("script-src 'self'");
    // The page's own policy (connect-src 'none' in the build, right for the desktop app) is
    // replaced by one that allows this shell's WebSocket and no other port.
    const pagePolicy = /Content-Security-Policy"\s+content="([^"]+)"/.exec(ok.body)?.[1] ?? '';
    expect(pagePolicy).not.toContain("connect-src 'none'");
    expect(pagePolicy).toContain(`connect-src 'self' ws://127.0.0.1:${shell.port} ws://localhost:${shell.port}`);
    expect(pagePolicy).not.toMatch(/:\*/);
    expect(String(ok.headers['content-security-policy'])).toContain(`ws://127.0.0.1:${shell.port} `);
    const byCookie = await get(shell.port, '/', { host: `localhost:${shell.port}`, cookie: `rewind_token=${shell.token}` });
    expect(byCookie.status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await get(shell.port, `/?token=${shell.token}`, { host: `evil.example:${shell.port}` });
    expect(res.status).toBe(421);
    expect(await upgrade(`ws://127.0.0.1:${shell.port}/api?token=${shell.token}`, { host: 'evil.example' })).toBe(403);
  });

  it('refuses a WebSocket from another origin, or without the token', async () => {
    const url = `ws://127.0.0.1:${shell.port}/api`;
    expect(await upgrade(`${url}?token=${shell.token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(`${url}?token=${shell.token}`, { origin: `http://127.0.0.1:${shell.port + 1}` })).toBe(403);
    expect(await upgrade(url, { origin: `http://127.0.0.1:${shell.port}` })).toBe(403);
    expect(await upgrade(`${url}?token=${shell.token}`, { origin: `http://127.0.0.1:${shell.port}` })).toBe('open');
  });

  it('answers API calls, validating what it receives', async () => {
    const info = await client.call('app/info', {});
    expect(info).toMatchObject({ shell: 'web', secretStorage: 'file', version: '0.0.0-test' });
    const bad = await client.call('connections/save', { kind: 'kafka', name: 'x', host: 'kafka://h:1', port: 1, tls: false, username: '', sasl: 'none' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiCallError);
    expect((bad as ApiCallError).code).toBe('invalid_input');
    expect((bad as ApiCallError).message).toContain('host: That looks like a URL');
  });

  it('streams a read in batches with progress', async () => {
    const batches: number[] = [];
    const progress: number[] = [];
    const summary = await client.stream(
      'records/read',
      { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, limit: 100 },
      { onBatch: (items) => batches.push(items.length), onProgress: (p) => progress.push(p.done) },
    );
    expect(summary.count).toBe(100);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(100);
    expect(progress.at(-1)).toBe(100);
  });

  it('cancels a long operation when asked', async () => {
    // A loopback server that accepts and never answers: the test would hang until its timeout.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const controller = new AbortController();
      const started = Date.now();
      const pending = client.call(
        'connections/test',
        { draft: { kind: 'rabbitmq', name: 'silent', host: '127.0.0.1', port, tls: false, username: 'guest', vhost: '/', managementPort: port } },
        { signal: controller.signal },
      );
      setTimeout(() => controller.abort(), 200);
      const e = await pending.catch((err: unknown) => err);
      expect((e as ApiCallError).code).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.close();
    }
  });

  it('stores a password without ever sending it back', async () => {
    const saved = await client.call('connections/save', {
      kind: 'kafka',
      name: 'With secret',
      host: '127.0.0.1',
      port: KAFKA_PORT + 2,
      tls: false,
      username: 'rewind',
      sasl: 'plain',
      password: 'rewind-secret',
    });
    expect(saved.hasPassword).toBe(true);
    expect(JSON.stringify(saved)).not.toContain('rewind-secret');
    const fetched = await client.call('connections/get', { connectionId: saved.id });
    expect(JSON.stringify(fetched)).not.toContain('rewind-secret');
    expect(JSON.stringify(await client.call('connections/list', {}))).not.toContain('rewind-secret');
    // The stored secret is used to connect, and lives in a file only the user can read.
    const status = await client.call('connections/status', { connectionId: saved.id });
    expect(status).toMatchObject({ reachable: true, server: expect.stringMatching(/^Apache Kafka \d+\.\d+, 1 broker$/) });
    expect(statSync(join(dir, 'data', 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not encrypted');
    // Profiles on disk hold no secret.
    expect(readFileSync(join(dir, 'data', 'connections.json'), 'utf8')).not.toContain('rewind-secret');
  });
});
