import { expect, test } from './fixtures';
import { unique, withTopic } from './brokers';
import { addLocalKafka, addLocalRabbit } from './steps';

/** The command palette, keyboard only: jump to a stream, a topic, run actions by name. */
test('Ctrl+K jumps to any stream or topic by part of its name and runs actions by name', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-palette-orders');
  const t = await withTopic(topic, [{ key: 'k', value: { n: 1 } }]);
  try {
    await addLocalKafka(page);
    await page.keyboard.press('ControlOrMeta+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await expect(palette).toBeVisible();
    await expect(palette.getByRole('combobox', { name: 'Go to or run' })).toBeFocused();
    await page.keyboard.type('acA17');
    await expect(palette.getByRole('option').first()).toContainText('account-A-17');
    await app.screenshot('palette');
    await page.keyboard.press('Enter');
    await expect(palette).toBeHidden();
    const tabs = page.getByRole('tablist', { name: 'Open resources' });
    await expect(tabs.getByRole('tab', { selected: true })).toContainText('account-A-17');
    // The keyboard carries on in what opened: the stream's table has focus.
    await expect(page.locator('[role="tabpanel"]:not([hidden]) [role="grid"]')).toBeFocused();

    // A Kafka topic by a fragment of its name (the palette loads the lists it has not seen yet).
    await page.keyboard.press('ControlOrMeta+Shift+P');
    await page.keyboard.type(topic.slice(-10));
    await expect(palette.getByRole('option').first()).toContainText(topic);
    await expect(palette.getByRole('option').first()).toContainText('topic · Local Kafka');
    await page.keyboard.press('Enter');
    await expect(tabs.getByRole('tab', { selected: true })).toContainText(topic);

    // Actions by name: a new projection, rebuilt from the palette; then the dark theme.
    await page.keyboard.press('ControlOrMeta+k');
    await page.keyboard.type('new proj');
    await expect(palette.getByRole('option').first()).toContainText('New projection');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('textbox', { name: 'Projection code' })).toContainText('export default');
    await page.keyboard.press('ControlOrMeta+k');
    await page.keyboard.type('rebuild');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('run-summary')).toContainText('events');
    await page.keyboard.press('ControlOrMeta+k');
    await page.keyboard.type('dark theme');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.keyboard.press('ControlOrMeta+k');
    await page.keyboard.type('acc');
    await app.screenshot('palette-dark');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('zzzz-nothing-like-this');
    await expect(palette.getByTestId('palette-count')).toContainText('Nothing matches');
    await page.keyboard.press('Escape');
    await expect(palette).toBeHidden();
  } finally {
    await t.remove();
  }
});

/** A helper's walk found the palette offering to close a tab when none was open, and no way to a vhost's map. */
test('the palette offers only what can run: no closing with no tab open, and a vhost map by its name', async ({ app }) => {
  const { page } = app;
  await addLocalRabbit(page);
  const tabs = page.getByRole('tablist', { name: 'Open resources' });
  await expect(tabs.getByRole('tab')).toHaveCount(0);
  await page.keyboard.press('ControlOrMeta+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await page.keyboard.type('close the active');
  await expect(palette.getByTestId('palette-count')).toContainText('Nothing matches');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Map of /');
  await expect(palette.getByRole('option').first()).toContainText('Map of /');
  await expect(palette.getByRole('option').first()).toContainText('map · Local RabbitMQ');
  await page.keyboard.press('Enter');
  await expect(tabs.getByRole('tab', { selected: true })).toContainText('Map /');
  // With a tab open, closing it is offered and works.
  await page.keyboard.press('ControlOrMeta+k');
  await page.keyboard.type('close the active');
  await expect(palette.getByRole('option').first()).toContainText('Close the active tab');
  await page.keyboard.press('Enter');
  await expect(tabs.getByRole('tab')).toHaveCount(0);
});
