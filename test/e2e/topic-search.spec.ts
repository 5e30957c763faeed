import { test, expect } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka } from './steps';
import { createTopic, deleteTopics, javaProduce } from '../tools/kafka-tools';

/**
 * A whole-topic search keeps its promise: hits from every partition are merged by time as they
 * stream in, and a search taken back from the jobs panel shows where it started.
 */
test('search hits are merged by time across partitions; reopened from Jobs, it shows its real start', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-search-merge');
  await createTopic(topic, {}, 3);
  // Record n at second n, on partition n % 3 (Kafka's Java producer, explicit timestamps).
  const base = Date.parse('2026-01-05T10:00:00Z');
  javaProduce(topic, [
    {
      records: Array.from({ length: 300 }, (_, n) => ({ partition: n % 3, timestamp: base + n * 1000, key: Buffer.from(`k-${n}`), value: Buffer.from(JSON.stringify({ n })) })),
    },
  ]);
  try {
    await addLocalKafka(page);
    await page.getByTestId(`resource-${topic}`).click();
    await page.getByRole('combobox', { name: 'Start from' }).selectOption('offset');
    await page.getByRole('textbox', { name: 'Offset' }).fill('0:10, 1:10, 2:10');
    await page.getByRole('button', { name: 'Search…' }).click();
    await page.getByLabel('JSON path condition').fill('$.n >= 0');
    await page.getByLabel('JSON path condition').press('Enter');
    await expect(page.getByTestId('search-status')).toContainText('Searched to the end.');
    await expect(page.getByTestId('records-summary')).toContainText('270 hits shown · merged by time');

    // The rows as shown, top down: n = 30, 31, 32, … (time order), not each partition in turn.
    const hits = page.getByRole('grid', { name: `${topic} search hits` });
    const shown = async () =>
      (await hits.getByRole('rowgroup').getByRole('row').allTextContents())
        .map((t) => /"n":\s*(\d+)/.exec(t)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number);
    await expect.poll(async () => (await shown()).slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => 30 + i));
    await app.screenshot('search-merged');

    // Closed, then opened again from the jobs panel: the toolbar shows where the search started.
    await page.getByRole('tab', { name: new RegExp(topic) }).press('Delete');
    const jobs = page.getByRole('region', { name: 'Jobs' });
    const toggle = jobs.getByRole('button', { name: /Jobs/ }).first();
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    await jobs
      .getByRole('listitem', { name: new RegExp(`Search ${topic}`) })
      .getByRole('button', { name: 'Open' })
      .click();
    await expect(page.getByTestId('search-status')).toContainText('270 hits');
    await expect(page.getByRole('combobox', { name: 'Start from' })).toHaveValue('offset');
    await expect(page.getByRole('textbox', { name: 'Offset' })).toHaveValue('0:10, 1:10, 2:10');
    await expect.poll(async () => (await shown()).slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => 30 + i));
  } finally {
    await deleteTopics([topic]);
  }
});
