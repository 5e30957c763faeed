import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function replaceCode(page: Page, code: string) {
  const editor = page.getByRole('textbox', { name: 'Projection code' });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(code);
}

/** The editor's text, once the example has loaded into it. */
async function currentCode(page: Page): Promise<string> {
  const editor = page.getByRole('textbox', { name: 'Projection code' });
  await expect(editor).toContainText('export default');
  return editor.innerText();
}

test.describe('projections', () => {
  test('write a balance projection, rebuild from 0 and later, scrub back, diff two versions', async ({ app }) => {
    const { page } = app;
    const total = Number(await page.getByTestId('resource-$all').locator('.badge').textContent());
    await page.getByRole('button', { name: 'New projection' }).first().click();
    const editor = page.getByRole('textbox', { name: 'Projection code' });
    await expect(editor).toContainText('One balance per account');

    // Rebuild from position 0 (the start).
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByTestId('run-summary')).toContainText(`${total} events · 1–${total}`);
    await expect(page.getByTestId('state-tree')).toContainText('A-17');
    await expect(page.getByTestId('state-tree')).toContainText('"Ada Lovelace"');
    await page.getByRole('tab', { name: 'Partitions (8)' }).click();
    await page.getByRole('grid', { name: 'Partitions' }).getByRole('row').filter({ hasText: 'A-17' }).click();
    await expect(page.getByTestId('partition-positions')).toContainText(/^\d+ events at positions 1, /);
    await app.screenshot('projection-partitions');

    // From a later position: only what follows counts.
    await page.getByLabel('From position').fill('60');
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByTestId('run-summary')).toContainText(`${total - 59} events · 60–${total}`);

    // Scrub back in time.
    await page.getByRole('tab', { name: 'Time travel' }).click();
    await page.getByLabel('Go to position').fill('70');
    await page.getByLabel('Go to position').press('Enter');
    await expect(page.getByText('Event at 70')).toBeVisible();
    await expect(page.getByTestId('travel-event')).toContainText(/Money|Account|Cart|Item/);
    await page.getByRole('button', { name: 'Previous position' }).click();
    await expect(page.getByText('Event at 69')).toBeVisible();
    await app.screenshot('projection-time-travel');

    // A second version (withdrawals counted twice) over the same events; diff it with the first.
    await page.getByLabel('From position').fill('');
    const v1 = await currentCode(page);
    expect(v1).toContain('s.balance - e.data.amount');
    await replaceCode(page, v1.replace('s.balance - e.data.amount', 's.balance - 2 * e.data.amount'));
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByTestId('run-summary')).toContainText(`${total} events · 1–${total}`);
    await page.getByRole('tab', { name: 'Diff' }).click();
    await page.getByLabel('Compare with').selectOption({ label: `#1 · $all from the start` });
    await expect(page.getByTestId('diff-counts')).toContainText(/[1-8] changed · 0 added · 0 removed/);
    await expect(page.getByTestId('diff-rows')).toContainText('balance');
    await app.screenshot('projection-diff');
  });

  test('a throwing handler stops at its event; stop, then fix and continue', async ({ app }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'New projection' }).first().click();
    const good = await currentCode(page);
    const bad = good.replace('MoneyWithdrawn: (s: Balance, e) => ({', "MoneyWithdrawn: (s: Balance, e) => { throw new Error('no overdrafts for ' + e.data.accountId); }, Unused: (s: Balance, e) => ({");
    await replaceCode(page, bad);
    await page.getByRole('button', { name: 'Rebuild' }).click();
    const panel = page.getByTestId('handler-error');
    await expect(panel).toContainText(/The MoneyWithdrawn handler threw at position \d+/);
    await expect(panel).toContainText(/Error: no overdrafts for A-\d+/);
    await app.screenshot('projection-handler-error');
    await panel.getByRole('button', { name: 'Stop' }).click();
    await expect(page.getByTestId('run-summary')).toContainText('stopped early');

    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(panel).toBeVisible();
    await replaceCode(page, good);
    await panel.getByRole('button', { name: 'Fix and continue' }).click();
    await expect(page.getByTestId('run-summary')).not.toContainText('skipped');
    await expect(page.getByTestId('run-summary')).toContainText(/^\d+ events · 1–\d+/);
  });

  test('an endless loop is stopped with a clear message and the app keeps working', async ({ app }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'New projection' }).first().click();
    const good = await currentCode(page);
    await replaceCode(page, "export default { init: () => 0, when: { AccountCreated: (s) => { for (;;) {} } } };");
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByRole('alert')).toContainText(/The handler ran longer than 1000 ms on the event at position 1 and was stopped/);
    await replaceCode(page, "export default { init: () => 0, when: { AccountCreated: (s) => { const x = require('fs'); return s; } } };");
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByTestId('handler-error')).toContainText('require is not defined');
    await page.getByTestId('handler-error').getByRole('button', { name: 'Stop' }).click();
    await replaceCode(page, good);
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByTestId('run-summary')).toContainText(/^\d+ events/);
  });
});
