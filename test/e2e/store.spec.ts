import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';

test.describe('the local event store', () => {
  test('append an event from a form, with the expected version checked', async ({ app }) => {
    const { page } = app;
    await page.getByTestId('resource-account-A-19').click();
    const grid = page.getByRole('grid', { name: 'account-A-19 events' });
    await expect(page.getByTestId('records-summary')).toContainText('to the end');
    const before = await grid.getByRole('rowgroup').getByRole('row').count();
    expect(before).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Append event' }).click();
    const dialog = page.getByRole('dialog', { name: 'Append event' });
    await expect(dialog.getByLabel('Version', { exact: true })).toHaveValue(String(before - 1));
    await dialog.getByLabel('Event type').fill('MoneyDeposited');
    await dialog.getByLabel('Data (JSON)').fill('{"accountId": "A-19", "amount": 42, "currency": "EUR"}');
    await dialog.getByRole('button', { name: 'Append' }).click();
    await expect(page.getByText(/^Appended at position \d+\.$/)).toBeVisible();
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(before + 1);
    await expect(grid.getByRole('rowgroup').getByRole('row').last()).toContainText('"amount":42');
    await expect(page.getByTestId('resource-account-A-19').locator('.badge')).toHaveText(String(before + 1));

    // A stale expected version is refused with the store's own words.
    await page.getByRole('button', { name: 'Append event' }).click();
    await dialog.getByLabel('Event type').fill('MoneyWithdrawn');
    await dialog.getByLabel('Data (JSON)').fill('{"accountId": "A-19", "amount": 1}');
    await dialog.getByLabel('Version', { exact: true }).fill(String(before - 1));
    await dialog.getByRole('button', { name: 'Append' }).click();
    await expect(dialog.getByRole('alert')).toContainText(`wrong expected version: expected ${before - 1}, stream is at ${before}`);
    await dialog.getByLabel('Data (JSON)').fill('{"accountId": ');
    await dialog.getByRole('button', { name: 'Append' }).click();
    await expect(dialog.getByRole('alert')).toContainText('Data is not valid JSON');
    await app.screenshot('append-event');
  });

  test('export to NDJSON and import it back; duplicates and bad lines are reported', async ({ app }) => {
    const { page } = app;
    await page.getByTestId('resource-$all').click();
    const total = Number(await page.getByTestId('resource-$all').locator('.badge').textContent());
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export NDJSON' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('all.ndjson');
    const text = readFileSync(await file.path(), 'utf8');
    expect(text.trim().split('\n')).toHaveLength(total);
    await expect(page.getByTestId('transfer-outcome')).toContainText(`Exported ${total} events to all.ndjson`);

    // The same file again: every event is already stored.
    await page.getByLabel('NDJSON file to import').setInputFiles({ name: 'all.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
    await expect(page.getByTestId('transfer-outcome')).toContainText(`Imported 0 events; ${total} lines left out:`);

    const fresh = [JSON.stringify({ streamId: 'import-1', type: 'Imported', data: { n: 1 } }), '{oops', JSON.stringify({ streamId: 'import-1', type: 'Imported', data: { n: 2 } })].join('\n');
    await page.getByLabel('NDJSON file to import').setInputFiles({ name: 'new.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(fresh) });
    await expect(page.getByTestId('transfer-outcome')).toContainText('Imported 2 events; 1 lines left out:');
    await expect(page.getByTestId('transfer-outcome')).toContainText('line 2: not JSON');
    await expect(page.getByTestId('resource-import-1')).toContainText('2');
    await expect(page.getByTestId('resource-$all').locator('.badge')).toHaveText(String(total + 2));
    await app.screenshot('import-outcome');
  });

  test('create a new event store file, append to it, and find it again after a restart', async ({ app }) => {
    let page = app.page;
    const path = join(mkdtempSync(join(tmpdir(), 'rewind-e2e-store-')), 'scratch.sqlite');
    await page.getByRole('button', { name: '+ Add connection' }).click();
    const d = page.getByRole('dialog', { name: 'Add connection' });
    await d.getByRole('button', { name: 'Event store' }).click();
    await d.getByLabel('File', { exact: true }).fill(path);
    await d.getByRole('button', { name: 'Test connection' }).click();
    await expect(d.getByRole('alert')).toContainText(`No event store at ${path}`);
    await d.getByLabel('Create a new, empty store if the file does not exist').check();
    await d.getByRole('button', { name: 'Save' }).click();
    await expect(d).toBeHidden();
    await expect(page.getByTestId('connection-scratch.sqlite')).toBeVisible();
    await expect(page.getByText('No streams yet: append an event or import NDJSON')).toBeVisible();

    await page.getByTestId('resource-$all').nth(1).click();
    await expect(page.getByText('No events here')).toBeVisible();
    await page.getByRole('button', { name: 'Append event' }).click();
    const dialog = page.getByRole('dialog', { name: 'Append event' });
    await dialog.getByLabel('Stream', { exact: true }).fill('order-1');
    await dialog.getByLabel('Event type').fill('OrderPlaced');
    await dialog.getByLabel('Data (JSON)').fill('{"total": 12}');
    await dialog.getByLabel('Expected version').selectOption('no_stream');
    await dialog.getByRole('button', { name: 'Append' }).click();
    await expect(page.getByText('Appended at position 1.')).toBeVisible();
    await expect(page.getByTestId('resource-order-1')).toBeVisible();

    page = await app.restart();
    await page.getByTestId('connection-scratch.sqlite').click();
    await page.getByTestId('resource-order-1').click();
    await expect(page.getByRole('grid', { name: 'order-1 events' }).getByRole('rowgroup').getByRole('row')).toHaveCount(1);
  });
});
