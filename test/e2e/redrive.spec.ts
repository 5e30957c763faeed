import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka, addLocalRabbit } from './steps';
import { createTopic, deleteTopics, kcatConsume, kcatProduce } from '../tools/kafka-tools';
import { brokerRejects, connect, depth, waitForDepth } from '../tools/rabbit-tools';

/**
 * Requeueing dead letters by clicking, as a person does it: find the DLQ (not named like one),
 * read why they died, dry-run a redrive of a selection, confirm, watch it, see where they went,
 * and find it in the audit log. Then a Kafka DLT, and publishing a message.
 */
test('redrive RabbitMQ dead letters found by topology: dry run, confirm, progress, audit', async ({ app }) => {
  const { page } = app;
  const x = unique('e2e-orders-x');
  const dlx = unique('e2e-dlx');
  const orders = unique('e2e-orders');
  const parking = unique('e2e-parking');
  const { conn, ch } = await connect();
  await ch.assertExchange(x, 'topic', { durable: false });
  await ch.assertExchange(dlx, 'fanout', { durable: false });
  await ch.assertQueue(parking, { durable: false });
  await ch.bindQueue(parking, dlx, '');
  await ch.assertQueue(orders, { durable: false, arguments: { 'x-dead-letter-exchange': dlx } });
  await ch.bindQueue(orders, x, 'order.#');
  for (let i = 1; i <= 5; i++) ch.publish(x, `order.created.${i % 2 ? 'eu' : 'us'}`, Buffer.from(JSON.stringify({ order: i })), { messageId: `order-${i}`, type: 'OrderPlaced' });
  await waitForDepth(ch, orders, 5);
  await brokerRejects(orders, 5);
  await waitForDepth(ch, parking, 5);
  try {
    await addLocalRabbit(page);
    await page.getByRole('button', { name: 'Dead letters' }).click();
    const sources = page.getByRole('navigation', { name: 'Dead-letter sources' });
    // Not named like a DLQ: found because orders dead-letters into it.
    await sources.getByRole('button', { name: new RegExp(parking) }).click();
    await expect(page.getByTestId('dl-links')).toContainText(`${orders} → ${dlx} → ${parking}`);
    await page.getByRole('button', { name: 'Peek the first 200' }).click();
    const grid = page.getByRole('grid', { name: `${parking} dead letters` });
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(5);
    await grid.getByRole('rowgroup').getByRole('row').first().click();
    await expect(page.getByTestId('death')).toContainText('rejected');

    // Pick two, dry-run, confirm.
    await grid.getByRole('rowgroup').getByRole('row').nth(0).getByRole('checkbox').click();
    await grid.getByRole('rowgroup').getByRole('row').nth(1).getByRole('checkbox').click();
    await page.getByRole('button', { name: 'Redrive 2 picked…' }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`Redrive 2 picked from ${parking}`) });
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await expect(dialog.getByTestId('plan-note')).toContainText('2 of the 2 picked messages');
    // Each goes back to the queue it died in.
    await expect(dialog.getByRole('table', { name: 'Redrive plan per target' })).toContainText(`queue ${orders}`);
    await expect(
      dialog
        .getByRole('grid', { name: /Dry run/ })
        .getByRole('rowgroup')
        .getByRole('row'),
    ).toHaveCount(2);
    await app.screenshot('redrive-dry-run');
    expect(await depth(ch, parking)).toBe(5); // the dry run moved nothing
    await dialog.getByRole('button', { name: 'Redrive 2' }).click();
    await expect(dialog.getByTestId('redrive-outcome')).toContainText(`Complete: Moved all 2 messages you confirmed from ${parking}.`);
    await app.screenshot('redrive-outcome');
    expect(await depth(ch, parking)).toBe(3);
    expect(await depth(ch, orders)).toBe(2);

    // The view shows the DLQ shrunk; the audit log has the run.
    await dialog.getByRole('button', { name: 'Open the audit entry' }).click();
    await expect(page.getByTestId('audit-summary')).toContainText(`Moved all 2 messages you confirmed from ${parking}.`);
    await app.screenshot('audit');
    await page.getByRole('tab', { name: /Dead letters/ }).click();
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(3);
  } finally {
    for (const q of [orders, parking]) await ch.deleteQueue(q).catch(() => undefined);
    for (const e of [x, dlx]) await ch.deleteExchange(e).catch(() => undefined);
    await conn.close();
  }
});

