import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { unique, withTopic } from './brokers';
import { addLocalKafka, replaceCode } from './steps';

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
    await page.getByRole('grid', { name: 'Partitions' }).getByRole('rowgroup').getByRole('row').filter({ hasText: 'A-17' }).click();
    await expect(page.getByTestId('partition-positions')).toContainText(/^\d+ events at positions 1, /);
    await app.screenshot('projection-partitions');

    // From a later position: only what follows counts.
    await page.getByLabel('Rebuild from').selectOption('position');
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
    await page.getByLabel('Rebuild from').selectOption('start');
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

  test('rebuild from a time starts at the first event recorded at or after it', async ({ app }) => {
    const { page } = app;
    const total = Number(await page.getByTestId('resource-$all').locator('.badge').textContent());
    await page.getByRole('button', { name: 'New projection' }).first().click();
    await currentCode(page);
    // The demo spans the last three days, so yesterday at midnight falls inside it.
    const midnight = new Date();
    midnight.setDate(midnight.getDate() - 1);
    midnight.setHours(0, 0, 0, 0);
    const p = (n: number) => String(n).padStart(2, '0');
    await page.getByLabel('Rebuild from').selectOption('time');
    await page.getByLabel('From time').fill(`${midnight.getFullYear()}-${p(midnight.getMonth() + 1)}-${p(midnight.getDate())}T00:00:00`);
    await page.getByRole('button', { name: 'Rebuild' }).click();
    const summary = page.getByTestId('run-summary');
    await expect(summary).toContainText(/^\d+ events · \d+–\d+/);
    const [, processed, first, last] = /^(\d+) events · (\d+)–(\d+)/.exec((await summary.textContent()) ?? '')!.map(Number);
    expect(first).toBeGreaterThan(1);
    expect(last).toBe(total);
    expect(processed).toBe(total - first! + 1);

    // The store's own tab agrees: the event before the first one was recorded before midnight,
    // the first one at or after it.
    await page.getByTestId('resource-$all').click();
    await page.getByLabel('Start from').selectOption('position');
    await page.getByLabel('Position', { exact: true }).fill(String(first! - 1));
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    const rows = page.getByRole('grid', { name: '$all events' }).getByRole('rowgroup').getByRole('row');
    await expect(rows.first()).toContainText(String(first! - 1));
    const timeOf = async (i: number) => new Date(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.exec((await rows.nth(i).textContent()) ?? '')![0].replace(' ', 'T')).getTime();
    expect(await timeOf(0)).toBeLessThan(midnight.getTime());
    expect(await timeOf(1)).toBeGreaterThanOrEqual(midnight.getTime());
  });

  test('rebuild over a whole Kafka topic, its partitions merged in time order, then from an offset per partition', async ({ app }) => {
    const { page } = app;
    const name = unique('e2e-deposits');
    const t0 = Date.now() - 60_000;
    // Nine deposits dealt over three partitions: 10, 20, … 90 to in turn.
    const topic = await withTopic(
      name,
      Array.from({ length: 9 }, (_, i) => ({
        key: `k${i}`,
        partition: i % 3,
        timestamp: t0 + i * 1000,
        headers: { type: 'MoneyDeposited' },
        value: { accountId: i % 2 ? 'A-18' : 'A-17', amount: (i + 1) * 10 },
      })),
      3,
    );
    try {
      await addLocalKafka(page);
      await page.getByRole('button', { name: 'New projection' }).first().click();
      await currentCode(page);
      await page.getByLabel('Source connection').selectOption({ label: 'Local Kafka' });
      await page.getByLabel('Source resource').selectOption({ label: `${name} (all partitions)` });
      await page.getByRole('button', { name: 'Rebuild' }).click();
      await expect(page.getByTestId('run-summary')).toContainText('9 events · 1–9');
      await expect(page.getByTestId('run-ordering')).toHaveText('3 partitions merged in timestamp order; positions number the records in that order.');
      // 10 + 30 + 50 + 70 + 90 and 20 + 40 + 60 + 80.
      await expect(page.getByTestId('state-tree')).toContainText('balance: 250');
      await expect(page.getByTestId('state-tree')).toContainText('balance: 200');
      // The events behind one account, found by reading the topic again.
      await page.getByRole('tab', { name: 'Partitions (2)' }).click();
      await page.getByRole('grid', { name: 'Partitions' }).getByRole('rowgroup').getByRole('row').filter({ hasText: 'A-17' }).click();
      await expect(page.getByTestId('partition-positions')).toHaveText('5 events at positions 1, 3, 5, 7, 9');
      await page.getByRole('tab', { name: 'State' }).click();

      await page.getByLabel('Rebuild from').selectOption('position');
      await page.getByLabel('From offsets').fill('0:2 1:1');
      await page.getByRole('button', { name: 'Rebuild' }).click();
      // Partition 0 holds deposits 1, 4, 7 and partition 1 holds 2, 5, 8: 1 and 4, then 2, are skipped.
      await expect(page.getByTestId('run-summary')).toContainText('6 events · 1–6');
      // To: the last merged record to include.
      await page.getByLabel('To position').fill('4');
      await page.getByRole('button', { name: 'Rebuild' }).click();
      await expect(page.getByTestId('run-summary')).toContainText('4 events · 1–4');
      await page.getByLabel('To position').fill('');
      await page.getByLabel('From offsets').fill('0-2');
      await page.getByRole('button', { name: 'Rebuild' }).click();
      await expect(page.getByText('Write offsets as partition:offset, such as 0:120, 1:98 (not “0-2”).')).toBeVisible();
      await app.screenshot('projection-whole-topic');
    } finally {
      await topic.remove();
    }
  });

  test('a throwing handler stops at its event; stop, then fix and continue', async ({ app }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'New projection' }).first().click();
    const good = await currentCode(page);
    const bad = good.replace(
      'MoneyWithdrawn: (s: Balance, e) => ({',
      "MoneyWithdrawn: (s: Balance, e) => { throw new Error('no overdrafts for ' + e.data.accountId); }, Unused: (s: Balance, e) => ({",
    );
    await replaceCode(page, bad);
    await page.getByRole('button', { name: 'Rebuild' }).click();
    const panel = page.getByTestId('handler-error');
    await expect(panel).toContainText(/The MoneyWithdrawn handler threw on line \d+ at position \d+/);
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
    await replaceCode(page, 'export default { init: () => 0, when: { AccountCreated: (s) => { for (;;) {} } } };');
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
