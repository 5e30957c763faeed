import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka } from './steps';
import { expectNoSeriousA11yViolations, useTheme } from './axe';
import { createTopic, deleteTopics, kcatProduceLines } from '../tools/kafka-tools';

/**
 * An event catalogue of a Kafka topic written by kcat: two event types, one whose shape drifts part
 * way (a field changes type, another appears); the change opens at the message that shows it; one
 * type is shown alone, found by a search of the whole topic.
 */
test('the event catalogue of a topic shows its types, where a shape changed, and filters the topic to one type', async ({ app }) => {
  test.setTimeout(180_000);
  const { page } = app;
  const topic = unique('e2e-catalogue');
  await createTopic(topic);
  try {
    kcatProduceLines(
      topic,
      Array.from({ length: 3_000 }, (_, i) =>
        i % 3 === 2
          ? JSON.stringify({ eventId: `r-${i}`, eventType: 'OrderRefunded', data: { order: `o-${i}`, amount: 5 } })
          : JSON.stringify({ eventId: `p-${i}`, eventType: 'OrderPlaced', data: i < 2_400 ? { order: `o-${i}`, amount: 12 } : { order: `o-${i}`, amount: '12.00', currency: 'EUR' } }),
      ),
      { partition: 0 },
    );
    await addLocalKafka(page);
    await page.getByPlaceholder('Filter topics, queues, streams…').fill(topic);
    await page.getByTestId(`resource-${topic}`).click();
    await page.getByRole('button', { name: 'Event catalogue' }).click();

    await expect(page.getByTestId('catalogue-progress')).toContainText('3,000 of 3,000 read · 2 types', { timeout: 60_000 });
    const types = page.getByRole('grid', { name: 'Event types' }).getByRole('rowgroup').getByRole('row');
    await expect(types).toHaveCount(2);
    await expect(types.nth(0)).toContainText('OrderPlaced');
    await expect(types.nth(0)).toContainText('2,000');
    await expect(types.nth(1)).toContainText('OrderRefunded');
    await types.nth(0).click();
    const detail = page.getByLabel('Event type detail');
    const changes = detail.getByRole('list', { name: 'Shape changes' });
    await expect(changes).toContainText('data.amount changes type: integer → string, first at [0] 2400');
    await expect(changes).toContainText('data.currency appears (string), first at [0] 2400');
    await expect(detail.getByRole('table', { name: 'Fields' })).toContainText('integer | string');
    await expect(page.getByText('No duplicates, version gaps or repeats, or events out of time order.')).toBeVisible();
    await app.screenshot('catalogue');
    for (const theme of ['light', 'dark'] as const) {
      const { restore } = await useTheme(page, theme);
      await expectNoSeriousA11yViolations(page, 'event catalogue');
      if (theme === 'dark') await app.screenshot('catalogue-dark');
      await restore();
    }

    // The change opens at the message that shows it.
    await changes.getByRole('button', { name: 'open' }).first().click();
    const topicPanel = page.getByRole('tabpanel', { name: topic });
    await expect(topicPanel.getByTestId('detail-title')).toContainText('@2400');

    // Only one type: the whole topic searched for it.
    await page.getByRole('tab', { name: /Catalogue/ }).click();
    await types.nth(1).click();
    await page.getByRole('button', { name: 'Show only this type' }).click();
    await expect(topicPanel.getByLabel('Event type is')).toHaveValue('OrderRefunded');
    const hits = topicPanel
      .getByRole('grid', { name: `${topic} search hits` })
      .getByRole('rowgroup')
      .getByRole('row');
    await expect(topicPanel.getByTestId('search-status')).toContainText('Searched to the end.', { timeout: 60_000 });
    await expect(topicPanel.getByTestId('search-status')).toContainText('1,000 hits');
    await expect(hits.first()).toContainText('OrderRefunded');
    await app.screenshot('catalogue-type-search');
  } finally {
    await deleteTopics([topic]);
  }
});