test('redrive a DLQ whose origin exchange also feeds an audit queue: the audit queue receives nothing', async ({ app }) => {
  const { page } = app;
  const x = unique('e2e-pay-x');
  const payments = unique('e2e-payments');
  const audit = unique('e2e-audit');
  const dlq = unique('e2e-payments-dlq');
  const { conn, ch } = await connect();
  await ch.assertExchange(x, 'topic', { durable: false });
  await ch.assertQueue(dlq, { durable: false });
  await ch.assertQueue(payments, { durable: false, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq } });
  await ch.assertQueue(audit, { durable: false });
  await ch.bindQueue(payments, x, 'payment.*');
  await ch.bindQueue(audit, x, '#');
  for (let i = 1; i <= 40; i++) ch.publish(x, 'payment.captured', Buffer.from(JSON.stringify({ payment: i })), { messageId: `pay-${i}` });
  await waitForDepth(ch, payments, 40);
  await ch.purgeQueue(audit); // the audit copies of the first delivery are not what this checks
  await brokerRejects(payments, 40);
  await waitForDepth(ch, dlq, 40);
  try {
    await addLocalRabbit(page);
    await page.getByRole('button', { name: 'Dead letters' }).click();
    await page
      .getByRole('navigation', { name: 'Dead-letter sources' })
      .getByRole('button', { name: new RegExp(dlq) })
      .click();
    await page.getByRole('button', { name: 'Peek the first 200' }).click();
    await expect(page.getByText('The first 40 of 40 messages')).toBeVisible();
    await page.getByRole('button', { name: /Redrive all/ }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`Redrive all of ${dlq}`) });
    // The original route is a choice, and its dry run names the bystander.
    await dialog.getByLabel(/through its original exchange and routing keys/).check();
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await expect(dialog.getByTestId('also-reaches')).toContainText(`also a copy to ${audit}`);
    await app.screenshot('redrive-bystander-warning');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The default: back to the queue each died in.
    await page.getByRole('button', { name: /Redrive all/ }).click();
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await expect(dialog.getByRole('table', { name: 'Redrive plan per target' })).toContainText(`queue ${payments}`);
    await expect(dialog.getByTestId('also-reaches')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Redrive 40' }).click();
    await expect(dialog.getByTestId('redrive-outcome')).toContainText(`Complete: Moved all 40 messages you confirmed from ${dlq}.`);
    await app.screenshot('redrive-to-died-in');
    expect(await depth(ch, payments)).toBe(40);
    expect(await depth(ch, audit)).toBe(0);
    expect(await depth(ch, dlq)).toBe(0);
  } finally {
    for (const q of [payments, audit, dlq]) await ch.deleteQueue(q).catch(() => undefined);
    await ch.deleteExchange(x).catch(() => undefined);
    await conn.close();
  }
});

test('redrive two Kafka DLT records and find them on their original topic', async ({ app }) => {
  const { page } = app;
  const origin = unique('e2e-payments');
  const dlt = unique('e2e-failed'); // found by its headers
  await createTopic(origin);
  await createTopic(dlt);
  kcatProduce(
    dlt,
    [1, 2, 3].map((i) => ({ key: `p-${i}`, headers: [`kafka_dlt-original-topic=${origin}`, `kafka_dlt-exception-message=declined ${i}`], value: Buffer.from(`{"payment":${i}}`) })),
  );
  try {
    await addLocalKafka(page);
    await page.getByRole('button', { name: 'Dead letters' }).click();
    await page
      .getByRole('navigation', { name: 'Dead-letter sources' })
      .getByRole('button', { name: new RegExp(dlt) })
      .click();
    const grid = page.getByRole('grid', { name: `${dlt} dead letters` });
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(3);
    await page.getByLabel('Group by').selectOption('reason');
    await grid.getByRole('rowgroup').getByRole('row').nth(0).getByRole('checkbox').click();
    await grid.getByRole('rowgroup').getByRole('row').nth(1).getByRole('checkbox').click();
    await page.getByRole('button', { name: 'Redrive 2 picked…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await expect(dialog.getByRole('table', { name: 'Redrive plan per target' })).toContainText(origin);
    await dialog.getByRole('button', { name: 'Redrive 2' }).click();
    await expect(dialog.getByTestId('redrive-outcome')).toContainText('Complete: Moved all 2 messages you confirmed');
    await dialog.getByRole('button', { name: 'OK', exact: true }).click();
    // On the original topic, as Kafka's own consumer reads it; the DLT marks them redriven.
    expect(
      kcatConsume(origin)
        .map((r) => r.headers.find(([k]) => k === 'rewind-redriven-from')?.[1]?.toString())
        .sort(),
    ).toHaveLength(2);
    await expect(
      grid
        .getByRole('rowgroup')
        .getByRole('row')
        .filter({ hasText: /\d{4}-\d\d-\d\d$/ }),
    ).toHaveCount(2);
    await app.screenshot('redrive-kafka');
  } finally {
    await deleteTopics([origin, dlt]);
  }
});

test('publish a message to an exchange and see where it was routed', async ({ app }) => {
  const { page } = app;
  const x = unique('e2e-pub-x');
  const eu = unique('e2e-eu');
  const q = unique('e2e-queue');
  const { conn, ch } = await connect();
  await ch.assertExchange(x, 'topic', { durable: false });
  await ch.assertQueue(eu, { durable: false });
  await ch.assertQueue(q, { durable: false });
  await ch.bindQueue(eu, x, 'order.*.eu');
  try {
    await addLocalRabbit(page);
    await page.getByTestId(`resource-${q}`).click();
    await page.getByRole('button', { name: 'Publish to this queue…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish a message' });
    await dialog.getByLabel('Exchange').fill(x);
    await dialog.getByLabel('Routing key').fill('order.created.eu');
    await dialog.getByRole('textbox', { name: 'Payload' }).fill('{"order": 12345678901234567891}');
    await dialog.getByRole('button', { name: '+ Header' }).click();
    await dialog.getByLabel('Header 1 name').fill('tenant');
    await dialog.getByLabel('Header 1 value').fill('acme');
    await dialog.getByRole('button', { name: 'Where does this go?' }).click();
    await expect(dialog.getByTestId('publish-preview')).toContainText(`Would reach 1 queue:${eu}`);
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await expect(dialog.getByTestId('publish-broker-answer')).toHaveText('Confirmed: the broker routed it to at least one queue and returned none.');
    await expect(dialog.getByTestId('publish-predicted')).toContainText(eu);
    await app.screenshot('publish');
    await waitForDepth(ch, eu, 1);
    const m = await ch.get(eu, { noAck: true });
    expect(m && m.content.toString()).toBe('{"order": 12345678901234567891}');
  } finally {
    for (const name of [eu, q]) await ch.deleteQueue(name).catch(() => undefined);
    await ch.deleteExchange(x).catch(() => undefined);
    await conn.close();
  }
});
