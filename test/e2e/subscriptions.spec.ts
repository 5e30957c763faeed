import { expect, test } from './fixtures';
import { replaceCode } from './steps';

test('a subscription parks what its handler fails on; fix it, count, then replay the parked events', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'New projection' }).first().click();
  const editor = page.getByRole('textbox', { name: 'Projection code' });
  await expect(editor).toContainText('export default');
  const good = await editor.innerText();
  const picky = good.replace(
    'MoneyWithdrawn: (s: Balance, e) => ({',
    "MoneyWithdrawn: (s: Balance, e) => { if (e.data.amount > 300) throw new Error('limit exceeded'); return s; }, Unused: (s: Balance, e) => ({",
  );
  await replaceCode(page, picky);
  await page.getByRole('button', { name: 'Save as subscription…' }).click();
  await page.getByLabel('Subscription name').fill('balances');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved subscription balances')).toBeVisible();

  const row = page.getByTestId('resource-balances');
  await expect(row).toContainText('@0');
  await row.click();
  await page.getByRole('button', { name: 'Catch up' }).click();
  await expect(page.getByText(/^Caught up: \d+ events handled, [1-9]\d* parked, checkpoint \d+\.$/)).toBeVisible();
  const parkedRows = page.getByRole('table', { name: 'Parked events' }).locator('tbody tr');
  await expect(parkedRows.first()).toContainText('Error: limit exceeded');
  const parked = await parkedRows.count();
  expect(parked).toBeGreaterThan(0);
  await expect(parkedRows.first()).toContainText('Error: limit exceeded');
  await expect(parkedRows.first()).toContainText('MoneyWithdrawn');
  await expect(row).toContainText(`DLQ ${parked}`);
  await app.screenshot('subscription-parked');

  // Replaying with the bug still there changes nothing but the attempt count.
  await page.getByLabel('Replay which').selectOption('selected');
  await page.getByLabel(/^Select parked event \d+$/).first().check();
  await page.getByRole('button', { name: 'Replay…' }).click();
  await expect(page.getByTestId('replay-confirm')).toContainText('1 parked event will be re-sent to balances.');
  await page.getByRole('button', { name: 'Re-send 1' }).click();
  await expect(page.getByText('Replayed 0 of 1; 1 still parked.')).toBeVisible();
  await expect(parkedRows).toHaveCount(parked);

  // Fix the handler, then replay them all: the count comes first, then the re-send.
  await page.getByRole('tab', { name: /Projection 1/ }).click();
  await replaceCode(page, good);
  await page.getByRole('button', { name: 'Save as subscription…' }).click();
  await page.getByLabel('Subscription name').fill('balances');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('tab', { name: /balances/ }).click();
  await page.getByLabel('Replay which').selectOption('all');
  await page.getByRole('button', { name: 'Replay…' }).click();
  await expect(page.getByTestId('replay-confirm')).toContainText(`${parked} parked event${parked === 1 ? '' : 's'} will be re-sent to balances.`);
  await page.getByRole('button', { name: `Re-send ${parked}` }).click();
  await expect(page.getByText(`Replayed ${parked} of ${parked}; 0 still parked.`)).toBeVisible();
  await expect(page.getByText('No parked events.')).toBeVisible();
  await expect(row).not.toContainText('DLQ');
});
