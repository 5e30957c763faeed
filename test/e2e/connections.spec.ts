import { expect, test } from './fixtures';
import { KAFKA_PORT, unique, withStreamQueue, withTopic } from './brokers';
import { addConnection } from './steps';

test.describe('connections', () => {
  test('connect to Kafka and RabbitMQ, test each, restart, they are still there', async ({ app }) => {
    const topicName = unique('e2e-orders');
    const queueName = unique('e2e-ticks');
    const topic = await withTopic(topicName, [
      { key: 'o-1', value: { orderId: 1, accountId: 'A-17' } },
      { key: 'o-2', value: { orderId: 2, accountId: 'A-18' } },
    ]);
    const queue = await withStreamQueue(queueName, [{ n: 0 }, { n: 1 }, { n: 2 }]);
    try {
      let page = app.page;
      await addConnection(
        page,
        async (d) => {
          await d.getByRole('button', { name: 'Kafka' }).click();
          await d.getByLabel('Name', { exact: true }).fill('Local Kafka');
          await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
          await d.getByLabel('Port', { exact: true }).fill(String(KAFKA_PORT));
          await app.screenshot('add-connection-kafka');
        },
        /Connected · Apache Kafka \d+\.\d+, 1 broker/,
      );
      await expect(page.getByTestId('connection-status')).toContainText(/Local Kafka — reachable · Apache Kafka \d+\.\d+, 1 broker/);
      await expect(page.getByTestId(`resource-${topicName}`)).toBeVisible();

      await addConnection(
        page,
        async (d) => {
          await d.getByRole('button', { name: 'RabbitMQ' }).click();
          await d.getByLabel('Name', { exact: true }).fill('Local RabbitMQ');
          await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
          await expect(d.getByLabel('Port', { exact: true })).toHaveValue('5672');
          await d.getByLabel('Username').fill('guest');
          await d.getByLabel('Password', { exact: true }).fill('guest');
          await expect(d.getByText('a saved password goes to')).toBeVisible();
        },
        /Connected · RabbitMQ \d+\.\d+\.\d+/,
      );
      await expect(page.getByTestId(`resource-${queueName}`)).toContainText('stream');

      page = await app.restart();
      await expect(page.getByTestId('connection-Local Kafka')).toBeVisible();
      await expect(page.getByTestId('connection-Local RabbitMQ')).toBeVisible();

      // Still usable after the restart, with the stored password.
      await page.getByTestId('connection-Local Kafka').click();
      await page.getByTestId(`resource-${topicName}`).click();
      const records = page
        .getByRole('grid', { name: `${topicName} records` })
        .getByRole('rowgroup')
        .getByRole('row');
      await expect(records).toHaveCount(2);
      await expect(records.first()).toContainText('o-1');
      await expect(records.first()).toContainText('"accountId":"A-17"');

      await page.getByTestId('connection-Local RabbitMQ').click();
      await page.getByTestId(`resource-${queueName}`).click();
      const messages = page
        .getByRole('grid', { name: `${queueName} messages` })
        .getByRole('rowgroup')
        .getByRole('row');
      await expect(messages).toHaveCount(3);
      // Published without a timestamp (as most AMQP clients do): the Time column shows when the broker wrote them.
      for (let i = 0; i < 3; i++) await expect(messages.nth(i)).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
      await messages.nth(2).click();
      await expect(page.getByTestId('detail-title')).toHaveText('Message @2 · Tick');
      await app.screenshot('rabbit-stream-open');

      // The stored password never comes back to the UI.
      await page.getByRole('button', { name: 'Edit Local RabbitMQ' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit Local RabbitMQ' });
      await expect(edit.getByLabel('Password', { exact: true })).toHaveValue('');
      await expect(edit.getByLabel('Password', { exact: true })).toHaveAttribute('placeholder', 'stored — type to replace');
      await edit.getByRole('button', { name: 'Test connection' }).click();
      await expect(edit.getByRole('status')).toContainText(/Connected · RabbitMQ/);
    } finally {
      await topic.remove();
      await queue.remove();
    }
  });

  test('a connection can be removed', async ({ app }) => {
    const { page } = app;
    await addConnection(
      page,
      async (d) => {
        await d.getByLabel('Name', { exact: true }).fill('Short-lived');
        await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
        await d.getByLabel('Port', { exact: true }).fill(String(KAFKA_PORT));
      },
      /Connected/,
    );
    await page.getByRole('button', { name: 'Edit Short-lived' }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByTestId('connection-Short-lived')).toHaveCount(0);
    await expect(page.getByTestId('connection-status')).toContainText('Local event store');
  });
});
