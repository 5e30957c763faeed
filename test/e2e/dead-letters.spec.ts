import { expect, test } from './fixtures';
import { unique, withDeadLetters, withTopic } from './brokers';
import { addLocalKafka, addLocalRabbit, replaceCode } from './steps';

test('one dead-letter view: a RabbitMQ DLQ, a Kafka DLT and parked events, each with why it died', async ({ app }) => {
  const { page } = app;
  const orders = unique('e2e-orders');
  const dlt = `${unique('e2e-payments')}.DLT`;
  const rabbit = await withDeadLetters(orders, [{ order: 1 }, { order: 2 }, { order: 3 }]);
  const topic = await withTopic(dlt, [
    {
      key: 'p-1',
      value: { payment: 1 },
      headers: { 'kafka_dlt-exception-fqcn': 'java.lang.IllegalStateException', 'kafka_dlt-exception-message': 'card declined', 'kafka_dlt-original-topic': 'payments' },
    },
  ]);
  try {
    await addLocalKafka(page);
    await addLocalRabbit(page);

    // A subscription that parks the big withdrawals.
    await page.getByRole('button', { name: 'New projection' }).first().click();
    const editor = page.getByRole('textbox', { name: 'Projection code' });
    await expect(editor).toContainText('export default');
    const good = await editor.innerText();
    await replaceCode(
      page,
      good.replace(
        'MoneyWithdrawn: (s: Balance, e) => ({',
        "MoneyWithdrawn: (s: Balance, e) => { if (e.data.amount > 300) throw new Error('limit exceeded'); return s; }, Unused: (s: Balance, e) => ({",
      ),
    );
    await page.getByRole('button', { name: 'Save as subscription…' }).click();
    await page.getByLabel('Subscription name').fill('balances');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('resource-balances').click();
    await page.getByRole('button', { name: 'Catch up' }).click();
    const caught = page.getByText(/^Caught up: \d+ events handled, [1-9]\d* parked, checkpoint \d+\.$/);
    await expect(caught).toBeVisible();
    const parked = Number(/(\d+) parked/.exec((await caught.textContent()) ?? '')![1]);

    await page.getByRole('button', { name: 'Dead letters' }).click();
    const sources = page.getByRole('navigation', { name: 'Dead-letter sources' });
    const balances = sources.getByRole('button', { name: /balances/ });
    await expect(balances).toContainText(`Local event store · parked events`);
    await expect(balances.locator('.badge.dead')).toHaveText(String(parked));
    await expect(sources.getByRole('button', { name: new RegExp(dlt.replace(/\./g, '\\.')) })).toContainText('Local Kafka');
    const dlq = sources.getByRole('button', { name: new RegExp(rabbit.dlq.replace(/\./g, '\\.')) });
    await expect(dlq).toContainText('Local RabbitMQ · vhost /');

    // RabbitMQ: opening a classic DLQ takes nothing; the peek is asked for, its consequence said first.
    await dlq.click();
    await expect(page.getByTestId('peek-consequence')).toContainText('marks each one redelivered');
    await app.screenshot('dead-letters-peek-consent');
    await page.getByRole('button', { name: 'Peek the first 200' }).click();
    const grid = page.getByRole('grid', { name: `${rabbit.dlq} dead letters` });
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(3);
    await expect(page.getByText('The first 3 of 3 messages, each put back in its place (none acknowledged); RabbitMQ now marks them redelivered.')).toBeVisible();
    // Each message's place in the queue, not a delivery tag.
    await expect(page.getByRole('columnheader', { name: 'Place' })).toBeVisible();
    await expect(grid.getByRole('rowgroup').getByRole('row').first()).toContainText('1');
    await expect(dlq.locator('.badge.dead')).toHaveText('3');
    await grid.getByRole('rowgroup').getByRole('row').first().click();
    await expect(page.getByTestId('death')).toContainText('rejected');
    await expect(page.getByTestId('death')).toContainText(`from ${orders}`);
    await expect(page.getByRole('table', { name: 'x-death history, latest first' }).locator('tbody tr')).toHaveCount(1);
    await expect(page.getByTestId('detail-title')).toContainText('OrderPlaced');
    await app.screenshot('dead-letters-rabbit');
    expect(await rabbit.depth()).toBe(3);

    // Kafka: the exception from the DLT headers.
    await sources.getByRole('button', { name: new RegExp(dlt.replace(/\./g, '\\.')) }).click();
    const records = page.getByRole('grid', { name: `${dlt} dead letters` });
    await expect(records.getByRole('rowgroup').getByRole('row')).toHaveCount(1);
    await expect(records.getByRole('rowgroup').getByRole('row').first()).toContainText('java.lang.IllegalStateException: card declined');
    await records.getByRole('rowgroup').getByRole('row').first().click();
    await expect(page.getByTestId('death')).toContainText('from payments');

    // The store: parked events with the handler's error, and the way to replay them.
    await balances.click();
    const events = page.getByRole('grid', { name: 'balances dead letters' });
    await expect(events.getByRole('rowgroup').getByRole('row')).toHaveCount(parked);
    await expect(events.getByRole('rowgroup').getByRole('row').first()).toContainText('Error: limit exceeded');
    await events.getByRole('rowgroup').getByRole('row').first().click();
    await expect(page.getByTestId('death')).toContainText('from subscription balances · 3 times');
    await app.screenshot('dead-letters-parked');
    await page.getByRole('button', { name: 'Replay in subscription…' }).click();
    await expect(page.getByRole('table', { name: 'Parked events' }).locator('tbody tr')).toHaveCount(parked);
  } finally {
    await rabbit.remove();
    await topic.remove();
  }
});
