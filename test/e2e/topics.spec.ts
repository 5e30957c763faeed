import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { unique, withTopic } from './brokers';
import { addLocalKafka } from './steps';
import { kcatProduce } from '../tools/kafka-tools';

const DAY = 86_400_000;
const yesterdayAt = (h: number) => {
  const d = new Date(Date.now() - DAY);
  d.setHours(h, 0, 0, 0);
  return d.getTime();
};

/**
 * A Kafka topic read as one table: jump to "yesterday 08:00" on all partitions at once, search
 * the topic by a JSON field and open a hit; then follow it live while records are produced.
 */
test('jump to yesterday 08:00 on all partitions, search by a JSON field, open a hit', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-ledger');
  // 60 records two days ago, then 90 from yesterday 09:00, over 3 partitions; every 5th is A-17's.
  const records = Array.from({ length: 150 }, (_, i) => ({
    key: `k${i}`,
    partition: i % 3,
    timestamp: i < 60 ? Date.now() - 2 * DAY + i * 1000 : yesterdayAt(9) + i * 60_000,
    value: { type: 'MoneyDeposited', data: { accountId: i % 5 === 0 ? 'A-17' : `A-${i % 5}`, amount: i } },
  }));
  const t = await withTopic(topic, records, 3);
  try {
    await addLocalKafka(page);
    await page.getByTestId(`resource-${topic}`).click();
    const grid = page.getByRole('grid', { name: `${topic} records` });
    await expect(page.getByTestId('records-summary')).toContainText('100 records · 3 partitions merged by time');

    await page.getByLabel('Start from').selectOption('time');
    await page.getByLabel('Start time').fill('yesterday 08:00');
    await expect(page.getByTestId('time-understood')).toContainText('08:00:00');
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    await expect(page.getByTestId('records-summary')).toContainText('90 records · 3 partitions merged by time · to the end');
    // The first row is the first record at or after 08:00 yesterday: i = 60 (partition 0, offset 20).
    await expect(grid.getByRole('rowgroup').getByRole('row').first()).toContainText('k60');
    await app.screenshot('topic-from-time');

    await page.getByRole('button', { name: 'Search…' }).click();
    await page.getByLabel('JSON path condition').fill('$.data.accountId == "A-17"');
    await page.getByLabel('JSON path condition').press('Enter');
    await expect(page.getByTestId('search-status')).toContainText('Searched to the end.');
    await expect(page.getByTestId('search-status')).toContainText('90 of 90 scanned · 18 hits');
    const hits = page.getByRole('grid', { name: `${topic} search hits` });
    await expect(hits.getByRole('rowgroup').getByRole('row')).toHaveCount(18);
    await hits.getByRole('rowgroup').getByRole('row').first().click();
    await expect(page.getByLabel('record detail')).toContainText('A-17');
    await app.screenshot('topic-search');

    // The hits, exported as kcat -J lines: every one, read again from the broker.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export hits…' }).click();
    const lines = readFileSync((await (await download).path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(18);
    for (const l of lines) expect(JSON.parse((JSON.parse(l) as { payload: string }).payload)).toMatchObject({ data: { accountId: 'A-17' } });
    await expect(page.getByTestId('transfer-outcome')).toContainText('Exported 18 records');
  } finally {
    await t.remove();
  }
});

test('tail a topic while records are produced: pause, resume, nothing missed', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-live');
  const t = await withTopic(topic, [{ key: 'old', value: { n: 0 } }], 2);
  try {
    await addLocalKafka(page);
    await page.getByTestId(`resource-${topic}`).click();
    await page.getByRole('button', { name: 'Live tail' }).click();
    await expect(page.getByTestId('tail-status')).toHaveText('● Live');
    await expect(page.getByText('Waiting for new records…')).toBeVisible();
    const grid = page.getByRole('grid', { name: `${topic} records` });
    kcatProduce(
      topic,
      [1, 2, 3].map((n) => ({ key: `live-${n}`, value: Buffer.from(JSON.stringify({ n })) })),
      { partition: 0 },
    );
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(3);
    await expect(page.getByTestId('records-summary')).toContainText('3 new records since the tail started');
    await app.screenshot('topic-tail');

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('tail-status')).toHaveText('❚❚ Paused');
    kcatProduce(
      topic,
      [4, 5].map((n) => ({ key: `live-${n}`, value: Buffer.from(JSON.stringify({ n })) })),
      { partition: 1 },
    );
    await page.waitForTimeout(1500);
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(3);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(5);
    await expect(grid).toContainText('live-5');
  } finally {
    await t.remove();
  }
});
