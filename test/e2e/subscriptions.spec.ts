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
  await page
    .getByLabel(/^Select parked event \d+$/)
    .first()
    .check();
  await page.getByRole('button', { name: 'Replay…' }).click();
  await expect(page.getByTestId('replay-confirm')).toContainText('1 parked event will be re-sent to balances.');
  await page.getByRole('button', { name: 'Re-send 1' }).click();
  await expect(page.getByText('Replayed 0 of 1; 1 still parked.')).toBeVisible();
  await expect(parkedRows).toHaveCount(parked);

  // Saving a projection under a name that is taken asks before it replaces anything.
  await page.getByRole('tab', { name: /Projection 1/ }).click();
  await replaceCode(page, good);
  await page.getByRole('button', { name: 'Save as subscription…' }).click();
  await page.getByLabel('Subscription name').fill('balances');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const ask = page.getByRole('dialog', { name: 'Replace the code of balances?' });
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();

  // Fix the handler on the subscription's own page, where its code and its state at the checkpoint are.
  await page.getByRole('tab', { name: /balances/ }).click();
  const subCode = page.getByRole('textbox', { name: 'Subscription code' });
  await expect(subCode).toContainText('export default');
  // The editor draws only the lines in view: go to the end, where the failing handler is.
  await subCode.click();
  await page.keyboard.press('ControlOrMeta+End');
  await expect(subCode).toContainText('limit exceeded');
  await expect(page.getByTestId('subscription-state')).toContainText('A-17');
  await expect(page.getByTestId('subscription-state-head')).toContainText(/State at checkpoint \d+/);
  await app.screenshot('subscription-code-state');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await app.screenshot('subscription-code-state-dark');
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await subCode.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(good);
  await page.getByRole('button', { name: 'Save code' }).click();
  await expect(page.getByText('Saved the code of balances: its checkpoint and state stay.')).toBeVisible();
  await page.getByLabel('Replay which').selectOption('all');
  await page.getByRole('button', { name: 'Replay…' }).click();
  await expect(page.getByTestId('replay-confirm')).toContainText(`${parked} parked event${parked === 1 ? '' : 's'} will be re-sent to balances.`);
  await page.getByRole('button', { name: `Re-send ${parked}` }).click();
  await expect(page.getByText(`Replayed ${parked} of ${parked}; 0 still parked.`)).toBeVisible();
  await expect(page.getByText('No parked events.')).toBeVisible();
  await expect(row).not.toContainText('DLQ');
});
