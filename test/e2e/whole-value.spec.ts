import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka } from './steps';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';

/**
 * A 2 MB record, written by kcat: the view shows a preview, but Copy and Save give the whole
 * value, byte for byte, and say how much they gave.
 */
test('copy and save the whole 2 MB value of a record, not its preview', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-big');
  // JSON-ish text with a marker at the very end, so a cut anywhere shows.
  const value = `{"blob":"${'x'.repeat(2 * 1024 * 1024)}","end":"THE-END"}`;
  await createTopic(topic, { 'max.message.bytes': '8000000' });
  kcatProduce(topic, [{ key: 'big', value: Buffer.from(value) }]);
  try {
    await addLocalKafka(page);
    await page.getByTestId(`resource-${topic}`).click();
    const grid = page.getByRole('grid', { name: `${topic} records` });
    // One record: its only offset is 0 (the high watermark, 1, is the next offset, not the last).
    await expect(page.getByLabel('Partition').locator('option').nth(1)).toHaveText('0 · offsets 0–0');
    await grid.getByRole('rowgroup').getByRole('row').filter({ hasText: 'big' }).click();
    const detail = page.getByLabel('record detail');
    await expect(detail).toContainText('Showing the first 64 KB of 2.0 MB');

    await page.getByRole('button', { name: /Copy payload/ }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toContainText('2.0 MB');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.length).toBe(value.length);
    expect(copied === value).toBe(true);
    await app.screenshot('copy-whole-value');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await app.screenshot('copy-whole-value-dark');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save payload…' }).click();
    const saved = readFileSync((await (await download).path())!);
    expect(saved.equals(Buffer.from(value))).toBe(true);
  } finally {
    await deleteTopics([topic]);
  }
});
