import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';
import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka, addLocalRabbit } from './steps';
import { expectNoSeriousA11yViolations, useTheme } from './axe';
import { cloudEventsNpmKafka, nserviceBusMessages } from '../tools/envelope-inputs';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';

/**
 * Product journey 8: from a message in a Kafka topic, trace its conversation across Kafka, a
 * RabbitMQ stream and the store; see the duplicate delivery and the orphaned cause flagged; go from
 * the tree to the message in the RabbitMQ view. The messages are written by the CloudEvents npm SDK,
 * kcat and an NServiceBus-shaped publisher; the store's event is appended through the app's form.
 */
test('trace a conversation from a Kafka record across Kafka, RabbitMQ and the store', async ({ app }) => {
  test.setTimeout(240_000);
  const { page } = app;
  const orders = unique('e2e-trace-orders');
  const payments = unique('e2e-trace-payments');
  const stream = unique('e2e-trace-commands');
  const C = `conv-${randomUUID().slice(0, 8)}`;
  const TRACE_ID = randomUUID().replace(/-/g, '');
  const ids = { command: `cmd-${randomUUID().slice(0, 8)}`, accepted: `acc-${randomUUID().slice(0, 8)}`, placed: `evt-${randomUUID().slice(0, 8)}`, payment: `pay-${randomUUID().slice(0, 8)}` };
  await createTopic(orders);
  await createTopic(payments);
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createConfirmChannel();
  try {
    await ch.assertQueue(stream, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    nserviceBusMessages(ch, stream, [
      { messageType: 'Sales.Messages.Commands.PlaceOrder', body: { order: 'order-7' }, intent: 'Send', messageId: ids.command, conversationId: C, correlationId: C },
      { messageType: 'Sales.Messages.Events.OrderAccepted', body: { order: 'order-7' }, intent: 'Reply', messageId: ids.accepted, conversationId: C, correlationId: C, relatedTo: ids.command },
    ]);
    await ch.waitForConfirms();
    const placed = {
      id: ids.placed,
      source: '/orders',
      type: 'com.acme.order.placed',
      data: { order: 'order-7' },
      extensions: { correlationid: C, causationid: ids.accepted },
      mode: 'binary' as const,
    };
    await cloudEventsNpmKafka(orders, [placed, placed]);
    kcatProduce(payments, [
      {
        key: 'order-7',
        headers: [`message-id=${ids.payment}`, 'event-type=PaymentRequested', `correlation-id=${C}`, `causation-id=${ids.placed}`, `traceparent=00-${TRACE_ID}-00f067aa0ba902b7-01`],
        value: Buffer.from('{"amount":12}'),
      },
      { key: 'order-7', headers: ['message-id=pay-retry', 'event-type=PaymentRetried', `correlation-id=${C}`, 'causation-id=ghost-99'], value: Buffer.from('{"amount":12}') },
      { key: 'order-9', value: Buffer.from('{"note":"no ids at all"}') },
    ]);

    await addLocalKafka(page);
    await addLocalRabbit(page);

    // The store's part: an invoice appended through the form, caused by the payment.
    await page.getByTestId('resource-$all').click();
    await page.getByRole('button', { name: 'Append event' }).click();
    const append = page.getByRole('dialog', { name: 'Append event' });
    await append.getByRole('textbox', { name: 'Stream' }).fill(`invoice-${C}`);
    await append.getByLabel('Event type').fill('InvoiceIssued');
    await append.getByLabel('Data (JSON)').fill('{"order": "order-7"}');
    await append.getByLabel('Metadata (JSON object, optional)').fill(JSON.stringify({ correlationId: C, causationId: ids.payment }));
    await append.getByRole('button', { name: 'Append' }).click();
    await expect(append).toBeHidden();

    // A record with no ids has nothing to follow: the button says so.
    const filter = page.getByPlaceholder('Filter topics, queues, streams…');
    await filter.fill(payments);
    await page.getByTestId(`resource-${payments}`).click();
    const paymentRows = page
      .getByRole('grid', { name: `${payments} records` })
      .getByRole('rowgroup')
      .getByRole('row');
    await paymentRows.filter({ hasText: 'no ids at all' }).click();
    await expect(page.getByLabel('record detail').getByRole('button', { name: 'Trace conversation' })).toBeDisabled();

    // From the Kafka record: trace its conversation, within five minutes either side.
    await filter.fill(orders);
    await page.getByTestId(`resource-${orders}`).click();
    await page
      .getByRole('grid', { name: `${orders} records` })
      .getByRole('rowgroup')
      .getByRole('row')
      .first()
      .click();
    await page.getByLabel('record detail').getByRole('button', { name: 'Trace conversation' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trace conversation' });
    await expect(dialog.getByTestId('trace-key')).toHaveText(C);
    await dialog.getByLabel('Time window').selectOption({ label: '±5 minutes' });
    await dialog.getByRole('button', { name: 'Trace', exact: true }).click();

    const summary = page.getByTestId('trace-summary');
    await expect(summary).toContainText('7 messages · 2 findings', { timeout: 120_000 });
    const sources = page.getByRole('list', { name: 'Sources' });
    await expect(sources).toContainText('Local event store: done');
    await expect(sources).toContainText('Local Kafka: done');
    await expect(sources).toContainText('Local RabbitMQ: done');
    const findings = page.getByRole('list', { name: 'Findings' });
    await expect(findings).toContainText(`Duplicate Event ${ids.placed} was delivered 2 times`);
    await expect(findings).toContainText('Orphan');
    await expect(findings).toContainText('ghost-99, which was not found');

    // The causation tree: the command at the top, the reply under it (RelatedTo), the event under that, and so on to the invoice.
    const tree = page.getByRole('grid', { name: 'Causation tree' }).getByRole('rowgroup').getByRole('row');
    await expect(tree).toHaveCount(7);
    await expect(tree.nth(0)).toContainText('PlaceOrder');
    await expect(tree.nth(1)).toContainText('OrderAccepted');
    await expect(tree.nth(2)).toContainText('com.acme.order.placed');
    await expect(tree.filter({ hasText: 'delivered again' })).toHaveCount(1);
    await expect(tree.filter({ hasText: 'cause not found' })).toContainText('PaymentRetried');
    await expect(tree.filter({ hasText: 'InvoiceIssued' })).toContainText('$all');
    await app.screenshot('trace-tree');
    for (const theme of ['light', 'dark'] as const) {
      const { restore } = await useTheme(page, theme);
      await expectNoSeriousA11yViolations(page, 'trace tree');
      if (theme === 'dark') await app.screenshot('trace-tree-dark');
      await restore();
    }

    await page.getByRole('group', { name: 'Show as' }).getByRole('button', { name: 'Timeline' }).click();
    await expect(page.getByRole('img', { name: /Timeline of 7 messages in 4 lanes/ })).toBeVisible();
    await expect(page.getByTestId('timeline-dot')).toHaveCount(7);
    await app.screenshot('trace-timeline');
    await page.getByRole('group', { name: 'Show as' }).getByRole('button', { name: 'Tree' }).click();

    // From the tree to the message in its own view: the RabbitMQ stream, opened at its offset, the message selected.
    await tree.filter({ hasText: 'OrderAccepted' }).click();
    await page.getByRole('button', { name: `Open in ${stream}` }).click();
    await expect(page.getByRole('tab', { name: new RegExp(stream) })).toHaveAttribute('aria-selected', 'true');
    const rabbitDetail = page.getByRole('tabpanel', { name: stream }).getByLabel('message detail').getByLabel('Envelope');
    await expect(rabbitDetail).toContainText(ids.accepted);
    await expect(rabbitDetail).toContainText(ids.command);
    await app.screenshot('trace-opened-in-rabbit');

    // The trace exported as JSON lines, and opened again from the palette.
    await page.getByRole('tab', { name: /^Trace conv-/ }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const file = (await (await download).path())!;
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(JSON.parse(lines[0]!)).toMatchObject({ rewindTrace: 1, request: { key: { by: 'correlation', value: C } }, summary: { members: 7 } });
    await page.keyboard.press('ControlOrMeta+k');
    await page.keyboard.type('Open a trace file');
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Enter');
    await (await chooser).setFiles(file);
    await expect(page.getByRole('tab', { selected: true })).toContainText('Trace conv-');
    const reopened = page.locator('[role="tabpanel"]:not([hidden])');
    await expect(reopened.getByTestId('trace-summary')).toContainText('7 messages · 2 findings');
    await expect(reopened.getByRole('grid', { name: 'Causation tree' }).getByRole('rowgroup').getByRole('row')).toHaveCount(7);

    // A traceparent links to the user's tracing UI, by the template set once.
    await page.keyboard.press('ControlOrMeta+k');
    await page.keyboard.type('Set the tracing UI link');
    await page.keyboard.press('Enter');
    const linkDialog = page.getByRole('dialog', { name: 'Tracing UI link' });
    await linkDialog.getByLabel('Tracing UI link').fill('http://localhost:16686/trace/{traceId}');
    await linkDialog.getByRole('button', { name: 'Save' }).click();
    await reopened.getByRole('grid', { name: 'Causation tree' }).getByRole('rowgroup').getByRole('row').filter({ hasText: 'PaymentRequested' }).click();
    await expect(reopened.getByTestId('tracing-link')).toHaveAttribute('href', `http://localhost:16686/trace/${TRACE_ID}`);

    // Into a topic whose tab is open already, showing a page where that offset holds another record: the member itself is selected.
    await reopened.getByRole('grid', { name: 'Causation tree' }).getByRole('rowgroup').getByRole('row').filter({ hasText: 'PaymentRetried' }).click();
    await page.getByRole('button', { name: `Open in ${payments}` }).click();
    const paymentsPanel = page.getByRole('tabpanel', { name: payments });
    await expect(paymentsPanel.getByTestId('detail-title')).toContainText('p0 @1');
    await expect(paymentsPanel.getByLabel('record detail').getByLabel('Envelope')).toContainText('pay-retry');
    // The keyboard goes on in the table the member opened in.
    await expect(paymentsPanel.getByRole('grid', { name: `${payments} records` })).toBeFocused();

    // T on a message with nothing to follow says so.
    await paymentsPanel
      .getByRole('grid', { name: `${payments} records` })
      .getByRole('rowgroup')
      .getByRole('row')
      .filter({ hasText: 'no ids at all' })
      .click();
    await page.keyboard.press('t');
    await expect(page.getByRole('dialog', { name: 'Trace conversation' }).getByRole('alert')).toContainText('no correlation id and no traceparent');
    await page.keyboard.press('Escape');
  } finally {
    await ch.deleteQueue(stream).catch(() => undefined);
    await conn.close().catch(() => undefined);
    await deleteTopics([orders, payments]);
  }
});
