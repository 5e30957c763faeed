import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForNode } from '../integration/bundle';
import { memoryLogs } from '../sources/memory/memory-log';
import { expect, webShellTest as test } from './fixtures';

const root = join(__dirname, '..', '..');

/** The web shell with a source defined only in test/sources/memory, registered before it starts. */
async function startWithMemorySource(dataDir: string) {
  const cli = bundleForNode(join(root, 'test', 'sources', 'memory', 'serve.ts'));
  const child = spawn(process.execPath, [cli, '--data-dir', dataDir, '--port', '0', '--static-dir', join(root, 'dist', 'renderer')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const take = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Rewind web shell: (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code) => reject(new Error(`web shell exited with ${code}: ${out}`)));
  });
  return { url, stop: () => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM')))) };
}

test('a source registered from a test folder shows in the sidebar with its badge, opens in the records view and shows a record in its own words', async ({ webBrowser }, testInfo) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rewind-e2e-memory-'));
  const shell = await startWithMemorySource(dataDir);
  try {
    const page = await (await webBrowser.newContext({ viewport: { width: 1360, height: 820 } })).newPage();
    await page.goto(shell.url);
    const tree = page.getByRole('tree', { name: 'Connections and resources' });
    const connection = tree.getByRole('treeitem').filter({ hasText: 'In-memory demo' });
    await expect(connection.locator('.badge.kind')).toHaveText('mem');
    await connection.click();

    const orders = memoryLogs().get('orders')!;
    const log = tree.getByRole('treeitem').filter({ hasText: /^\s*orders/ });
    await expect(log.locator('.badge')).toHaveText(['log', String(orders.length)]);
    await expect(tree.getByRole('treeitem').filter({ hasText: 'logs' })).toBeVisible();
    await log.click();

    await expect(page.getByText(`${orders.length} items loaded`)).toBeVisible();
    const grid = page.getByRole('grid', { name: 'orders items' });
    await expect(grid.getByRole('columnheader', { name: 'Id' })).toBeVisible();
    await expect(grid.getByRole('columnheader', { name: 'Body' })).toBeVisible();
    await grid.getByRole('row').filter({ hasText: orders[0]!.type }).first().click();
    await expect(page.getByRole('heading', { name: 'Body' })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('registered-source.png') });

    // It cannot start at a time (its capabilities say so): the choice is not offered.
    await expect(page.getByLabel('Start from').locator('option')).toHaveText(['the beginning', 'id']);
    // A position in the source's own form (a stream id), read from; one in another form is refused in its words.
    await page.getByLabel('Start from').selectOption('position');
    await page.getByRole('textbox', { name: 'Id' }).fill('not-an-id');
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    await expect(page.getByText('A position is a stream id, such as 1767225600000-0.')).toBeVisible();
    await page.getByRole('textbox', { name: 'Id' }).fill(orders[57]!.streamId);
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    await expect(page.getByText(`${orders.length - 57} items loaded`)).toBeVisible();
    await expect(grid.getByRole('row').nth(1)).toContainText(orders[57]!.streamId);
  } finally {
    await shell.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
