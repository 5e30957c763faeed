import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createDispatcher, type Handlers } from '../api/dispatcher';
import { logFault } from '../services/test-faults';
import { createGuard, requestUrl, TOKEN_COOKIE } from './request-guard';
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
/** How long a peer has to send a whole request line and headers (or upgrade). */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** Open sockets at most, and of those, sockets that have not yet sent a whole request. */
const MAX_CONNECTIONS = 1_024;
const MAX_PENDING = 64;

function contentSecurityPolicy(port: number, { inPage = false } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    // Only this shell's own WebSocket: not every local port.
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    // Browsers ignore (and warn about) frame-ancestors in a <meta> policy; the header carries it.
    ...(inPage ? [] : ["frame-ancestors 'none'"]),
    "form-action 'none'",
  ].join('; ');
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(port),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}

function deny(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Refuses an upgrade on the raw socket, whatever state it is in. */
function refuseUpgrade(socket: Duplex, status: 400 | 403): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Serves the renderer and the API (one WebSocket per page) on 127.0.0.1 only.
 *
 * This is the process's boundary with the outside: every request, upgrade, socket and frame is
 * handled inside a guard, so a malformed input ends as a 400 or a closed socket with a reason,
 * and a fault in one handler answers that request alone. Nothing a peer sends may end the process.
 */
export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const guard = createGuard(token, () => port);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE });
  wss.on('error', (e) => logFault('websocket server', e));

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (!guard.hostAllowed(req)) return deny(res, 421, 'Rewind answers only on 127.0.0.1 and localhost.');
    const url = requestUrl(req, port);
    if (!url) return deny(res, 400, 'Bad request');
    if (url.pathname === '/healthz') return deny(res, 200, 'ok');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed');
    if (!guard.tokenValid(guard.tokenFrom(req, url))) {
      return deny(res, 401, 'Open Rewind with the full address printed when it started (it carries a token).');
    }
    const headers: Record<string, string> = { ...securityHeaders(port) };
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    const path = url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg' ? url.pathname : '/';
    // The built page's own policy allows no connections at all (right for the desktop app); here it
    // carries the same policy as the header, which allows this shell's WebSocket and nothing else.
    const page = (html: string) => html.replace(/(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/i, `$1${contentSecurityPolicy(port, { inPage: true })}$2`);
    const served = serveStatic(options.staticDir, path, res, headers, page);
    if (served === 'bad-path') return deny(res, 400, 'Bad request');
    if (served === 'missing') deny(res, 404, path === '/' ? 'The UI is not built: run `npm run build`.' : 'Not found');
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    // Host first: nothing of a request for another host is parsed.
    if (!guard.hostAllowed(req)) return refuseUpgrade(socket, 403);
    const url = requestUrl(req, port);
    if (!url) return refuseUpgrade(socket, 400);
    const ok = url.pathname === '/api' && guard.originAllowed(req) && guard.tokenValid(guard.tokenFrom(req, url));
    if (!ok) return refuseUpgrade(socket, 403);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A WebSocket may be quiet for as long as the page stays open.
      (socket as Socket).setTimeout(0);
      attach(ws, options.handlers);
    });
  }

  // A peer that never finishes its request line and headers (or its upgrade) is cut off after
  // HEADERS_TIMEOUT_MS, checked every second; a page that loaded is never that slow on loopback.
  const server: Server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 }, (req, res) => {
    try {
      onRequest(req, res);
    } catch (e) {
      logFault(`request ${req.method ?? '?'}`, e);
      deny(res, 500, 'Internal error');
    }
  });
  server.maxConnections = MAX_CONNECTIONS;
  // Sockets that have not sent a whole request yet, oldest first. Past MAX_PENDING the oldest is
  // closed: a real page sends its request at once, so a pile of silent sockets cannot crowd it out.
  const pending = new Set<Socket>();
  const settled = (socket: Socket) => pending.delete(socket);
  server.on('connection', (socket: Socket) => {
    pending.add(socket);
    socket.once('close', () => settled(socket));
    // A socket that says nothing at all has no request for the header timeout to time.
    socket.setTimeout(HEADERS_TIMEOUT_MS, () => {
      if (pending.has(socket)) socket.destroy();
    });
    if (pending.size > MAX_PENDING) pending.values().next().value?.destroy();
  });
  server.on('request', (req: IncomingMessage) => settled(req.socket));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    settled(socket as Socket);
    try {
      onUpgrade(req, socket, head);
    } catch (e) {
      logFault('upgrade', e);
      socket.destroy();
    }
  });
  // A request Node's parser cannot read (bad request line, header, length) gets a 400, not a throw.
  server.on('clientError', (_e, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', (e) => logFault('http server', e));
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
  // Oversized frames, invalid UTF-8 and protocol errors arrive here: `ws` has already closed the
  // socket with the matching code (1009, 1007, 1002); only this socket ends.
  ws.on('error', () => ws.terminate());
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
