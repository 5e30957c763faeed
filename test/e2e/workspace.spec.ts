import { expect, test } from './fixtures';
import { replaceCode } from './steps';

/** A projection whose `when.MoneyDeposited` throws on line 14 of 21. */
const THROWS_ON_14 = [
  '// Line 1: a projection that fails on purpose.',
  'type S = { n: number };',
  '',
  'export default {',
  '  init: (): S => ({ n: 0 }),',
  '  when: {',
  '    AccountCreated: (s: S) => ({ n: s.n + 1 }),',
  '    MoneyWithdrawn: (s: S) => s,',
  '    MoneyTransferred: (s: S) => s,',
  '    CartCreated: (s: S) => s,',
  '    ItemAdded: (s: S) => s,',
  '    ItemRemoved: (s: S) => s,',
  '    MoneyDeposited: (s: S, e: { data: { amount: number } }) => {',
  "      if (e.data.amount >= 0) throw new Error('line fourteen');",
  '      return s;',
  '    },',
  '  },',
  '};',
  '',
  '// Line 20.',
  '// Line 21.',
].join('\n');

test('a reload keeps the open tabs, the active one and unsaved projection code; closing unsaved code asks first', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('resource-account-A-17').click();
  await page.getByTestId('resource-$all').click();
  await page.getByRole('button', { name: 'New projection' }).first().click();
  const editor = page.getByRole('textbox', { name: 'Projection code' });
  await expect(editor).toContainText('export default');
  await replaceCode(page, '// my unsaved work\nexport default { init: () => 0, when: {} };');
  const tabs = page.getByRole('tablist', { name: 'Open resources' });
  await expect(tabs.getByRole('tab')).toHaveCount(3);

  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  await expect(tabs.getByRole('tab')).toHaveCount(3);
  await expect(tabs.getByRole('tab', { selected: true })).toContainText('Projection 1');
  await expect(page.getByRole('textbox', { name: 'Projection code' })).toContainText('// my unsaved work');
  await expect(tabs.getByRole('tab').nth(0)).toContainText('account-A-17');
  await expect(tabs.getByRole('tab').nth(1)).toContainText('$all');
  await app.screenshot('workspace-restored');

  // Closing the edited projection asks; Keep leaves it open, Discard closes it.
  await page.getByTitle('Close Projection 1', { exact: true }).click();
  const ask = page.getByRole('dialog', { name: 'Discard unsaved projection code?' });
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(tabs.getByRole('tab')).toHaveCount(3);
  // The keyboard's way to close a tab: Delete on the tab.
  await tabs.getByRole('tab').filter({ hasText: 'Projection 1' }).press('Delete');
  await page.getByRole('dialog', { name: 'Discard unsaved projection code?' }).getByRole('button', { name: 'Discard' }).click();
  await expect(tabs.getByRole('tab')).toHaveCount(2);
  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  await expect(tabs.getByRole('tab')).toHaveCount(2);
});

test('Ctrl+Enter rebuilds without touching the code, and an error on line 14 is reported at line 14', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'New projection' }).first().click();
  const editor = page.getByRole('textbox', { name: 'Projection code' });
  await expect(editor).toContainText('export default');
  const before = await editor.innerText();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(page.getByTestId('run-summary')).toContainText('events');
  expect(await editor.innerText()).toBe(before);

  await replaceCode(page, THROWS_ON_14);
  await page.keyboard.press('ControlOrMeta+Enter');
  const failure = page.getByTestId('handler-error');
  await expect(failure).toContainText('line fourteen');
  await expect(failure).toContainText('threw on line 14 at position');
  await failure.getByText('Event and stack').click();
  await expect(failure).toContainText(/projection\.ts:14:\d+/);
  await expect(failure).not.toContainText(/projection\.ts:(?!14:)\d+:\d+/);
  // The editor marks line 14 itself: underlined, with a marker in the gutter.
  await expect(page.locator('.cm-lintRange-error')).toContainText("throw new Error('line fourteen')");
  await expect(page.locator('.cm-lint-marker-error')).toHaveCount(1);
  await app.screenshot('projection-error-line');
});

