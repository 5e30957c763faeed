import { expect, test } from './fixtures';

test.describe('first run', () => {
  test('the bundled store opens with demo streams; pick a stream and read its events', async ({ app }) => {
    const { page } = app;
    const sidebar = page.getByRole('tree', { name: 'Connections and resources' });
    await expect(sidebar.getByText('Local event store')).toBeVisible();
    // Both demo stories are there, with their event counts.
    const account = page.getByTestId('resource-account-A-17');
    await expect(account).toBeVisible();
    await expect(account.locator('.badge')).toHaveText(/^\d+$/);
    await expect(page.getByTestId('resource-cart-C-1001')).toBeVisible();
    await expect(page.getByTestId('resource-$all')).toContainText(/\d+/);
    await expect(page.getByTestId('connection-status')).toContainText('Local event store — reachable');
    await app.screenshot('first-screen');

    await account.click();
    const grid = page.getByRole('grid', { name: 'account-A-17 events' });
    const rows = grid.getByRole('rowgroup').getByRole('row');
    await expect(rows.first()).toContainText('AccountCreated');
    const count = Number(await account.locator('.badge').textContent());
    await expect(page.getByTestId('records-summary')).toHaveText(`${count} events loaded · to the end`);

    await rows.nth(1).click();
    await expect(page.getByTestId('detail-title')).toContainText(/^Event #\d+ · Money(Deposited|Withdrawn|Transferred)$/);
    await expect(page.getByTestId('payload-json')).toContainText('"accountId": "A-17"');
    await app.screenshot('stream-open');

    // The keyboard moves through the records too.
    await grid.press('ArrowDown');
    await expect(rows.nth(2)).toHaveAttribute('aria-selected', 'true');
  });

  test('$all reads the global log in position order, from a chosen position', async ({ app }) => {
    const { page } = app;
    await page.getByTestId('resource-$all').click();
    const grid = page.getByRole('grid', { name: '$all events' });
    await expect(grid.getByRole('rowgroup').getByRole('row').first().getByRole('gridcell').first()).toHaveText('1');
    await page.getByLabel('Start from').selectOption('position');
    await page.getByRole('textbox', { name: 'Position' }).fill('100');
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    await expect(grid.getByRole('rowgroup').getByRole('row').first().getByRole('gridcell').first()).toHaveText('100');
    await page.getByRole('textbox', { name: 'Position' }).fill('abc');
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    await expect(page.getByText('A position is a whole number')).toBeVisible();
  });

  test('the sidebar filter narrows the tree and the theme can be switched', async ({ app }) => {
    const { page } = app;
    await page.getByLabel('Filter resources').fill('cart-C-100');
    await expect(page.getByTestId('resource-cart-C-1003')).toBeVisible();
    await expect(page.getByTestId('resource-account-A-17')).toHaveCount(0);
    await page.getByLabel('Filter resources').fill('zzz-nothing');
    await expect(page.getByText('Nothing matches “zzz-nothing”')).toBeVisible();
    await page.getByLabel('Filter resources').press('Escape');
    await expect(page.getByTestId('resource-account-A-17')).toBeVisible();

    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    const theme = await page.locator('html').getAttribute('data-theme');
    await page.getByTestId('resource-account-A-18').click();
    await page.getByRole('grid', { name: 'account-A-18 events' }).getByRole('rowgroup').getByRole('row').first().click();
    await app.screenshot(`theme-${theme}`);
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', theme ?? '');
  });
});
