import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, webShellTest as test } from './fixtures';

/**
 * A web shell restarted on the same data folder (no --port given) comes back on the same port
 * with the same token: the tab left open reconnects by itself and keeps its tabs. The security
 * of the first start holds: loopback only, the token kept in a file only its owner reads, and
 * nothing served without it.
 */
const root = join(__dirname, '..', '..');

function start(dataDir: string, args: string[] = []): Promise<{ child: ChildProcess; url: URL }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/server/cli.cjs'), '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Rewind web shell: (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ child, url: new URL(m[1]) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`web shell exited with ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

test('a restarted web shell keeps its port and token: the open page reconnects and keeps its tabs', async ({ webBrowser: browser }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-restart-'));
  let shell = await start(dataDir);
  try {
    expect(shell.url.hostname).toBe('127.0.0.1');
    const page = await browser.newPage();
    await page.goto(shell.url.href);
    await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
    await page.getByTestId('resource-account-A-17').click();
    await expect(page.getByRole('tab', { name: /account-A-17/ })).toBeVisible();

    await stop(shell.child);
    await expect(page.getByRole('alert')).toContainText('Reconnecting…');
    const first = shell.url;
    shell = await start(dataDir);
    expect(shell.url.port).toBe(first.port);
    expect(shell.url.searchParams.get('token')).toBe(first.searchParams.get('token'));

    // The page left open comes back by itself, with its tab, and works.
    await expect(page.getByRole('alert')).toBeHidden({ timeout: 20_000 });
    await expect(page.getByRole('tab', { name: /account-A-17/ })).toBeVisible();
    await page.getByTestId('resource-account-A-18').click();
    await expect(page.getByRole('grid', { name: 'account-A-18 events' }).getByRole('rowgroup').getByRole('row').first()).toBeVisible();

    // Kept in a file only its owner reads; a request without the token is still refused.
    expect(statSync(join(dataDir, 'web-shell.json')).mode & 0o777).toBe(0o600);
    expect((await fetch(`http://127.0.0.1:${shell.url.port}/`)).status).toBe(401);
    await page.close();
  } finally {
    await stop(shell.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('when the remembered port is taken, the shell takes a free one; --new-token replaces the token', async ({ baseURL: _unused }, testInfo) => {
  testInfo.skip(testInfo.project.name === 'electron', 'the web shell only');
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-restart-'));
  const first = await start(dataDir);
  const other = mkdtempSync(join(tmpdir(), 'rewind-restart-other-'));
  // Another data folder asked for that very port holds it while the first restarts.
  await stop(first.child);
  const squatter = await start(other, ['--port', first.url.port]);
  try {
    const second = await start(dataDir);
    try {
      expect(second.url.port).not.toBe(first.url.port);
      expect(second.url.searchParams.get('token')).toBe(first.url.searchParams.get('token'));
    } finally {
      await stop(second.child);
    }
    const renewed = await start(dataDir, ['--new-token']);
    try {
      expect(renewed.url.searchParams.get('token')).not.toBe(first.url.searchParams.get('token'));
    } finally {
      await stop(renewed.child);
    }
  } finally {
    await stop(squatter.child);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});
