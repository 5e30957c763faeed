import { test, expect } from './fixtures';
import { addLocalRabbit } from './steps';

/** Keyboard paths seen in a walk: the filter's ↓, notes the cursor must step over, and Delete on a tab. */
test('↓ from the sidebar filter lands on the first match; "Nothing matches" rows are not cursor stops', async ({ app }) => {
  const { page } = app;
  const tree = page.getByRole('tree', { name: 'Connections and resources' });
  const selected = tree.locator('[role="treeitem"][aria-selected="true"]');
  const filter = page.getByLabel('Filter resources');

  await filter.fill('C-1003');
  await filter.press('ArrowDown');
  await expect(tree).toBeFocused();
  await expect(selected).toContainText('cart-C-1003');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: /cart-C-1003/ })).toHaveAttribute('aria-selected', 'true');

  await addLocalRabbit(page);
  await filter.fill('zzz-no-such-thing');
  await expect(tree.getByText('Nothing matches “zzz-no-such-thing”')).toHaveCount(2);
  await filter.press('ArrowDown');
  await expect(selected).toContainText('Local event store');
  await page.keyboard.press('ArrowDown');
  await expect(selected).toContainText('Local RabbitMQ');
  await page.keyboard.press('ArrowDown');
  await expect(selected).toContainText('Local RabbitMQ');
  await page.keyboard.press('End');
  await expect(selected).toContainText('Local RabbitMQ');
  await page.keyboard.press('Home');
  await expect(selected).toContainText('Local event store');
});

test('Delete on a tab moves focus to the tab that takes its place, and to the tree after the last one', async ({ app }) => {
  const { page } = app;
  for (const name of ['account-A-17', 'account-A-18', 'account-A-19']) await page.getByTestId(`resource-${name}`).click();
  const tabs = page.getByRole('tablist', { name: 'Open resources' });
  await tabs.getByRole('tab', { name: /account-A-18/ }).click();
  await page.keyboard.press('Delete');
  // The tab after it takes its place, and the focus.
  await expect(tabs.getByRole('tab', { name: /account-A-19/ })).toBeFocused();
  await page.keyboard.press('Delete');
  await expect(tabs.getByRole('tab', { name: /account-A-17/ })).toBeFocused();
  await page.keyboard.press('Delete');
  await expect(page.getByRole('tree', { name: 'Connections and resources' })).toBeFocused();
});
