import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../src/api/contract';
import { appInfo, rawWebSocket, startShellProcess, wsFrame, type ShellProcess } from './web-shell-process';

/**
 * Throws malformed and random input at one web shell process, with and without the token:
 * request lines, headers, percent-encodings, paths, WebSocket frames, protocol-breaking JSON and
 * random cancels. Bounded in count and time, loopback only (no generated input names a host).
 * Afterwards the same process must answer a normal call. The counts land in .rewind-test/fuzz.json.
 */

/** mulberry32: the same sequence for the same seed, so a failure can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes, chance: (p: number) => next() < p };
}

const SEED = Number(process.env.REWIND_FUZZ_SEED ?? 7_2026);
const HTTP_REQUESTS = 5_000;
const WS_SESSIONS = 500;
const FRAMES_PER_SESSION = 12;
const TIME_BUDGET_MS = 60_000;

function send(port: number, data: Buffer, ms = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (c) => {
      got += c.toString('latin1');
      // One answer is enough: the status line and headers tell what happened.
      if (got.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(data);
  });
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await work(items[i++]!);
    }),
  );
}

describe('web shell fuzz', () => {
  let shell: ShellProcess;
  const counts = { httpRequests: 0, httpStatuses: {} as Record<string, number>, wsSessions: 0, wsFrames: 0, jsonMessages: 0, cancels: 0, crashes: 0 };

  beforeAll(async () => {
    shell = await startShellProcess();
  });
  afterAll(async () => {
    counts.crashes = shell.alive() ? 0 : 1;
    mkdirSync(join(__dirname, '..', '..', '.rewind-test'), { recursive: true });
    writeFileSync(join(__dirname, '..', '..', '.rewind-test', 'fuzz.json'), JSON.stringify({ seed: SEED, ...counts }, null, 2));
    console.log(`web shell fuzz (seed ${SEED}): ${JSON.stringify(counts)}`);
    await shell.stop();
  });

  it('survives malformed HTTP requests and upgrades, with and without the token', async () => {
    const r = prng(SEED);
    const port = shell.port;
    const started = Date.now();
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'G\u00e9T', '', 'GET GET'];
    const escapes = ['%', '%E0%A4%A', '%00', '%2e%2e/', '%2F', '%C0%AF', '%FF', '%u0041', '%%', '%E2%82', '%F0%9F%98'];
    const target = () => {
      const base = r.pick([
        '/',
        '/',
        '/',
        '/api',
        '/assets/app.js',
        '/assets/',
        '/assets/app.js',
        '/healthz',
        '/favicon.svg',
        '/../../etc/passwd',
        'http://[',
        'http://127.0.0.1/',
        `http://127.0.0.1:${port}/`,
        '*',
        'x:1',
        '//evil.example/',
        '',
      ]);
      let t = base;
      const n = r.int(4);
      for (let i = 0; i < n; i++)
        t += r.chance(0.3)
          ? `?token=${shell.token}`
          : r.pick([r.pick(escapes), '?token=' + (r.chance(0.5) ? shell.token : r.pick(escapes)), '/..', '#', ';', r.bytes(r.int(6)).toString('latin1'), 'a'.repeat(r.chance(0.05) ? 20_000 : 3)]);
      return t;
    };
    const host = () => r.pick([`127.0.0.1:${port}`, `localhost:${port}`, 'evil.example', '', `127.0.0.1:${port + 1}`, '[', `127.0.0.1:${port}\u0000`]);
    const header = (): string => {
      switch (r.int(9)) {
        case 0:
          return `Cookie: rewind_token=${r.pick([shell.token, ...escapes, ''])}`;
        case 1:
          return `Origin: ${r.pick([`http://127.0.0.1:${port}`, 'null', 'http://evil.example', '%', ''])}`;
        case 2:
          return `Content-Length: ${r.pick(['-1', '99999999999999999999', 'abc', '5', '0, 7', ''])}`;
        case 3:
          return 'Transfer-Encoding: ' + r.pick(['chunked', 'gzip, chunked', 'x', 'chunked\r\nTransfer-Encoding: chunked']);
        case 4:
          return `${r.bytes(1 + r.int(8)).toString('latin1')}: ${r.bytes(r.int(12)).toString('latin1')}`;
        case 5:
          return 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: ' + r.pick(['13', '8', 'x']) + '\r\nSec-WebSocket-Key: ' + r.pick(['dGhlIHNhbXBsZSBub25jZQ==', '', '%%%']);
        case 6:
          return 'Expect: 100-continue';
        case 7:
          return `X-Long: ${'v'.repeat(r.chance(0.1) ? 70_000 : 10)}`;
        default:
          return `Host: ${host()}`;
      }
    };
    const requests = Array.from({ length: HTTP_REQUESTS }, () => {
      const lines = r.chance(0.7)
        ? [`${r.pick(['GET', 'HEAD', 'POST'])} ${target()} HTTP/1.1`]
        : [`${r.pick(methods)} ${target()} ${r.pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'JUNK', ''])}`];
      if (r.chance(0.9)) lines.push(`Host: ${host()}`);
      const extra = r.int(5);
      for (let i = 0; i < extra; i++) lines.push(header());
      lines.push('Connection: close');
      let body = '';
      if (r.chance(0.2)) body = r.pick(['5\r\nhello\r\n0\r\n\r\n', 'zz\r\n', r.bytes(r.int(64)).toString('latin1')]);
      return Buffer.from(lines.join('\r\n') + '\r\n\r\n' + body, 'latin1');
    });
    await pool(requests, 16, async (req) => {
      if (Date.now() - started > TIME_BUDGET_MS / 2) return;
      const answer = await send(port, req);
      counts.httpRequests++;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 'closed';
      counts.httpStatuses[status] = (counts.httpStatuses[status] ?? 0) + 1;
    });
    expect(shell.alive(), shell.stderr()).toBe(true);
    // No request reaches a handler that fails unexpectedly.
    expect(counts.httpStatuses['500'] ?? 0).toBe(0);
    expect(await appInfo(port, shell.token)).toMatchObject({ shell: 'web' });
  });

  it('survives malformed frames, protocol-breaking messages and random cancels', async () => {
    const r = prng(SEED + 1);
    const started = Date.now();
    const methods = Object.keys(contract);
    // Params never carry a host: generated calls reach loopback brokers at most.
    const junk = () =>
      r.pick<unknown>([
        null,
        0,
        -1,
        1e308,
        'x',
        '',
        [],
        {},
        { connectionId: 'local' },
        { connectionId: 'nope' },
        { __proto__: { polluted: true } },
        { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, limit: r.int(5) + 1 },
      ]);
    const message = (): string => {
      switch (r.int(8)) {
        case 0:
          return JSON.stringify({ type: 'call', id: r.int(50), method: r.pick(methods), params: junk() });
        case 1:
          counts.cancels++;
          return JSON.stringify({ type: 'cancel', id: r.int(50) });
        case 2:
          return JSON.stringify({
            type: r.pick(['call', 'cancel', 'result', 'x']),
            id: r.pick([1, -1, 1.5, '1', null, 2 ** 60]),
            method: r.pick(['', 'constructor', '__proto__', 'toString', 'a'.repeat(200)]),
          });
        case 3:
          return JSON.stringify({
            type: 'call',
            id: r.int(50),
            method: 'projections/rebuild',
            params: {
              code: r.pick(['export default { init: () => 0, when: { $init: (s) => { for(;;){} } }, $any: (s) => { for(;;){} } }', 'syntax error {', 'export default 1']),
              source: { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, to: null },
            },
          });
        case 4:
          return '{"type":"call","id":' + r.int(50) + ',"method":"app/info","params":' + '['.repeat(r.int(5000)) + ']'.repeat(r.int(5000)) + '}';
        case 5:
          return r.bytes(r.int(40)).toString('utf8');
        case 6:
          return JSON.stringify({
            type: 'call',
            id: r.int(50),
            method: 'store/append',
            params: {
              connectionId: 'local',
              streamId: r.pick(['fuzz-1', '', 'x'.repeat(600)]),
              expectedVersion: r.pick([{ type: 'any' }, { type: 'exact', value: -5 }, 'x']),
              events: r.pick([[], [{ type: 'T', data: { n: r.int(9) } }], 'x']),
            },
          });
        default:
          return JSON.stringify({
            type: 'call',
            id: r.int(50),
            method: 'records/read',
            params: {
              connectionId: 'local',
              target: r.pick([{ type: 'store-all' }, { type: 'store-stream', streamId: 'nope' }, { type: 'kafka-partition', topic: 'x', partition: -1 }]),
              from: r.pick([{ type: 'start' }, { type: 'position', value: '99999999999999999999999' }, { type: 'time', value: 'never' }]),
              limit: r.pick([1, 0, 100_001, 50]),
            },
          });
      }
    };
    const frame = (): Buffer => {
      // Half the frames are well-formed messages, so sessions live long enough to reach handlers.
      if (r.chance(0.5)) {
        counts.jsonMessages++;
        return wsFrame(1, Buffer.from(message()));
      }
      switch (r.int(10)) {
        case 0:
          return wsFrame(1, r.bytes(r.int(64))); // text, likely invalid UTF-8
        case 1:
          return wsFrame(2, r.bytes(r.int(64))); // binary
        case 2:
          return wsFrame(r.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), r.bytes(r.int(8))); // reserved opcodes
        case 3:
          return wsFrame(0, Buffer.from('{"type":')); // continuation with nothing to continue
        case 4:
          return Buffer.concat([wsFrame(1, Buffer.from('{"type":"call",'), { fin: false }), wsFrame(r.pick([0, 1, 9]), Buffer.from('"id":1}'))]);
        case 5:
          return wsFrame(r.pick([8, 9, 10]), r.bytes(r.chance(0.5) ? 200 : r.int(10))); // control frames, some too long
        case 6:
          return wsFrame(1, Buffer.alloc(8), { declaredLength: r.pick([33 * 1024 * 1024, 2 ** 40, 65_536]) });
        case 7:
          return wsFrame(1, Buffer.from('{}'), { mask: r.chance(0.5), rsv: r.int(8) });
        case 8:
          return r.bytes(r.int(32)); // not a frame at all
        default:
          counts.jsonMessages++;
          return wsFrame(1, Buffer.from(message()));
      }
    };
    const sessions = Array.from({ length: WS_SESSIONS }, (_, i) => i);
    await pool(sessions, 8, async () => {
      if (Date.now() - started > TIME_BUDGET_MS / 2) return;
      const socket = await rawWebSocket(shell.port, shell.token);
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      counts.wsSessions++;
      for (let f = 0; f < FRAMES_PER_SESSION && !socket.destroyed; f++) {
        socket.write(frame());
        counts.wsFrames++;
        if (r.chance(0.3)) await new Promise((res) => setTimeout(res, r.int(20)));
      }
      await new Promise((res) => setTimeout(res, r.int(50)));
      socket.destroy();
    });
    expect(shell.alive(), shell.stderr()).toBe(true);
    expect(await appInfo(shell.port, shell.token)).toMatchObject({ shell: 'web' });
    // Survived because every fault was handled where it happened, not caught at the last line.
    expect(shell.stderr()).not.toMatch(/uncaught exception|unhandled rejection/);
  });
});
