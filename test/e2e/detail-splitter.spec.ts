import { test, expect } from './fixtures';

/** The line between a table and its detail moves: dragged or with ←/→, kept across a reload, Home puts it back (a walk found long values cramped with no way to widen them). */
test('the detail can be made wider with the keyboard or the mouse, keeps its width, and Home resets it', async ({ app }) => {
  const { page } = app;
  await page.getByRole('tree', { name: 'Connections and resources' }).getByText('$all').click();
  await page.getByRole('grid').first().getByRole('rowgroup').getByRole('row').first().click();
  const detail = page.getByLabel('event detail');
  const splitter = page.getByRole('separator', { name: 'Detail width' });
  const width = async () => Math.round((await detail.boundingBox())!.width);
  const before = await width();
  await splitter.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
  await expect.poll(width).toBe(before + 72);
  // Dragged 100 px further to the left.
  const box = (await splitter.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x - 98, box.y + 200, { steps: 5 });
  await page.mouse.up();
  await expect.poll(width).toBe(before + 172);
  await app.screenshot('detail-wider');
  await page.reload();
  await page.getByRole('tree', { name: 'Connections and resources' }).getByText('$all').click();
  await page.getByRole('grid').first().getByRole('rowgroup').getByRole('row').first().click();
  await expect.poll(width).toBe(before + 172);
  await page.getByRole('separator', { name: 'Detail width' }).focus();
  await page.keyboard.press('Home');
  await expect.poll(width).toBe(before);
});
