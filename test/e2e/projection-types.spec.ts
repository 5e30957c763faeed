import { expect, test } from './fixtures';
import { expectNoSeriousA11yViolations } from './axe';
import { unique } from './brokers';
import { addLocalKafka, replaceCode } from './steps';
import { createTopic, deleteTopics, kcatProduceLines } from '../tools/kafka-tools';

const ORDERS = `export default {
  init: () => ({ placed: 0, paid: 0, total: 0 }),
  partitionBy: (e) => e.data.orderId,
  when: {
    OrderPlaced: (s, e) => ({ ...s, placed: s.placed + 1, total: s.total + e.data.amount }),
    OrderPaid: (s) => ({ ...s, paid: s.paid + 1 }),
  },
};`;

// Issue 16: a projection over a topic whose type is in the JSON body matched nothing, silently.
test('a Kafka projection over body-typed events warns, then works once the type path is given', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-body-typed');
  await createTopic(topic);
  // Written by kcat, as a service that keeps the type in its JSON: 3 orders, each placed, paid and shipped.
  const lines: string[] = [];
  for (let i = 0; i < 3; i++) {
    lines.push(JSON.stringify({ type: 'OrderPlaced', orderId: `o-${i}`, amount: 10 * (i + 1) }));
    lines.push(JSON.stringify({ type: 'OrderPaid', orderId: `o-${i}` }));
    lines.push(JSON.stringify({ type: 'OrderShipped', orderId: `o-${i}` }));
  }
  kcatProduceLines(topic, lines, { partition: 0 });
  try {
    await addLocalKafka(page);
    await page.getByRole('button', { name: 'New projection' }).first().click();
    await expect(page.getByRole('textbox', { name: 'Projection code' })).toContainText('export default');
    await replaceCode(page, ORDERS);
    await page.getByLabel('Source connection').selectOption({ label: 'Local Kafka' });
    await page.getByLabel('Source resource').selectOption({ label: `${topic} (all partitions)` });
    await page.getByRole('button', { name: 'Rebuild' }).click();

    // The run says it matched nothing, and which types it saw.
    await expect(page.getByTestId('run-summary')).toContainText('9 events · 1–9');
    const notice = page.getByTestId('type-notice');
    await expect(notice).toContainText(
      'No event matched a handler: the 9 events had the type unknown (9), and the handlers take OrderPlaced, OrderPaid. Say where the type is: a header, or a JSON path such as $.type.',
    );
    await expect(page.getByTestId('state-tree')).not.toContainText('placed');
    await app.screenshot('projection-type-notice-light');
    await expectNoSeriousA11yViolations(page, 'type notice, light', { include: '[data-testid="type-notice"]' });
    await page.getByRole('button', { name: /dark theme/i }).click();
    await app.screenshot('projection-type-notice-dark');
    await expectNoSeriousA11yViolations(page, 'type notice, dark', { include: '[data-testid="type-notice"]' });
    await page.getByRole('button', { name: /light theme/i }).click();

    // The type is in the body: say so for the run, and it works.
    await notice.getByLabel('Type from').selectOption('path');
    await notice.getByLabel('Type path').fill('$.type');
    await notice.getByRole('button', { name: 'Rebuild with it' }).click();
    await expect(page.getByTestId('type-notice')).toBeHidden();
    await expect(page.getByTestId('run-summary')).toContainText('9 events · 1–9');
    await expect(page.getByTestId('type-source')).toHaveText('Type: $.type');
    const state = page.getByTestId('state-tree');
    await expect(state).toContainText('o-2');
    await expect(state).toContainText('total: 30');
    await expect(state).toContainText('paid: 1');

    // Time travel shows each event with the type the handlers saw.
    await page.getByRole('tab', { name: 'Time travel' }).click();
    await page.getByLabel('Go to position').fill('4');
    await page.getByLabel('Go to position').press('Enter');
    await expect(page.getByTestId('travel-event')).toContainText('OrderPlaced');
    await app.screenshot('projection-type-from-path');

    // Back to the source's own type: the warning comes back.
    await page.getByTestId('type-source').click();
    await app.screenshot('projection-type-source-popover');
    await page.getByRole('button', { name: 'Use the source’s own type' }).click();
    await expect(page.getByTestId('type-source')).toHaveText('Type: as sent');
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await expect(page.getByTestId('type-notice')).toContainText('No event matched a handler');
  } finally {
    await deleteTopics([topic]);
  }
});
