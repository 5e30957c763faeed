import { test, expect } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka, addLocalRabbit } from './steps';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';
import { brokerRejects, connect, declare, management, waitForDepth } from '../tools/rabbit-tools';

/**
 * The sidebar's counts follow what happens, without a click on reload: after Rewind's own
 * actions (a redrive, a produce) and, on a timer while shown, after what others do. RabbitMQ's
 * management API samples its counts every 5 s, so its badges may take that long to follow.
 */
const SAMPLED = { timeout: 25_000 };

test('after redriving all 40 dead letters, the sidebar shows the DLQ empty and the origin holding them', async ({ app }) => {
  const { page } = app;
  const stem = unique('e2e-cnt');
  const dlx = `${stem}-dlx`;
  const orders = `${stem}-orders`;
  const parking = `${stem}-parking`;
  const { conn, ch } = await connect();
  await ch.assertExchange(dlx, 'fanout', { durable: false });
  await ch.assertQueue(parking, { durable: false });
  await ch.bindQueue(parking, dlx, '');
  await ch.assertQueue(orders, { durable: false, arguments: { 'x-dead-letter-exchange': dlx } });
  try {
    await addLocalRabbit(page);
    // Other queues may fill the vhost: the filter keeps this test's two in view.
    await page.getByLabel('Filter resources').fill(stem);
    await expect(page.getByTestId(`resource-${parking}`)).toContainText('DLQ ~0');
    // RabbitMQ dead-letters 40 messages while the sidebar shows: the timer picks them up.
    for (let i = 1; i <= 40; i++) ch.sendToQueue(orders, Buffer.from(JSON.stringify({ order: i })), { messageId: `order-${i}` });
    await waitForDepth(ch, orders, 40);
    await brokerRejects(orders, 40);
    await waitForDepth(ch, parking, 40);
    await expect(page.getByTestId(`resource-${parking}`)).toContainText('DLQ ~40', SAMPLED);
    await expect(page.getByTestId(`resource-${orders}`)).toContainText('~0');

    await page.getByRole('button', { name: 'Dead letters' }).click();
    await page
      .getByRole('navigation', { name: 'Dead-letter sources' })
      .getByRole('button', { name: new RegExp(parking) })
      .click();
    await page.getByRole('button', { name: 'Peek the first 200' }).click();
    await page.getByRole('button', { name: 'Redrive all…' }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`Redrive all of ${parking}`) });
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await dialog.getByRole('button', { name: 'Redrive 40' }).click();
    await expect(dialog.getByRole('button', { name: 'Open the audit entry' })).toBeVisible();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await waitForDepth(ch, orders, 40);

    await expect(page.getByTestId(`resource-${parking}`)).toContainText('DLQ ~0', SAMPLED);
    await expect(page.getByTestId(`resource-${orders}`)).toContainText('~40', SAMPLED);
    await app.screenshot('counts-after-redrive');
  } finally {
    for (const q of [orders, parking]) await ch.deleteQueue(q).catch(() => undefined);
    await ch.deleteExchange(dlx).catch(() => undefined);
    await conn.close();
  }
});

test('a produce from Rewind shows in the topic count at once; a publish by another client on the next tick', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-cnt-topic');
  const q = unique('e2e-cnt-queue');
  await createTopic(topic);
  kcatProduce(
    topic,
    [1, 2, 3].map((i) => ({ key: `k-${i}`, value: Buffer.from(JSON.stringify({ i })) })),
  );
  await declare.queue('/', q);
  try {
    await addLocalKafka(page);
    await page.getByLabel('Filter resources').fill(topic);
    const row = page.getByTestId(`resource-${topic}`);
    const badge = row.getByTitle(/^records/);
    await expect(badge).toHaveText(/^~?3$/);
    await row.click();
    await page.getByRole('button', { name: 'Produce…' }).click();
    const dialog = page.getByRole('dialog', { name: `Produce to ${topic}` });
    await dialog.getByRole('textbox', { name: 'Payload' }).fill('{"i": 4}');
    await dialog.getByRole('button', { name: 'Produce' }).click();
    await expect(dialog.getByTestId('publish-outcome')).toContainText('Produced 1 record');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // Kafka's count is the broker's own watermarks: it shows as soon as the listing is read again.
    await expect(badge).toHaveText(/^~?4$/, { timeout: 5_000 });

    await addLocalRabbit(page);
    await page.getByLabel('Filter resources').fill(q);
    await expect(page.getByTestId(`resource-${q}`)).toContainText('~0');
    await management('POST', `/exchanges/%2F/amq.default/publish`, { properties: {}, routing_key: q, payload: 'from elsewhere', payload_encoding: 'string' });
    await expect(page.getByTestId(`resource-${q}`)).toContainText('~1', SAMPLED);
  } finally {
    await deleteTopics([topic]);
    await management('DELETE', `/queues/%2F/${encodeURIComponent(q)}`);
  }
});
