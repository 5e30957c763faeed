import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { createDispatcher, type Handlers } from '../api/dispatcher';
import { createGuard, TOKEN_COOKIE } from './request-guard';
import { serveStatic } from './static-files';

export interface WebShellOptions {
  handlers: Handlers;
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
}

export interface WebShell {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Client requests are small; the cap only stops a runaway peer. */
const MAX_CLIENT_MESSAGE = 32 * 1024 * 1024;

function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}

function deny(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Serves the renderer and the API (one WebSocket per page) on 127.0.0.1 only. */
export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const guard = createGuard(token, () => port);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE });

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!guard.hostAllowed(req)) return deny(res, 421, 'Rewind answers only on 127.0.0.1 and localhost.');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === '/healthz') return deny(res, 200, 'ok');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed');
    const given = guard.tokenFrom(req);
    if (!guard.tokenValid(given)) {
      return deny(res, 401, 'Open Rewind with the full address printed when it started (it carries a token).');
    }
    const headers: Record<string, string> = { ...securityHeaders(port) };
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    const path = url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg' ? url.pathname : '/';
    if (!serveStatic(options.staticDir, path, res, headers)) {
      deny(res, 404, path === '/' ? 'The UI is not built: run `npm run build`.' : 'Not found');
    }
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const ok = url.pathname === '/api' && guard.hostAllowed(req) && guard.originAllowed(req) && guard.tokenValid(guard.tokenFrom(req));
    if (!ok) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.handlers));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function attach(ws: WebSocket, handlers: Handlers): void {
  const dispatcher = createDispatcher(handlers, (message) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      return;
    }
    dispatcher.handle(parsed);
  });
  ws.on('close', () => dispatcher.close());
}
