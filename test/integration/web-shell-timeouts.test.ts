import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInfo, startShellProcess, type ShellProcess } from './web-shell-process';

/**
 * Connections that never finish their request — a slow-loris peer, a tab frozen mid-upgrade —
 * are closed by the web shell after its header timeout, and their number is bounded, so they
 * cannot pile up until the process runs out of sockets.
 */
describe('half-open requests and upgrades', () => {
  let shell: ShellProcess;

  beforeAll(async () => {
    shell = await startShellProcess();
  });
  afterAll(async () => {
    await shell.stop();
  });

  const open = (first: string | null) =>
    new Promise<{ socket: Socket; closedAt: Promise<number> }>((resolve, reject) => {
      const socket = connect(shell.port, '127.0.0.1', () => {
        if (first !== null) socket.write(first);
        const closedAt = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
        resolve({ socket, closedAt });
      });
      socket.on('error', () => undefined);
      socket.once('error', reject);
    });

  it('100 half-open requests, 100 half-open upgrades and 100 silent sockets are all closed within 15 s; the shell still answers', async () => {
    const host = `127.0.0.1:${shell.port}`;
    const started = Date.now();
    const sockets = await Promise.all([
      ...Array.from({ length: 100 }, () => open(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `)),
      ...Array.from({ length: 100 }, () => open(`GET /api?token=${shell.token} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`)),
      ...Array.from({ length: 100 }, () => open(null)),
    ]);
    // Meanwhile a real request is served.
    expect(await appInfo(shell.port, shell.token)).toMatchObject({ shell: 'web' });
    const closedAt = await Promise.race([Promise.all(sockets.map((s) => s.closedAt)), new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
    for (const s of sockets) s.socket.destroy();
    expect(closedAt, 'some half-open sockets were still open after 20 s').not.toBeNull();
    expect(Math.max(...closedAt!) - started).toBeLessThan(15_000);
    expect(shell.alive()).toBe(true);
    expect(await appInfo(shell.port, shell.token)).toMatchObject({ shell: 'web' });
  }, 40_000);

  it('600 silent sockets at once: all but the newest few are closed at once, and the shell keeps serving', async () => {
    const sockets = await Promise.all(Array.from({ length: 600 }, () => open(null).catch(() => null)));
    await new Promise((r) => setTimeout(r, 1_000));
    const stillOpen = sockets.filter((s) => s && !s.socket.destroyed && s.socket.readyState === 'open').length;
    expect(await appInfo(shell.port, shell.token)).toMatchObject({ shell: 'web' });
    for (const s of sockets) s?.socket.destroy();
    expect(stillOpen).toBeLessThanOrEqual(64);
  }, 40_000);
});
