import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectNoSeriousA11yViolations, useTheme } from './axe';
import { unique, withDeadLetters, withTopic } from './brokers';
import { addLocalKafka, addLocalRabbit } from './steps';

/** axe over what is on screen, in the light theme and then the dark one. */
async function checkBothThemes(page: Page, label: string, options?: Parameters<typeof expectNoSeriousA11yViolations>[2]) {
  for (const theme of ['light', 'dark'] as const) {
    const { restore } = await useTheme(page, theme);
    await expectNoSeriousA11yViolations(page, label, options);
    await restore();
  }
}

/** The element that has focus, as a locator-free description for messages. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing');

/** Presses Tab (or Shift+Tab) `times` times and checks after each press that focus is inside `within`. */
async function tabStaysInside(page: Page, within: Locator, times: number, key: 'Tab' | 'Shift+Tab') {
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key);
    const inside = await within.evaluate((el) => el.contains(document.activeElement));
    expect(inside, `after ${i + 1} × ${key}, focus left the dialog for ${await focused(page)}`).toBe(true);
  }
}

test.describe('accessibility', () => {
  // Each screen is checked twice (both themes): the walks take longer than one journey.
  test.describe.configure({ timeout: 240_000 });
  test('the store, a stream, a dialog, a projection, read models, dead letters and the audit log have no serious axe violations', async ({ app }) => {
    const { page } = app;
    await checkBothThemes(page, 'first screen');

    await page.getByTestId('resource-account-A-17').click();
    const grid = page.getByRole('grid', { name: 'account-A-17 events' });
    await grid.getByRole('rowgroup').getByRole('row').nth(1).click();
    await expect(page.getByTestId('detail-title')).toContainText('Event #');
    await checkBothThemes(page, 'stream open with an event selected');

    await page.getByRole('button', { name: 'Append event' }).click();
    const append = page.getByRole('dialog', { name: 'Append event' });
    await expect(append).toBeVisible();
    await checkBothThemes(page, 'append event dialog');
    await append.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'New projection' }).first().click();
    await expect(page.getByRole('textbox', { name: 'Projection code' })).toContainText('One balance per account');
    await checkBothThemes(page, 'new projection');
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByTestId('state-tree')).toContainText('A-17');
    await checkBothThemes(page, 'projection state');
    await page.getByRole('tab', { name: /^Partitions/ }).click();
    await page.getByRole('grid', { name: 'Partitions' }).getByRole('row').filter({ hasText: 'A-17' }).click();
    await expect(page.getByTestId('partition-positions')).toBeVisible();
    await checkBothThemes(page, 'projection partitions');
    await page.getByRole('tab', { name: 'Time travel' }).click();
    await checkBothThemes(page, 'projection time travel');

    await page.getByRole('button', { name: 'Save as read model…' }).click();
    await page.getByLabel('Read model name').fill('balances');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByRole('grid', { name: 'Query result' }).getByRole('rowgroup').getByRole('row')).toHaveCount(8);
    await page.getByRole('grid', { name: 'Query result' }).getByRole('rowgroup').getByRole('row').first().click();
    await checkBothThemes(page, 'read models');

    await page.getByRole('button', { name: 'Dead letters' }).click();
    await expect(page.getByRole('navigation', { name: 'Dead-letter sources' })).toBeVisible();
    await checkBothThemes(page, 'dead letters (store only)');

    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await expect(page.getByRole('grid', { name: 'Audit entries' })).toBeVisible();
    await checkBothThemes(page, 'audit log');

    await page.keyboard.press('ControlOrMeta+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await expect(palette).toBeVisible();
    await page.keyboard.type('acc');
    await checkBothThemes(page, 'command palette');
    await page.keyboard.press('Escape');
    await expect(palette).toBeHidden();
  });

  test('Kafka and RabbitMQ screens: connection dialog, a topic, its search, groups, dead letters', async ({ app }) => {
    const { page } = app;
    const topic = unique('e2e-a11y');
    const t = await withTopic(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, partition: i % 3, value: { type: 'MoneyDeposited', data: { accountId: i % 2 ? 'A-17' : 'A-18', amount: i } } })),
      3,
    );
    const dead = await withDeadLetters(unique('e2e-a11y-orders'), [{ order: 1 }, { order: 2 }]);
    try {
      await page.getByRole('button', { name: '+ Add connection' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add connection' });
      await dialog.getByRole('button', { name: 'Kafka' }).click();
      await checkBothThemes(page, 'add connection dialog');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await addLocalKafka(page);
      await addLocalRabbit(page);

      await page.getByTestId(`resource-${topic}`).click();
      const grid = page.getByRole('grid', { name: `${topic} records` });
      await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(30);
      await grid.getByRole('rowgroup').getByRole('row').first().click();
      await checkBothThemes(page, 'Kafka topic, all partitions');

      // A dialog that does not focus anything itself: the Dialog puts focus on its first field.
      const produce = page.getByRole('button', { name: 'Produce…' });
      await produce.click();
      const compose = page.getByRole('dialog', { name: `Produce to ${topic}` });
      await expect(compose.getByLabel('Key')).toBeFocused();
      await checkBothThemes(page, 'produce dialog');
      await page.keyboard.press('Escape');
      await expect(compose).toBeHidden();
      await expect(produce).toBeFocused();

      await page.getByRole('button', { name: 'Search…' }).click();
      await page.getByLabel('JSON path condition').fill('$.data.accountId == "A-17"');
      await page.getByLabel('JSON path condition').press('Enter');
      await expect(page.getByTestId('search-status')).toContainText('Searched to the end.');
      await checkBothThemes(page, 'Kafka topic search');

      await page.getByTestId('view-groups').click();
      await expect(page.getByRole('grid', { name: 'Consumer groups' })).toBeVisible();
      await checkBothThemes(page, 'consumer groups');

      await page.getByRole('button', { name: 'Dead letters' }).click();
      const dlq = page.getByRole('navigation', { name: 'Dead-letter sources' }).getByRole('button', { name: new RegExp(dead.dlq.replace(/\./g, '\\.')) });
      await dlq.click();
      await page.getByRole('button', { name: 'Peek the first 200' }).click();
      const letters = page.getByRole('grid', { name: `${dead.dlq} dead letters` });
      await expect(letters.getByRole('rowgroup').getByRole('row')).toHaveCount(2);
      await letters.getByRole('rowgroup').getByRole('row').first().click();
      await expect(page.getByTestId('death')).toContainText('rejected');
      await checkBothThemes(page, 'RabbitMQ dead letters');
    } finally {
      await t.remove();
      await dead.remove();
    }
  });

  test('a dialog focuses its first field, keeps Tab inside and gives focus back when it closes', async ({ app }) => {
    const { page } = app;
    const opener = page.getByRole('button', { name: '+ Add connection' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add connection' });
    await expect(dialog).toBeVisible();
    // The first field to type into, not the broker buttons or the close button.
    await expect(dialog.getByLabel('Name', { exact: true })).toBeFocused();

    // Round the dialog both ways, more times than it has controls: focus never reaches the page behind.
    const controls = await dialog.locator('button:visible, input:visible, select:visible, textarea:visible').count();
    await tabStaysInside(page, dialog, controls + 3, 'Tab');
    await tabStaysInside(page, dialog, controls + 3, 'Shift+Tab');
    // From the last control Tab wraps to the first (the close button), Shift+Tab goes back.
    await dialog.getByRole('button', { name: 'Save' }).focus();
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('button', { name: 'Save' })).toBeFocused();

    // Escape closes it; focus is back on the button that opened it.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();

    // The same with Cancel, from a dialog opened in a tab: Append event on a stream.
    await page.getByTestId('resource-account-A-17').click();
    const append = page.getByRole('button', { name: 'Append event' });
    await append.click();
    const appendDialog = page.getByRole('dialog', { name: 'Append event' });
    await expect(appendDialog.getByLabel('Event type')).toBeFocused();
    await appendDialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(appendDialog).toBeHidden();
    await expect(append).toBeFocused();
  });

  test('the keyboard moves through partition lists, read models and tables', async ({ app }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'New projection' }).first().click();
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByTestId('state-tree')).toContainText('A-17');
    await page.getByRole('tab', { name: /^Partitions/ }).click();

    // The header row belongs to the grid; the arrows move the selection and show each partition.
    const partitions = page.getByRole('grid', { name: 'Partitions' });
    await expect(partitions.getByRole('columnheader').first()).toHaveText(/^Partition/);
    const rows = partitions.getByRole('rowgroup').getByRole('row');
    await partitions.focus();
    await page.keyboard.press('ArrowDown');
    await expect(rows.nth(0)).toHaveAttribute('aria-selected', 'true');
    const first = (await rows.nth(0).getByRole('gridcell').first().textContent())!;
    await expect(page.getByRole('heading', { name: `Partition ${first}` })).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
    const second = (await rows.nth(1).getByRole('gridcell').first().textContent())!;
    await expect(page.getByRole('heading', { name: `Partition ${second}` })).toBeVisible();
    // The grid says which row is active.
    const active = await partitions.getAttribute('aria-activedescendant');
    expect(active).toBe(await rows.nth(1).getAttribute('id'));
    await page.keyboard.press('End');
    await expect(rows.last()).toHaveAttribute('aria-selected', 'true');
    await app.screenshot('a11y-partitions-keyboard');

    // Two read models; Down and Up move focus between them, Enter opens the focused one.
    for (const name of ['balances', 'balances_two']) {
      await page.getByRole('button', { name: 'Save as read model…' }).click();
      await page.getByLabel('Read model name').fill(name);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(page.getByRole('status')).toContainText(`Saved ${name}`);
    }
    await page.getByRole('button', { name: 'Read models' }).click();
    const list = page.getByRole('list', { name: 'Read models' });
    const models = list.getByRole('button');
    await expect(models).toHaveCount(2);
    await models.first().focus();
    await page.keyboard.press('ArrowDown');
    await expect(models.nth(1)).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(models.nth(1)).toBeFocused();
    await page.keyboard.press('Home');
    await expect(models.first()).toBeFocused();
    await page.keyboard.press('End');
    await expect(models.nth(1)).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(models.first()).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(models.first()).toHaveAttribute('aria-current', 'true');
    await app.screenshot('a11y-read-models-keyboard');
  });
});
