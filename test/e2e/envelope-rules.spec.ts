import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka } from './steps';
import { expectNoSeriousA11yViolations, useTheme } from './axe';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';

/**
 * A record that carries a Spring class header before its CloudEvents headers (written by kcat, in
 * that order): the table and the detail show the event's type, and the detail says which header
 * each field came from.
 */
test('the detail says which header gave the event its type, id and correlation', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-rules');
  await createTopic(topic);
  kcatProduce(topic, [
    {
      key: 'o-1',
      headers: ['__TypeId__=com.acme.OrderPlacedEvent', 'ce_specversion=1.0', 'ce_type=com.acme.order.placed', 'ce_id=ev-1', 'ce_source=/orders', 'ce_correlationid=corr-1'],
      value: Buffer.from('{"order":"o-1"}'),
    },
  ]);
  try {
    await addLocalKafka(page);
    await page.getByTestId(`resource-${topic}`).click();
    const row = page
      .getByRole('grid', { name: `${topic} records` })
      .getByRole('rowgroup')
      .getByRole('row')
      .first();
    await expect(row).toContainText('com.acme.order.placed');
    await row.click();
    const detail = page.getByLabel('record detail');
    await expect(detail.getByText('com.acme.order.placed · from Kafka header ce_type')).toBeVisible();
    await expect(detail.getByText('ev-1 · from Kafka header ce_id')).toBeVisible();
    await expect(detail.getByText('corr-1 · from Kafka header ce_correlationid')).toBeVisible();
    for (const theme of ['light', 'dark'] as const) {
      const { restore } = await useTheme(page, theme);
      await expectNoSeriousA11yViolations(page, `record detail with rules, ${theme}`);
      await app.screenshot(`envelope-rules-${theme}`);
      await restore();
    }
  } finally {
    await deleteTopics([topic]);
  }
});
