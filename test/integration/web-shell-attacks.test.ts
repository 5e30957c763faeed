import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo, closed, rawExchange, rawWebSocket, startShellProcess, wsFrame, type ShellProcess } from './web-shell-process';

/**
 * Each input here once ended the whole back end, several without the token. After every one the
 * same process must still be running and answer a normal call.
 */
describe('web shell under hostile input', () => {
  let shell: ShellProcess;

  beforeAll(async () => {
    shell = await startShellProcess();
  });
  afterAll(async () => {
    await shell.stop();
  });

  const stillServing = async () => {
    expect(shell.alive(), `the web shell died:\n${shell.stderr()}`).toBe(true);
    expect(await appInfo(shell.port, shell.token)).toMatchObject({ shell: 'web' });
  };

  it('a malformed token cookie is refused, without the token and on the upgrade path', async () => {
    const host = `127.0.0.1:${shell.port}`;
    const page = await rawExchange(shell.port, `GET / HTTP/1.1\r\nHost: ${host}\r\nCookie: rewind_token=%E0%A4%A\r\n\r\n`);
    expect(page).toMatch(/^HTTP\/1\.1 401/);
    const upgrade = await rawExchange(
      shell.port,
      `GET /api HTTP/1.1\r\nHost: ${host}\r\nCookie: rewind_token=%E0%A4%A\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 403/);
    await stillServing();
  });

  it('a request line in absolute form with a broken URL gets a 400, with any Host, on both paths', async () => {
    const page = await rawExchange(shell.port, 'GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(page).toMatch(/^HTTP\/1\.1 (400|421)/);
    const upgrade = await rawExchange(
      shell.port,
      'GET http://[ HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 (400|403)/);
    await stillServing();
  });

  it('a broken percent-encoding in an asset path is not found', async () => {
    const res = await rawExchange(shell.port, `GET /assets/%E0%A4%A?token=${shell.token} HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1\.1 (400|404)/);
    await stillServing();
  });

  it('a WebSocket frame over the size limit closes that socket only', async () => {
    const socket = await rawWebSocket(shell.port, shell.token);
    // Declares 33 MB; the server must refuse on the header, not wait for (or buffer) the body.
    socket.write(wsFrame(1, Buffer.alloc(16), { declaredLength: 33 * 1024 * 1024 }));
    expect(await closed(socket)).toBe(true);
    await stillServing();
  });

  it('a text frame with invalid UTF-8 closes that socket only', async () => {
    const socket = await rawWebSocket(shell.port, shell.token);
    socket.write(wsFrame(1, Buffer.from([0x7b, 0xe0, 0xa4, 0x7d])));
    expect(await closed(socket)).toBe(true);
    await stillServing();
  });

  it('an unmasked frame, a reserved bit and a bad opcode close the socket only', async () => {
    for (const frame of [wsFrame(1, Buffer.from('{}'), { mask: false }), wsFrame(1, Buffer.from('{}'), { rsv: 2 }), wsFrame(0x3, Buffer.from('x'))]) {
      const socket = await rawWebSocket(shell.port, shell.token);
      socket.write(frame);
      expect(await closed(socket)).toBe(true);
    }
    await stillServing();
  });

  it('messages that break the protocol are answered or ignored, never fatal', async () => {
    const socket = await rawWebSocket(shell.port, shell.token);
    const bad = [
      'not json',
      'null',
      '[]',
      '{"type":"call"}',
      '{"type":"call","id":1.5,"method":"app/info"}',
      '{"type":"call","id":1,"method":"constructor","params":{}}',
      '{"type":"call","id":2,"method":"__proto__","params":{}}',
      '{"type":"call","id":3,"method":"records/read","params":{"__proto__":{"x":1}}}',
      '{"type":"cancel","id":99999}',
      '{"type":"call","id":4,"method":"app/info","params":{}}',
      '{"type":"call","id":4,"method":"app/info","params":{}}',
      JSON.stringify({ type: 'call', id: 5, method: 'store/append', params: { connectionId: 'local', streamId: 'x', expectedVersion: { type: 'any' }, events: [{ type: 'T', data: { a: 1 } }] } }),
      '{"type":"cancel","id":5}',
    ];
    for (const text of bad) socket.write(wsFrame(1, Buffer.from(text)));
    await new Promise((r) => setTimeout(r, 300));
    socket.destroy();
    await stillServing();
  });
});
