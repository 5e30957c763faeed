import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { bundleForNode } from './bundle';

/**
 * The web shell as users run it: its own process, started from the CLI, so a test can tell
 * "answered with an error" from "the whole back end died".
 */
export interface ShellProcess {
  port: number;
  token: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr, for the crash report. */
  stderr(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

let cli: string | null = null;

export interface ShellOptions {
  /** A data folder to start on (kept by stop(), so the next start finds what this one left); default: a new one. */
  dataDir?: string;
  /** More environment for the process (REWIND_TEST_FAULT, NODE_OPTIONS). */
  env?: Record<string, string>;
}

export async function startShellProcess(options: ShellOptions = {}): Promise<ShellProcess> {
  cli ??= bundleForNode(join(__dirname, '..', '..', 'src', 'server', 'cli.ts'));
  const dir = mkdtempSync(join(tmpdir(), 'rewind-shell-'));
  const dataDir = options.dataDir ?? join(dir, 'data');
  const ui = join(dir, 'ui');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Rewind</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  const child = spawn(process.execPath, [cli, '--port', '0', '--data-dir', dataDir, '--static-dir', ui], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  let err = '';
  let exited = false;
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.on('exit', () => (exited = true));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Rewind web shell: (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`web shell exited with ${code}: ${err}`)));
  });
  const parsed = new URL(url);
  return {
    port: Number(parsed.port),
    token: parsed.searchParams.get('token')!,
    dataDir,
    child,
    stderr: () => err,
    alive: () => !exited && child.exitCode === null && child.signalCode === null,
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends raw bytes and collects whatever comes back until the peer closes or `ms` pass. */
export function rawExchange(port: number, data: Buffer | string, ms = 1_000): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (c) => (got += c.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.write(data);
  });
}

/** One masked WebSocket frame, as a client must send it (RFC 6455 §5.2). */
export function wsFrame(opcode: number, payload: Buffer, { fin = true, mask = true, rsv = 0, declaredLength }: { fin?: boolean; mask?: boolean; rsv?: number; declaredLength?: number } = {}): Buffer {
  const length = declaredLength ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | (rsv << 4) | (opcode & 0x0f)];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, (length >> 8) & 0xff, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    head.push(...big);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(head), key, body]);
}

/** A raw socket that has completed the WebSocket handshake with the token. */
export function rawWebSocket(port: number, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const key = randomBytes(16).toString('base64');
    socket.once('error', reject);
    socket.write(
      `GET /api?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`,
    );
    let head = '';
    const onData = (c: Buffer) => {
      head += c.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData);
        if (head.startsWith('HTTP/1.1 101')) resolve(socket);
        else reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
      }
    };
    socket.on('data', onData);
  });
}

/** Waits until the socket closes (or `ms` pass); true when it closed. */
export function closed(socket: Socket, ms = 5_000): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** A normal API call over a real WebSocket: the proof that the back end still answers. */
export function appInfo(port: number, token: string): Promise<unknown> {
  return apiCall(port, token, 'app/info', {});
}

/** One API call over a real WebSocket, as the UI makes it; rejects with the API's error. */
export function apiCall(port: number, token: string, method: string, params: unknown, ms = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { headers: { origin: `http://127.0.0.1:${port}` } });
    const timer = setTimeout(() => (ws.terminate(), reject(new Error(`no answer to ${method} in ${ms / 1000} s`))), ms);
    ws.on('error', (e) => (clearTimeout(timer), reject(e)));
    // The back end went away before it answered (a reject after an answer changes nothing).
    ws.on('close', () => (clearTimeout(timer), reject(new Error(`the connection closed before ${method} answered`))));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'call', id: 1, method, params })));
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { id: number; type: string; result?: unknown; error?: { message: string } };
      if (m.id === 1 && (m.type === 'result' || m.type === 'error')) {
        clearTimeout(timer);
        ws.close();
        if (m.type === 'result') resolve(m.result);
        else reject(new Error(m.error?.message ?? 'error'));
      }
    });
  });
}