test('the code editor reads well in the dark theme', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: /dark theme/i }).click();
  await page.getByRole('button', { name: 'New projection' }).first().click();
  const editor = page.getByRole('textbox', { name: 'Projection code' });
  await expect(editor).toContainText('export default');
  // Every coloured token in the editor stands out from the editor's background (WCAG AA, 4.5:1).
  const worst = await editor.evaluate((el) => {
    const lum = (c: string) => {
      const [r, g, b] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((x) => {
        const v = Number(x) / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const root = el.closest('.cm-editor') as HTMLElement;
    const bg = lum(getComputedStyle(root).backgroundColor);
    let min = { ratio: 99, text: '' };
    for (const span of Array.from(el.querySelectorAll('span'))) {
      const fg = lum(getComputedStyle(span).color);
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < min.ratio) min = { ratio, text: span.textContent ?? '' };
    }
    return min;
  });
  expect(worst.ratio, `"${worst.text}" has contrast ${worst.ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(4.5);
  await app.screenshot('projection-dark');
});

test('with many tabs the active one is scrolled into view, and a list shows them all', async ({ app }) => {
  const { page } = app;
  const streams = [
    'account-A-17',
    'account-A-18',
    'account-A-19',
    'account-A-20',
    'account-A-21',
    'account-A-22',
    'account-A-23',
    'account-A-24',
    'cart-C-1001',
    'cart-C-1002',
    'cart-C-1003',
    'cart-C-1004',
    'cart-C-1005',
    '$all',
  ];
  for (const s of streams) await page.getByTestId(`resource-${s}`).click();
  const tabs = page.getByRole('tablist', { name: 'Open resources' });
  await expect(tabs.getByRole('tab')).toHaveCount(14);
  const active = tabs.getByRole('tab', { selected: true });
  await expect(active).toContainText('$all');
  await expect(active).toBeInViewport({ ratio: 0.95 });

  await page.getByRole('button', { name: 'All open tabs' }).click();
  const list = page.getByRole('menu', { name: 'Open tabs' });
  await expect(list.getByRole('menuitem')).toHaveCount(14);
  await list.getByRole('menuitem', { name: /account-A-17/ }).click();
  await expect(tabs.getByRole('tab', { selected: true })).toContainText('account-A-17');
  await expect(tabs.getByRole('tab', { selected: true })).toBeInViewport({ ratio: 0.95 });
  // The sidebar's highlight follows the active tab.
  await expect(page.getByTestId('resource-account-A-17')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('resource-$all')).toHaveAttribute('aria-selected', 'false');
  await tabs.getByRole('tab').filter({ hasText: 'cart-C-1003' }).click();
  await expect(page.getByTestId('resource-cart-C-1003')).toHaveAttribute('aria-selected', 'true');
  await app.screenshot('many-tabs');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await page.getByRole('button', { name: 'All open tabs' }).click();
  await app.screenshot('many-tabs-dark');
});

test('a store read starts from a time typed as people say it: 08:00', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('resource-$all').click();
  await page.getByLabel('Start from').selectOption('time');
  // The demo's events end about now: before noon there may be none after 08:00 today yet.
  const typed = new Date().getHours() >= 12 ? '08:00' : 'yesterday 08:00';
  await page.getByLabel('Start time').fill(typed);
  await expect(page.getByTestId('time-understood')).toContainText('08:00:00');
  await page.getByRole('button', { name: 'Read', exact: true }).click();
  await expect(page.getByTestId('records-summary')).toContainText('loaded');
  const loaded = Number((await page.getByTestId('records-summary').innerText()).match(/^(\d+)/)?.[1]);
  const eight = new Date();
  if (typed !== '08:00') eight.setDate(eight.getDate() - 1);
  eight.setHours(8, 0, 0, 0);
  // The rows shown are those at or after 08:00 today: some, and fewer than the store's 132.
  const grid = page.getByRole('grid', { name: /\$all/ });
  const texts = await grid.locator('[role="row"]').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
  const stamps = texts.map((t) => /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.exec(t)?.[0]).filter((x): x is string => !!x);
  expect(loaded).toBeGreaterThan(0);
  expect(loaded).toBeLessThan(132);
  expect(stamps.length).toBeGreaterThan(0);
  for (const t of stamps) expect(new Date(t.replace(' ', 'T')).getTime()).toBeGreaterThanOrEqual(eight.getTime());
  await app.screenshot('store-from-0800');
});
