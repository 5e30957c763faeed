import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoSeriousA11yViolations } from './axe';
import { expect, test, webShellTest as plain } from './fixtures';

/**
 * A web shell killed in the middle of a call (as the kernel's out-of-memory killer does) is
 * reported at the next start, once: when and how it ended, the call that was running, the files
 * to attach to a bug report, and a Copy button. Dismissed, it does not come back.
 */
const root = join(__dirname, '..', '..');

function start(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/server/cli.cjs'), '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Rewind web shell: (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1] });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`web shell exited with ${code}: ${out}`)));
  });
}

async function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await gone;
}

plain('a run killed mid-call is reported once at the next start, with the call and the files to send', async ({ webBrowser: browser }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-crash-e2e-'));
  // A broker that takes the connection and never answers: Test connection stays in flight.
  const sockets: Socket[] = [];
  let arrived!: () => void;
  const connected = new Promise<void>((r) => (arrived = r));
  const silent = createServer((s) => (sockets.push(s), arrived()));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  let shell = await start(dataDir);
  const context = await browser.newContext({ viewport: { width: 1360, height: 820 } });
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(shell.url).origin });
    const page = await context.newPage();
    await page.goto(shell.url);
    await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Rewind ended unexpectedly last time' })).toHaveCount(0);

    await page.getByRole('button', { name: '+ Add connection' }).click();
    const d = page.getByRole('dialog');
    await d.getByRole('button', { name: 'RabbitMQ' }).click();
    await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await d.getByLabel('Port', { exact: true }).fill(String((silent.address() as AddressInfo).port));
    await d.getByRole('button', { name: 'Test connection' }).click();
    await connected;
    await ended(shell.child, 'SIGKILL');

    shell = await start(dataDir);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(shell.url).origin });
    await page.goto(shell.url);
    await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
    const notice = page.getByRole('region', { name: 'Rewind ended unexpectedly last time' });
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('Ended from outside.');
    await expect(notice).toContainText('SIGKILL');
    await expect(notice).toContainText('connections/test');
    // The window's standing job watch is not a call anyone waited on.
    await expect(notice).not.toContainText('jobs/watch');
    await expect(notice).toContainText(join(dataDir, 'crash', 'crash.log'));
    await expectNoSeriousA11yViolations(page, 'crash notice');
    await page.screenshot({ path: join(root, 'test-results', 'screens', 'web-crash-notice-light.png') });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expectNoSeriousA11yViolations(page, 'crash notice, dark');
    await page.screenshot({ path: join(root, 'test-results', 'screens', 'web-crash-notice-dark.png') });

    await notice.getByRole('button', { name: 'Copy' }).click();
    await expect(notice.getByRole('button', { name: 'Copied' })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('ended without a clean exit');
    expect(copied).toContain('connections/test');
    expect(copied).toContain(join(dataDir, 'crash', 'crash.log'));

    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
    await page.reload();
    await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
    await expect(notice).toHaveCount(0);

    // A clean stop and start: nothing to report.
    await ended(shell.child, 'SIGTERM');
    shell = await start(dataDir);
    await page.goto(shell.url);
    await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
    await expect(notice).toHaveCount(0);
  } finally {
    await context.close();
    await ended(shell.child, 'SIGTERM');
    for (const s of sockets) s.destroy();
    silent.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the RabbitMQ form has the stream port, and says in words when the password goes there without TLS', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: '+ Add connection' }).click();
  const d = page.getByRole('dialog');
  await d.getByRole('button', { name: 'RabbitMQ' }).click();
  await expect(d.getByLabel('Stream port', { exact: true })).toHaveValue('5552');
  await expect(d.getByText('Streams are read on the stream port with the same user and password, without TLS, as AMQP is.')).toBeVisible();
  await d.getByLabel('Use TLS').check();
  await expect(d.getByLabel('Stream port', { exact: true })).toHaveValue('5551');
  // The AMQP and management ports follow TLS too while they are RabbitMQ's defaults (a new user's walk found them left at 5672 and 15672).
  await expect(d.getByLabel('Port', { exact: true })).toHaveValue('5671');
  await expect(d.getByLabel('Management port', { exact: true })).toHaveValue('15671');
  await d.getByLabel('Management port', { exact: true }).fill('8443');
  await d.getByLabel('Use TLS').uncheck();
  await expect(d.getByLabel('Port', { exact: true })).toHaveValue('5672');
  await expect(d.getByLabel('Management port', { exact: true })).toHaveValue('8443');
  await d.getByLabel('Use TLS').check();
  const allow = d.getByLabel(/Allow the password to the stream port without TLS/);
  await expect(allow).not.toBeChecked();
  await d.getByLabel('Stream port', { exact: true }).fill('5552');
  await allow.check();
  await expect(d.getByRole('status').filter({ hasText: 'The password will cross the network unencrypted to port 5552.' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'RabbitMQ stream port', { include: '[role="dialog"]' });
  await app.screenshot('connection-stream-port-light');
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
  await expectNoSeriousA11yViolations(page, 'RabbitMQ stream port, dark', { include: '[role="dialog"]' });
  await app.screenshot('connection-stream-port-dark');
});

plain('a web shell on a folder whose passwords the desktop app encrypted says so in one line', async ({ webBrowser: browser }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-keychain-e2e-'));
  // As the desktop app leaves it: ciphertext only the OS keychain can open.
  writeFileSync(join(dataDir, 'secrets.enc.json'), JSON.stringify({ 'some-connection': Buffer.from('v11 ciphertext').toString('base64') }), { mode: 0o600 });
  const shell = await start(dataDir);
  const context = await browser.newContext({ viewport: { width: 1360, height: 820 } });
  const page = await context.newPage();
  try {
    await page.goto(shell.url);
    await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
    const notice = page.getByRole('status').filter({ hasText: 'encrypted with the OS keychain' });
    await expect(notice).toContainText(
      '1 saved password is encrypted with the OS keychain, which the web shell cannot read: nothing is lost (kept for the desktop app); type one again to use it here.',
    );
    await page.screenshot({ path: join(root, 'test-results', 'screens', 'web-keychain-notice-light.png') });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expectNoSeriousA11yViolations(page, 'keychain notice, dark');
    await page.screenshot({ path: join(root, 'test-results', 'screens', 'web-keychain-notice-dark.png') });
    await notice.getByRole('button', { name: 'OK' }).click();
    await expect(notice).toHaveCount(0);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  } finally {
    await context.close();
    await ended(shell.child, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
