import { expect, test } from './fixtures';
import { replaceCode } from './steps';

/** The first two withdrawals are refused; the user skips each after thinking it over for a while. */
const PICKY = `
const refused = { n: 0 };
export default {
  init: () => ({ withdrawals: 0 }),
  when: {
    MoneyWithdrawn: (s, e) => {
      if (++refused.n <= 2) throw new Error('refused withdrawal ' + refused.n + ' of ' + e.data.accountId);
      return { withdrawals: s.withdrawals + 1 };
    },
  },
};
`;

test.describe('projection runs that skip events', () => {
  test('list the skipped events with position, type, stream and error, and leave the pauses out of the time', async ({ app }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'New projection' }).first().click();
    await expect(page.getByRole('textbox', { name: 'Projection code' })).toContainText('export default');
    await replaceCode(page, PICKY);
    await page.getByRole('button', { name: 'Rebuild' }).click();
    const panel = page.getByTestId('handler-error');
    const thinkMs = 2500;
    const positions: string[] = [];
    for (const n of [1, 2]) {
      await expect(panel).toContainText(`Error: refused withdrawal ${n} of A-`);
      positions.push((await panel.getByTestId('failure-position').textContent()) ?? '');
      // The user reads the error before deciding; this time is theirs, not the run's.
      await page.waitForTimeout(thinkMs);
      await panel.getByRole('button', { name: 'Skip this event' }).click();
      if (n === 1) await expect(panel).not.toContainText('refused withdrawal 1');
    }
    const summary = page.getByTestId('run-summary');
    await expect(summary).toContainText('2 skipped');
    const ms = Number(/· ([\d,]+) ms/.exec((await summary.textContent()) ?? '')![1]!.replace(/,/g, ''));
    expect(ms).toBeLessThan(thinkMs);

    const skipped = page.getByTestId('skipped-events');
    await expect(skipped).toContainText('2 events were skipped');
    const rows = skipped.getByRole('table', { name: 'Skipped events' }).locator('tbody tr');
    await expect(rows).toHaveCount(2);
    for (const [i, n] of [1, 2].entries()) {
      await expect(rows.nth(i).locator('td').nth(0)).toHaveText(positions[i]!);
      await expect(rows.nth(i).locator('td').nth(1)).toHaveText('MoneyWithdrawn');
      await expect(rows.nth(i).locator('td').nth(2)).toHaveText(/^account-A-\d+$/);
      await expect(rows.nth(i).locator('td').nth(3)).toHaveText(new RegExp(`^Error: refused withdrawal ${n} of A-\\d+$`));
    }
    await app.screenshot('projection-skipped-events');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await app.screenshot('projection-skipped-events-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });
});
