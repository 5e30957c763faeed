import type { Channel } from 'amqplib';
import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalRabbit } from './steps';
import { createVhost, deleteVhost, management, untilManagement } from '../tools/rabbit-tools';
import amqp from 'amqplib';

/**
 * RabbitMQ as a map, as a developer uses it: the topology is made by RabbitMQ's own management
 * API and amqplib (never by Rewind), in a vhost of its own so the graph holds only this test's.
 */
async function ordersTopology(vhost: string): Promise<{ ch: Channel; close(): Promise<void> }> {
  await createVhost(vhost);
  const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`);
  const ch = await conn.createChannel();
  await ch.assertExchange('orders', 'topic', { durable: true });
  await ch.assertExchange('orders.dlx', 'fanout', { durable: true });
  await ch.assertQueue('orders.work', { durable: true });
  await ch.bindQueue('orders.work', 'orders', 'order.#');
  await ch.assertQueue('eu.audit', { durable: true });
  await ch.bindQueue('eu.audit', 'orders', 'order.*.eu');
  await ch.assertQueue('us.only', { durable: true });
  await ch.bindQueue('us.only', 'orders', 'order.*.us');
  await ch.assertQueue('orders.parking', { durable: true });
  await ch.bindQueue('orders.parking', 'orders.dlx', '');
  // The dead-letter link comes from a policy, as on most real brokers, not from a queue argument.
  await management('PUT', `/policies/${encodeURIComponent(vhost)}/orders-dlx`, { pattern: '^orders\\.work$', definition: { 'dead-letter-exchange': 'orders.dlx' }, 'apply-to': 'queues', priority: 1 });
  // The broker applies a policy a moment later; the map is read once it has.
  await untilManagement(`/queues/${encodeURIComponent(vhost)}/orders.work`, (q) => (q as { policy?: string }).policy === 'orders-dlx');
  return { ch, close: () => conn.close() };
}

test('open a vhost graph, click the DLQ and see its dead-letter path; its queue page says the same', async ({ app }) => {
  const { page } = app;
  const vhost = unique('e2e-map');
  const { ch, close } = await ordersTopology(vhost);
  try {
    await addLocalRabbit(page);
    await page.getByTestId(`view-rabbit-map-${vhost}`).click();
    const graph = page.getByRole('group', { name: `Topology of ${vhost}` });
    await expect(graph.getByTestId('graph-node-queue-orders.parking')).toBeVisible();
    await expect(graph.getByTestId('graph-edge-orders.work->orders.dlx')).toHaveAttribute('data-kind', 'dead-letter');

    await graph.getByTestId('graph-node-queue-orders.parking').click();
    for (const id of [
      'graph-node-queue-orders.parking',
      'graph-node-exchange-orders.dlx',
      'graph-node-queue-orders.work',
      'graph-edge-orders.work->orders.dlx',
      'graph-edge-orders.dlx->orders.parking',
    ])
      await expect(graph.getByTestId(id)).toHaveAttribute('data-highlighted', 'true');
    await expect(graph.getByTestId('graph-node-queue-us.only')).not.toHaveAttribute('data-highlighted', 'true');
    await expect(page.getByTestId('selection-card')).toContainText('Receives the dead letters of orders.work');
    await app.screenshot('rabbit-map-dlq');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await app.screenshot('rabbit-map-dlq-dark');

    // The work queue's page: where its dead letters go, set by the policy.
    await graph.getByTestId('graph-node-queue-orders.work').click();
    await page.getByRole('button', { name: 'Open queue page' }).click();
    const queuePage = page.getByTestId('queue-page');
    await expect(queuePage.getByTestId('dead-letter-path')).toContainText('go to exchange orders.dlx with their original routing keys (policy) → orders.parking');
    await expect(queuePage.getByRole('table', { name: 'Effective settings' })).toContainText('dead-letter-exchange');
    await expect(queuePage.getByRole('table', { name: 'Effective settings' })).toContainText('policy');
    await expect(queuePage).toContainText('exchange orders with order.#');
    // Its place in the map: the neighbourhood, its dead-letter path highlighted.
    const around = queuePage.getByTestId('queue-neighbourhood');
    await expect(around.getByTestId('graph-edge-orders.work->orders.dlx')).toHaveAttribute('data-highlighted', 'true');
    await expect(around.getByTestId('graph-node-exchange-orders')).toBeVisible();
    // Peek puts every message back: the broker still holds them after.
    for (let n = 1; n <= 3; n++) ch.publish('orders', 'order.created.us', Buffer.from(JSON.stringify({ n })), { type: 'OrderPlaced' });
    await expect.poll(async () => (await ch.checkQueue('orders.work')).messageCount).toBe(3);
    await queuePage.getByRole('button', { name: 'Peek the first 50' }).click();
    const peeked = queuePage.getByRole('grid', { name: 'orders.work peeked messages' }).getByRole('rowgroup').getByRole('row');
    await expect(peeked).toHaveCount(3);
    await expect(peeked.first()).toContainText('{"n":1}');
    await expect.poll(async () => (await ch.checkQueue('orders.work')).messageCount).toBe(3);
    await app.screenshot('rabbit-queue-page-dark');
  } finally {
    await close();
    await deleteVhost(vhost);
  }
});

test('ask where order.created.eu goes, publish it from the composer, and the broker routes it to exactly those queues', async ({ app }) => {
  const { page } = app;
  const vhost = unique('e2e-route');
  const { ch, close } = await ordersTopology(vhost);
  try {
    await addLocalRabbit(page);
    await page.getByTestId(`view-rabbit-map-${vhost}`).click();
    const ask = page.getByRole('form', { name: 'Where would this go?' });
    await ask.getByLabel('Exchange to publish to').fill('orders');
    await ask.getByLabel('Routing key').fill('order.created.eu');
    await ask.getByRole('button', { name: 'Where would it go?' }).click();
    const answer = ask.getByTestId('route-answer');
    await expect(answer).toContainText('Reaches 2 queues; nothing was sent.');
    await expect(answer.getByRole('listitem')).toHaveCount(2);
    await expect(answer.getByRole('listitem').filter({ hasText: 'orders.work' })).toContainText('orders → [order.#] orders.work');
    await expect(answer.getByRole('listitem').filter({ hasText: 'eu.audit' })).toContainText('orders → [order.*.eu] eu.audit');
    await expect(page.getByRole('group', { name: `Topology of ${vhost}` }).getByTestId('graph-node-queue-eu.audit')).toHaveAttribute('data-highlighted', 'true');
    // Nothing was sent by asking.
    for (const q of ['orders.work', 'eu.audit', 'us.only']) expect((await ch.checkQueue(q)).messageCount).toBe(0);
    await app.screenshot('rabbit-route');

    await ask.getByRole('button', { name: 'Publish it…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish a message' });
    await expect(dialog.getByLabel('Exchange')).toHaveValue('orders');
    await dialog.getByRole('textbox', { name: 'Payload' }).fill('{"order": 7}');
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await expect(dialog.getByTestId('publish-outcome')).toContainText('Confirmed: the broker routed it');
    await expect(dialog.getByTestId('publish-outcome')).not.toContainText('mismatch');
    // What the broker holds: one message in each predicted queue, none elsewhere.
    await expect.poll(async () => (await ch.checkQueue('orders.work')).messageCount).toBe(1);
    await expect.poll(async () => (await ch.checkQueue('eu.audit')).messageCount).toBe(1);
    expect((await ch.checkQueue('us.only')).messageCount).toBe(0);
    expect((await ch.checkQueue('orders.parking')).messageCount).toBe(0);
  } finally {
    await close();
    await deleteVhost(vhost);
  }
});

test('read a stream from a time, then tail it while messages arrive: pause and resume miss nothing', async ({ app }) => {
  const { page } = app;
  const vhost = unique('e2e-stream');
  const ticks = unique('e2e-ticks');
  await createVhost(vhost);
  const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`);
  const ch = await conn.createConfirmChannel();
  const publish = async (from: number, to: number) => {
    for (let n = from; n <= to; n++) ch.sendToQueue(ticks, Buffer.from(JSON.stringify({ n })), { timestamp: Math.floor(Date.now() / 1000), type: 'Tick' });
    await ch.waitForConfirms();
  };
  try {
    await ch.assertQueue(ticks, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    await publish(1, 5);
    // AMQP timestamps are whole seconds: the second batch is written in a later second than the first.
    await new Promise((r) => setTimeout(r, 2_100));
    const from = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    await publish(6, 8);

    await addLocalRabbit(page);
    await page.getByTestId(`resource-${ticks}`).click();
    await page.getByLabel('Start from').selectOption('time');
    await page.getByLabel('Start time').fill(from);
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    const rows = page
      .getByRole('grid', { name: `${ticks} messages` })
      .getByRole('rowgroup')
      .getByRole('row');
    await expect(rows).toHaveCount(3);
    await expect(rows.first()).toContainText('{"n":6}');
    await expect(page.getByTestId('read-via')).toContainText('via stream protocol');

    await page.getByRole('button', { name: 'Tail' }).click();
    const tail = page.getByTestId('stream-tail');
    await expect(tail).toContainText('Following');
    await publish(9, 11);
    await expect(rows).toHaveCount(6);
    await tail.getByRole('button', { name: 'Pause' }).click();
    await expect(tail).toContainText('Paused');
    await publish(12, 13);
    await page.waitForTimeout(500);
    await expect(rows).toHaveCount(6);
    await tail.getByRole('button', { name: 'Resume' }).click();
    await expect(rows).toHaveCount(8);
    await expect(rows.last()).toContainText('{"n":13}');
    await app.screenshot('rabbit-stream-tail');

    // From the last chunk: what RabbitMQ's own consumers get with `last`, ending at the newest.
    await tail.getByRole('button', { name: 'Stop' }).click();
    await page.getByLabel('Start from').selectOption('last');
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    await expect(rows.last()).toContainText('{"n":13}');
    await expect(page.getByTestId('records-summary')).toContainText('to the end');
  } finally {
    await conn.close().catch(() => undefined);
    await deleteVhost(vhost);
  }
});

