import amqp from 'amqplib';
import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka, addLocalRabbit } from './steps';
import { cloudEventsAmqp, cloudEventsJava, cloudEventsNpmKafkaBatch } from '../tools/envelope-inputs';
import { createTopic, deleteTopics } from '../tools/kafka-tools';
import { createVhost, deleteVhost } from '../tools/rabbit-tools';

/**
 * The same CloudEvent written by the official Java SDK to Kafka in structured mode and per the AMQP
 * binding to a RabbitMQ stream in binary mode (`cloudEvents:` properties): each opens showing the
 * same envelope (type, source, subject, the event's own time in the user's zone with the text as
 * written, correlation), each field saying which rule read it.
 */
const EVENT = {
  id: 'ev-42',
  source: '/shop/orders',
  type: 'com.acme.order.placed',
  subject: 'order-42',
  time: '2026-03-01T10:15:30.250+02:00',
  datacontenttype: 'application/json',
  data: { order: 'o-42', amount: 991 },
  extensions: { correlationid: 'corr-42', tenant: 'eu' },
};

test('a CloudEvent on Kafka (structured) and on RabbitMQ (binary) shows the same envelope with the rule that read each field', async ({ app }) => {
  test.setTimeout(240_000);
  const { page } = app;
  const topic = unique('e2e-ce');
  const vhost = unique('e2e-ce');
  const queue = unique('e2e-ce-stream');
  await createTopic(topic);
  await cloudEventsJava(topic, [{ ...EVENT, mode: 'structured' }]);
  await createVhost(vhost);
  const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`);
  const ch = await conn.createConfirmChannel();
  try {
    await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    await cloudEventsAmqp(ch, queue, [{ ...EVENT, mode: 'binary', prefix: 'cloudEvents:' }]);

    await addLocalKafka(page);
    await page.getByTestId(`resource-${topic}`).click();
    const kafkaRow = page
      .getByRole('grid', { name: `${topic} records` })
      .getByRole('rowgroup')
      .getByRole('row')
      .first();
    await expect(kafkaRow).toContainText('com.acme.order.placed');
    await kafkaRow.click();
    const kafkaEnvelope = page.getByLabel('record detail').getByLabel('Envelope');
    await expect(kafkaEnvelope.getByText('CloudEvents 1.0, structured mode · from header content-type: application/cloudevents+json')).toBeVisible();
    await expect(kafkaEnvelope.getByText('com.acme.order.placed · from attribute type')).toBeVisible();
    await expect(kafkaEnvelope).toContainText('/shop/orders');
    await expect(kafkaEnvelope).toContainText('order-42');
    await expect(kafkaEnvelope).toContainText('corr-42 · from attribute correlationid');
    // The event's time, not the record's: 08:15:30 UTC (the browser runs in UTC here), with the text as the SDK wrote it.
    await expect(kafkaEnvelope.getByText(/08:15:30.*\(2026-03-01T\d\d:15:30\.25.*\)/)).toBeVisible();
    await expect(kafkaEnvelope).toContainText('Record time');
    await app.screenshot('cloudevent-kafka-structured');

    // A batch (the npm SDK's events in the JSON batch format) opens as the events it holds.
    await cloudEventsNpmKafkaBatch(topic, [
      { id: 'b-1', type: 'com.acme.order.placed', source: '/shop', data: { order: 'o-1' } },
      { id: 'b-2', type: 'com.acme.order.paid', source: '/pay', data: { order: 'o-1', amount: 5 } },
    ]);
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    const batchRow = page
      .getByRole('grid', { name: `${topic} records` })
      .getByRole('rowgroup')
      .getByRole('row')
      .filter({ hasText: '"id":"b-1"' });
    await batchRow.click();
    await expect(page.getByLabel('record detail').getByLabel('Envelope')).toContainText('CloudEvents 1.0, batch of 2 events');
    const events = page.getByRole('grid', { name: 'Events in the batch' }).getByRole('rowgroup').getByRole('row');
    await expect(events).toHaveCount(2);
    await expect(events.nth(1)).toContainText('com.acme.order.paid');
    await events.nth(1).click();
    await expect(page.getByTestId('batch-events')).toContainText('"amount": 5');
    await app.screenshot('cloudevent-kafka-batch');

    await addLocalRabbit(page);
    await page.getByTestId(`resource-${queue}`).click();
    const rabbitRow = page
      .getByRole('grid', { name: `${queue} messages` })
      .getByRole('rowgroup')
      .getByRole('row')
      .first();
    await expect(rabbitRow).toContainText('com.acme.order.placed');
    await rabbitRow.click();
    const rabbitEnvelope = page.getByLabel('message detail').getByLabel('Envelope');
    await expect(rabbitEnvelope).toContainText('CloudEvents 1.0, binary mode');
    await expect(rabbitEnvelope.getByText('com.acme.order.placed · from AMQP application property cloudEvents:type')).toBeVisible();
    await expect(rabbitEnvelope.getByText('ev-42 · from AMQP application property cloudEvents:id')).toBeVisible();
    await expect(rabbitEnvelope).toContainText('/shop/orders');
    await expect(rabbitEnvelope).toContainText('order-42');
    await expect(rabbitEnvelope).toContainText('corr-42');
    await expect(rabbitEnvelope.getByText(/08:15:30.*\(2026-03-01T10:15:30\.250\+02:00\)/)).toBeVisible();
    await expect(rabbitEnvelope).toContainText('tenant');
    await app.screenshot('cloudevent-rabbit-binary');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await app.screenshot('cloudevent-rabbit-binary-dark');
  } finally {
    await conn.close().catch(() => undefined);
    await deleteVhost(vhost);
    await deleteTopics([topic]);
  }
});
