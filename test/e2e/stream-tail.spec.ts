import amqp from 'amqplib';
import { test, expect } from './fixtures';
import { unique } from './brokers';
import { addLocalRabbit } from './steps';
import { createVhost, deleteVhost, management } from '../tools/rabbit-tools';

/**
 * A stream tail started after a page of 500 of 3,005 messages: the 2,505 it reads to catch up are
 * not "new", only what the broker takes after the tail began is; the footer counts every row the
 * table holds; and while the user is at the bottom, the newest row stays in view.
 */
test('a stream tail counts only what arrived after it began, keeps the newest row in view, and the footer follows', async ({ app }) => {
  const { page } = app;
  const vhost = unique('e2e-tail');
  const ticks = unique('e2e-tail-ticks');
  await createVhost(vhost);
  const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`);
  const ch = await conn.createConfirmChannel();
  try {
    await ch.assertQueue(ticks, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    for (let n = 1; n <= 3005; n++) ch.sendToQueue(ticks, Buffer.from(JSON.stringify({ n })), { type: 'Tick' });
    await ch.waitForConfirms();

    await addLocalRabbit(page);
    await page.getByTestId(`resource-${ticks}`).click();
    await page.getByLabel('Start from').selectOption('start');
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    const footer = page.getByTestId('records-summary');
    await expect(footer).toContainText('500 messages loaded');

    await page.getByRole('button', { name: 'Tail' }).click();
    const tail = page.getByTestId('stream-tail');
    // The unread rest of the stream is caught up, not counted as new.
    await expect(footer).toContainText('3,005 messages loaded');
    await expect(tail).toContainText('Following · 0 new');
    await expect(tail).toContainText('2,505 caught up');

    // At the bottom of the table, messages published now come into view as they arrive.
    const grid = page.getByRole('grid', { name: `${ticks} messages` });
    await grid.focus();
    await page.keyboard.press('End');
    for (let n = 1; n <= 3; n++) {
      await management('POST', `/exchanges/${encodeURIComponent(vhost)}/amq.default/publish`, {
        properties: { type: 'Late' },
        routing_key: ticks,
        payload: JSON.stringify({ late: n }),
        payload_encoding: 'string',
      });
    }
    await expect(tail).toContainText('Following · 3 new');
    await expect(footer).toContainText('3,008 messages loaded');
    await expect(grid.getByRole('row').filter({ hasText: '{"late":3}' })).toBeInViewport();
    await expect(page.getByRole('button', { name: /^Load .* more/ })).toBeHidden();
    await app.screenshot('stream-tail-following');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await app.screenshot('stream-tail-following-dark');
  } finally {
    await conn.close().catch(() => undefined);
    await deleteVhost(vhost);
  }
});