test('a super stream is one resource in the sidebar; its page lists the partitions in order and opens one', async ({ app }) => {
  const { page } = app;
  const vhost = unique('e2e-super');
  const name = unique('e2e-orders-super');
  await createVhost(vhost);
  const v = encodeURIComponent(vhost);
  // As RabbitMQ's own tools declare one: a direct exchange marked x-super-stream, a stream per partition.
  await management('PUT', `/exchanges/${v}/${name}`, { type: 'direct', durable: true, arguments: { 'x-super-stream': true } });
  const keys = ['emea', 'amer', 'apac'];
  try {
    for (const [order, key] of keys.entries()) {
      await management('PUT', `/queues/${v}/${name}-${key}`, { durable: true, arguments: { 'x-queue-type': 'stream' } });
      await management('POST', `/bindings/${v}/e/${name}/q/${name}-${key}`, { routing_key: key, arguments: { 'x-stream-partition-order': order } });
    }
    await addLocalRabbit(page);
    await page.getByTestId(`resource-${name}`).click();
    const partitions = page.getByRole('table', { name: 'Partitions' }).getByRole('row');
    await expect(partitions).toHaveCount(4);
    await expect(partitions.nth(1)).toContainText(`${name}-emea`);
    await expect(partitions.nth(2)).toContainText(`${name}-amer`);
    await expect(partitions.nth(3)).toContainText(`${name}-apac`);
    await app.screenshot('rabbit-super-stream');
    await page.getByRole('button', { name: `${name}-apac` }).click();
    await expect(page.getByRole('tab', { selected: true })).toContainText(`${name}-apac`);
    await expect(page.getByTestId('records-summary')).toContainText('0 messages loaded');
  } finally {
    await deleteVhost(vhost);
  }
});
