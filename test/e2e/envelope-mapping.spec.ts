import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka } from './steps';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';

/**
 * A team keeps its ids where no convention looks (`$.meta.msgId`, an `x-trace-id` header): the user
 * adds two rules in the connection's settings, and the record shows them as its id and correlation,
 * each saying it came from their mapping.
 */
test('envelope rules in the connection’s settings fill the envelope and say they did', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  const topic = unique('e2e-mapping');
  await createTopic(topic);
  kcatProduce(topic, [{ key: 'a', headers: ['x-trace-id=trace-7'], value: Buffer.from(JSON.stringify({ meta: { msgId: 'm-7', kind: 'OrderShipped' } })) }]);
  try {
    await addLocalKafka(page, 'Team Kafka');
    await page.getByTestId(`resource-${topic}`).click();
    const row = page
      .getByRole('grid', { name: `${topic} records` })
      .getByRole('rowgroup')
      .getByRole('row')
      .first();
    await row.click();
    const envelope = page.getByLabel('record detail').getByLabel('Envelope');
    await expect(envelope).not.toContainText('m-7');

    await page.getByRole('button', { name: 'Edit Team Kafka' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Team Kafka' });
    await dialog.getByText('Envelope mapping').click();
    for (const [i, [field, from]] of [
      ['id', '$.meta.msgId'],
      ['type', '$.meta.kind'],
      ['correlationId', 'x-trace-id'],
    ].entries()) {
      await dialog.getByRole('button', { name: '+ Add rule' }).click();
      await dialog.getByLabel(`Rule ${i + 1} field`).selectOption(field!);
      await dialog.getByLabel(`Rule ${i + 1} source`).fill(from!);
    }
    await app.screenshot('envelope-mapping-form');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();

    await page.getByRole('button', { name: 'Read', exact: true }).click();
    await row.click();
    await expect(envelope.getByText('m-7 · from your mapping: $.meta.msgId')).toBeVisible();
    await expect(envelope.getByText('OrderShipped · from your mapping: $.meta.kind')).toBeVisible();
    await expect(envelope.getByText('trace-7 · from your mapping: x-trace-id')).toBeVisible();
    await expect(row).toContainText('OrderShipped');
    await app.screenshot('envelope-mapping-record');
  } finally {
    await deleteTopics([topic]);
  }
});
