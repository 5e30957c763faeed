import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka, addLocalRabbit } from './steps';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';
import { brokerRejects, connect, waitForDepth } from '../tools/rabbit-tools';

/**
 * The dead letters view at the widths people use (1280 and 1440 px), with the long names real
 * systems have: the Reason column, the Redriven column and the x-death routing keys are all there
 * to read, not cut off at the edge.
 */

/** The element is shown whole: inside its scrolling box (`within`) and not cut short by an ellipsis. */
async function shownWhole(el: Locator, within: Locator) {
  await expect(el).toBeVisible();
  const [box, outer] = await Promise.all([el.boundingBox(), within.boundingBox()]);
  expect(box!.x + box!.width, `${await el.textContent()} ends inside its box`).toBeLessThanOrEqual(outer!.x + outer!.width + 1);
  expect(box!.x).toBeGreaterThanOrEqual(outer!.x - 1);
  expect(await el.evaluate((e) => e.scrollWidth <= e.clientWidth + 1), `${await el.textContent()} is not cut short`).toBe(true);
}

async function atWidths(page: Page, check: (width: number) => Promise<void>) {
  for (const width of [1280, 1440]) {
    await page.setViewportSize({ width, height: 860 });
    await check(width);
  }
}

test('RabbitMQ dead letters with long names: Reason and the x-death routing keys are whole at 1280 and 1440 px', async ({ app }) => {
  const { page } = app;
  const suffix = unique('');
  const x = `orders.payments.settlement.eu-west-1.exchange${suffix}`;
  const dlx = `orders.payments.settlement.eu-west-1.dead-letters${suffix}`;
  const work = `orders.payments.settlement.eu-west-1.priority-high${suffix}`;
  const dlq = `orders.payments.settlement.eu-west-1.priority-high.parking-lot${suffix}`;
  const key = 'order.payment.settlement.completed.eu-west-1.customer-segment-enterprise';
  const { conn, ch } = await connect();
  await ch.assertExchange(x, 'topic', { durable: false });
  await ch.assertExchange(dlx, 'fanout', { durable: false });
  await ch.assertQueue(dlq, { durable: false });
  await ch.bindQueue(dlq, dlx, '');
  await ch.assertQueue(work, { durable: false, arguments: { 'x-dead-letter-exchange': dlx } });
  await ch.bindQueue(work, x, 'order.#');
  for (let i = 1; i <= 3; i++)
    ch.publish(x, key, Buffer.from(JSON.stringify({ order: i, customer: 'enterprise-customer-with-a-long-identifier' })), { messageId: `order-${i}`, type: 'PaymentSettlementCompleted' });
  await waitForDepth(ch, work, 3);
  await brokerRejects(work, 3);
  await waitForDepth(ch, dlq, 3);
  try {
    await addLocalRabbit(page);
    await page.getByRole('button', { name: 'Dead letters' }).click();
    await page
      .getByRole('navigation', { name: 'Dead-letter sources' })
      .getByRole('button', { name: new RegExp(dlq.replace(/\./g, '\\.')) })
      .click();
    await page.getByRole('button', { name: 'Peek the first 200' }).click();
    const grid = page.getByRole('grid', { name: `${dlq} dead letters` });
    await grid.getByRole('rowgroup').getByRole('row').first().click();
    const history = page.getByRole('table', { name: 'x-death history, latest first' });
    await atWidths(page, async (width) => {
      await shownWhole(grid.getByRole('columnheader', { name: 'Reason' }), grid);
      await shownWhole(grid.getByRole('rowgroup').getByRole('row').first().getByRole('gridcell').filter({ hasText: 'rejected' }), grid);
      await shownWhole(history.getByRole('cell', { name: key }), page.getByTestId('death'));
      await shownWhole(history.getByRole('cell', { name: work, exact: true }), page.getByTestId('death'));
      await app.screenshot(`dead-letters-rabbit-${width}`);
    });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await app.screenshot('dead-letters-rabbit-1440-dark');
  } finally {
    for (const q of [work, dlq]) await ch.deleteQueue(q).catch(() => undefined);
    for (const e of [x, dlx]) await ch.deleteExchange(e).catch(() => undefined);
    await conn.close();
  }
});

test('a Kafka DLT at 1280 and 1440 px: the Redriven column is there to read', async ({ app }) => {
  const { page } = app;
  const dlt = `${unique('payments-settlement-eu-west-1-enterprise')}.DLT`;
  await createTopic(dlt);
  kcatProduce(
    dlt,
    [1, 2].map((i) => ({
      key: `order-${i}`,
      headers: ['kafka_dlt-original-topic=payments-settlement-eu-west-1-enterprise', 'kafka_dlt-exception-message=Listener failed; nested exception is a very long explanation of what went wrong'],
      value: Buffer.from(JSON.stringify({ order: i })),
    })),
  );
  try {
    await addLocalKafka(page);
    await page.getByRole('button', { name: 'Dead letters' }).click();
    await page
      .getByRole('navigation', { name: 'Dead-letter sources' })
      .getByRole('button', { name: new RegExp(dlt.replace(/\./g, '\\.')) })
      .click();
    const grid = page.getByRole('grid', { name: `${dlt} dead letters` });
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(2);
    await atWidths(page, async (width) => {
      await shownWhole(grid.getByRole('columnheader', { name: 'Redriven' }), grid);
      await shownWhole(grid.getByRole('columnheader', { name: 'Reason' }), grid);
      await app.screenshot(`dead-letters-kafka-${width}`);
    });
  } finally {
    await deleteTopics([dlt]);
  }
});
