import { expect, test } from './fixtures';

test.describe('read models', () => {
  test('save a rebuild as a table, query it with SQL, continue it after new events', async ({ app }) => {
    const { page } = app;
    const total = Number(await page.getByTestId('resource-$all').locator('.badge').textContent());
    await page.getByRole('button', { name: 'New projection' }).first().click();
    await expect(page.getByRole('textbox', { name: 'Projection code' })).toContainText('One balance per account');
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByTestId('run-summary')).toContainText(`${total} events · 1–${total}`);

    await page.getByRole('button', { name: 'Save as read model…' }).click();
    await page.getByLabel('Read model name').fill('account balances');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('Use letters, digits and _');
    await page.getByLabel('Read model name').fill('balances');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status')).toContainText(`Saved balances: 8 rows, checkpoint ${total}`);
    await page.getByRole('button', { name: 'Open', exact: true }).click();

    // The table: a row per account, a column per field of the state.
    const grid = page.getByRole('grid', { name: 'Query result' });
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(8);
    await expect(page.getByRole('columnheader')).toHaveText(['key', 'balance', 'deposits', 'owner', 'state']);
    await expect(page.getByRole('button', { name: /^balances/ })).toContainText(`8 rows · checkpoint ${total}`);
    const a17 = grid.getByRole('rowgroup').getByRole('row').filter({ hasText: /^A-17/ });
    const balance = Number(await a17.getByRole('gridcell').nth(1).textContent());
    await a17.click();
    await expect(page.locator('.detail')).toContainText('Ada Lovelace');
    await app.screenshot('read-model-table');

    // SQL over it.
    const sql = page.getByLabel('SQL query');
    await sql.fill('SELECT key, balance FROM balances WHERE balance > 0 ORDER BY balance DESC');
    await sql.press('ControlOrMeta+Enter');
    await expect(page.getByRole('columnheader')).toHaveText(['key', 'balance']);
    const positive = await grid.getByRole('rowgroup').getByRole('row').count();
    expect(positive).toBeGreaterThan(0);
    await expect(page.getByTestId('query-summary')).toContainText(`${positive} row`);
    const balances = (await grid.getByRole('rowgroup').getByRole('row').locator('[role=gridcell]:nth-child(2)').allTextContents()).map(Number);
    expect(balances).toEqual([...balances].sort((a, b) => b - a));
    await sql.fill('SELECT nope FROM balances');
    await page.getByRole('button', { name: 'Run query' }).click();
    await expect(page.getByText('no such column: nope')).toBeVisible();
    await sql.fill('DELETE FROM balances');
    await page.getByRole('button', { name: 'Run query' }).click();
    await expect(page.getByText('The query box is read-only: this is a DELETE, and only SELECT and WITH … SELECT queries run here.')).toBeVisible();
    // The hint is about the box being read-only, not about names (that one belongs to the typo above).
    await expect(page.getByText(/change the projection, rebuild, and save the run again/)).toBeVisible();
    await expect(page.getByText(/table and column names/)).toHaveCount(0);
    await app.screenshot('read-model-refused-delete');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await app.screenshot('read-model-refused-delete-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();

    // A new deposit, then Continue: only that event is applied, from the saved state.
    await page.getByTestId('resource-account-A-17').click();
    await page.getByRole('button', { name: 'Append event' }).click();
    const dialog = page.getByRole('dialog', { name: 'Append event' });
    await dialog.getByLabel('Event type').fill('MoneyDeposited');
    await dialog.getByLabel('Data (JSON)').fill('{"accountId": "A-17", "amount": 1000}');
    await dialog.getByRole('button', { name: 'Append' }).click();
    await expect(page.getByText(/^Appended at position \d+\.$/)).toBeVisible();

    await page.getByRole('tab', { name: /Read models/ }).click();
    await page.getByRole('button', { name: `Continue from ${total + 1}` }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Applied' })).toHaveText(`Applied 1 event: balances is at checkpoint ${total + 1} with 8 rows.`);
    await sql.fill("SELECT balance FROM balances WHERE key = 'A-17'");
    await page.getByRole('button', { name: 'Run query' }).click();
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveText([String(balance + 1000)]);
    await page.getByRole('button', { name: `Continue from ${total + 2}` }).click();
    await expect(page.getByRole('status').filter({ hasText: 'up to date' })).toHaveText(`Nothing new after position ${total + 1}: balances is up to date.`);
    await app.screenshot('read-model-continued');

    // Kept across a restart, in the read-model file.
    const again = await app.restart();
    await again.getByRole('button', { name: 'Read models' }).click();
    await expect(again.getByRole('button', { name: /^balances/ })).toContainText(`checkpoint ${total + 1}`);
    await expect(again.getByRole('grid', { name: 'Query result' }).getByRole('rowgroup').getByRole('row')).toHaveCount(8);
  });
});
