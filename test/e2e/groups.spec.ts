import { Kafka, logLevel } from 'kafkajs';
import { expect, test } from './fixtures';
import { KAFKA_PORT, unique, withTopic } from './brokers';
import { addLocalKafka } from './steps';

const DAY = 86_400_000;
const yesterday8 = () => {
  const d = new Date(Date.now() - DAY);
  d.setHours(8, 0, 0, 0);
  return d.getTime();
};

/** A real consumer group, read to the end; reset to "yesterday 08:00" after the preview; undone. */
test('reset a consumer group to yesterday 08:00 after the preview and see its lag grow', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-orders');
  const group = unique('e2e-billing');
  const records = Array.from({ length: 120 }, (_, i) => ({ key: `o${i}`, partition: i % 2, value: { order: i }, timestamp: i < 40 ? Date.now() - 2 * DAY : yesterday8() + 3_600_000 + i * 1000 }));
  const t = await withTopic(topic, records, 2);
  const kafka = new Kafka({ clientId: 'e2e-billing-app', brokers: [`127.0.0.1:${KAFKA_PORT}`], logLevel: logLevel.NOTHING });
  const consume = async () => {
    const consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => void (++seen >= 120 && resolve()) }));
    return consumer;
  };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const running = await consume();
    await addLocalKafka(page);
    await page.getByTestId('view-groups').click();
    const groups = page.getByRole('grid', { name: 'Consumer groups' });
    await groups.getByRole('rowgroup').getByRole('row').filter({ hasText: group }).click();
    await expect(page.getByLabel('Members')).toContainText('e2e-billing-app');

    // While the consumer runs, the preview names it and nothing can be applied.
    await page.getByRole('button', { name: 'Reset offsets…' }).click();
    let dialog = page.getByRole('dialog', { name: `Reset offsets of ${group}` });
    await dialog.getByLabel('Reset time').fill('yesterday 08:00');
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await expect(dialog.getByRole('alert')).toContainText('1 active member');
    await expect(dialog.getByRole('alert')).toContainText('e2e-billing-app');
    await app.screenshot('group-reset-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await running.disconnect();

    await expect(groups.getByRole('rowgroup').getByRole('row').filter({ hasText: group })).toContainText('Empty', { timeout: 15_000 });
    await page.getByRole('button', { name: 'Reset offsets…' }).click();
    dialog = page.getByRole('dialog', { name: `Reset offsets of ${group}` });
    await dialog.getByLabel('Reset time').fill('yesterday 08:00');
    await expect(dialog.getByTestId('time-understood')).toContainText('08:00:00');
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await expect(dialog.getByTestId('reset-preview')).toContainText('The group will read 80 records again');
    await expect(dialog.getByRole('grid', { name: 'Reset preview' }).getByRole('rowgroup').getByRole('row')).toHaveCount(2);
    await app.screenshot('group-reset-preview');
    await dialog.getByRole('button', { name: 'Apply to 2 partitions' }).click();
    await expect(page.getByTestId('reset-applied')).toContainText(`Reset ${group}`);
    const lag = groups.getByRole('rowgroup').getByRole('row').filter({ hasText: group }).getByRole('gridcell').last();
    await expect(lag).toHaveText('80');
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(offsets[0]!.partitions.map((p) => p.offset).sort()).toEqual(['20', '20']);
    await app.screenshot('group-reset-applied');

    await page.getByRole('button', { name: 'Reset back to the offsets before' }).click();
    await expect(page.getByTestId('reset-applied')).toContainText('Reset back to the offsets before');
    await expect(lag).toHaveText('0');

    // Both resets are in the audit log; the reset itself can be undone from there too.
    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await page.getByLabel('Action').selectOption('reset-offsets');
    const entries = page.getByRole('grid').filter({ hasText: group }).getByRole('rowgroup').getByRole('row');
    await expect(entries).toHaveCount(2);
    await entries.filter({ hasText: 'yesterday 08:00' }).click();
    await page.getByRole('button', { name: 'Reset back to the offsets before' }).click();
    await expect(page.getByRole('button', { name: 'Reset back', exact: true })).toBeDisabled();
    const after = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(after[0]!.partitions.map((p) => p.offset).sort()).toEqual(['60', '60']);
  } finally {
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
    await t.remove();
  }
});
