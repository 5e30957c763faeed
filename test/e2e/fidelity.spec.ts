import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka } from './steps';
import { createTopic, deleteTopics, javaProduce, kcatProduce } from '../tools/kafka-tools';

/**
 * What the screen shows is what the broker holds: a JSON value with a big integer and duplicate
 * keys (written by kcat), a tombstone, and a Spring dead letter with binary headers (written by
 * Kafka's Java producer). Rewind's own code writes none of it.
 */
test('records written by other tools are shown as written: big integers, duplicate keys, tombstones, Spring binary headers', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-exact');
  const dlt = `${unique('e2e-orders')}.DLT`;
  const exact = '{"id": 12345678901234567891, "price": 1.0, "ratio": 1e2, "k": "first", "k": "second"}';
  await createTopic(topic);
  await createTopic(dlt);
  kcatProduce(topic, [{ key: 'order-1', value: Buffer.from(exact) }]);
  javaProduce(topic, [{ records: [{ key: Buffer.from('order-1'), value: null, timestamp: 0 }] }]);
  javaProduce(dlt, [
    {
      records: [
        {
          key: Buffer.from('order-7'),
          value: Buffer.from('{"orderId": 7}'),
          headers: [
            ['kafka_dlt-original-topic', Buffer.from('orders')],
            ['kafka_dlt-original-partition', Buffer.from([0, 0, 0, 2])],
            ['kafka_dlt-original-offset', Buffer.from([0, 0, 0, 0, 0, 0, 0x30, 0x39])],
            ['kafka_dlt-original-timestamp', Buffer.from([0, 0, 0x01, 0x9a, 0xa1, 0x8b, 0x5c, 0x00])],
            ['kafka_dlt-original-consumer-group', Buffer.from('billing')],
            ['kafka_dlt-exception-fqcn', Buffer.from('java.lang.IllegalStateException')],
            ['kafka_dlt-exception-message', Buffer.from('price must be positive')],
            ['kafka_dlt-exception-stacktrace', Buffer.from('java.lang.IllegalStateException: price must be positive\n\tat com.shop.Orders.place(Orders.java:42)')],
          ],
        },
      ],
    },
  ]);
  try {
    await addLocalKafka(page);
    await page.getByTestId(`resource-${topic}`).click();
    const grid = page.getByRole('grid', { name: `${topic} records` });
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(2);

    // The JSON value: every digit and both "k" keys, as written.
    await grid.getByRole('rowgroup').getByRole('row').first().click();
    const json = page.getByTestId('payload-json');
    await expect(json).toContainText('12345678901234567891');
    await expect(json).toContainText('1.0');
    await expect(json).toContainText('1e2');
    await expect(json).toContainText('"k": "first"');
    await expect(json).toContainText('"k": "second"');
    await expect(json).not.toContainText('12345678901234567000');
    await page.getByRole('button', { name: 'Copy payload' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(exact);
    await app.screenshot('exact-json');

    // The tombstone: null, told apart from an empty value, with its time of 0 and who set it.
    await grid.getByRole('rowgroup').getByRole('row').nth(1).click();
    await expect(page.getByTestId('payload-kind')).toHaveText('null (tombstone)');
    await expect(grid.getByRole('rowgroup').getByRole('row').nth(1)).toContainText('∅ tombstone');
    await expect(page.getByLabel('record detail')).toContainText('1970-01-01T00:00:00.000Z');
    await expect(page.getByLabel('record detail')).toContainText('CreateTime');
    await app.screenshot('tombstone');

    // The Spring dead letter: its origin read from binary headers, as numbers.
    await page.getByRole('button', { name: 'Dead letters' }).click();
    await page
      .getByRole('navigation', { name: 'Dead-letter sources' })
      .getByRole('button', { name: new RegExp(dlt.replace(/\./g, '\\.')) })
      .click();
    const records = page.getByRole('grid', { name: `${dlt} dead letters` });
    await records.getByRole('rowgroup').getByRole('row').first().click();
    const origin = page.getByTestId('kafka-origin');
    await expect(origin).toContainText('Original topic');
    await expect(origin).toContainText('orders');
    await expect(origin.getByText('Partition').locator('xpath=following-sibling::dd[1]')).toHaveText('2');
    await expect(origin.getByText('Offset').locator('xpath=following-sibling::dd[1]')).toHaveText('12345');
    await expect(origin).toContainText('billing');
    await expect(page.getByTestId('death')).toContainText('java.lang.IllegalStateException: price must be positive');
    await page.getByText('Stack trace').click();
    await expect(page.getByTestId('death')).toContainText('Orders.java:42');
    await app.screenshot('spring-dead-letter');
  } finally {
    await deleteTopics([topic, dlt]);
  }
});
