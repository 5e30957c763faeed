import { test, expect } from './fixtures';
import { unique } from './brokers';
import { addLocalRabbit } from './steps';
import { expectNoSeriousA11yViolations, useTheme } from './axe';
import { connect, declare, management, waitForDepth } from '../tools/rabbit-tools';

/**
 * Publishing says what the broker answered and nothing more: a confirm names no queues, so the
 * queues are Rewind's prediction, shown apart; a publish stopped part way says how many went out,
 * and the broker holds exactly that many.
 */
test('a publish to an exchange that feeds two queues: the broker confirms, the queues are a prediction', async ({ app }) => {
  const { page } = app;
  const x = unique('e2e-pubx');
  const billing = unique('e2e-billing');
  const audit = unique('e2e-audit');
  await declare.exchange('/', x, 'topic');
  await declare.queue('/', billing);
  await declare.queue('/', audit);
  await declare.bind('/', x, billing, 'order.#');
  await declare.bind('/', x, audit, '#');
  const { conn, ch } = await connect();
  try {
    await addLocalRabbit(page);
    await page.getByTestId(`resource-${billing}`).click();
    await page.getByRole('button', { name: 'Publish to this queue…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish a message' });
    await dialog.getByLabel('Exchange').fill(x);
    await dialog.getByLabel('Routing key').fill('order.created');
    await dialog.getByRole('textbox', { name: 'Payload' }).fill('{"order": 1}');
    await dialog.getByRole('button', { name: 'Publish' }).click();
    const answer = dialog.getByTestId('publish-broker-answer');
    await expect(answer).toHaveText('Confirmed: the broker routed it to at least one queue and returned none.');
    // The broker's answer names no queue; the prediction does, and says it is one.
    await expect(answer).not.toContainText(billing);
    await expect(dialog.getByTestId('publish-predicted')).toContainText('Predicted from bindings');
    await expect(dialog.getByTestId('publish-predicted')).toContainText(billing);
    await expect(dialog.getByTestId('publish-predicted')).toContainText(audit);
    await app.screenshot('publish-confirmed');
    await expectNoSeriousA11yViolations(page, 'publish outcome', { include: '[role="dialog"]' });
    const { restore } = await useTheme(page, 'dark');
    await expectNoSeriousA11yViolations(page, 'publish outcome, dark', { include: '[role="dialog"]' });
    await app.screenshot('publish-confirmed-dark');
    await restore();
    await waitForDepth(ch, billing, 1);
    await waitForDepth(ch, audit, 1);
  } finally {
    for (const q of [billing, audit]) await management('DELETE', `/queues/%2F/${encodeURIComponent(q)}`);
    await management('DELETE', `/exchanges/%2F/${encodeURIComponent(x)}`);
    await conn.close();
  }
});

test('Stop on a publish of 10,000 copies stops it; the outcome and the queue agree on how many went out', async ({ app }) => {
  const { page } = app;
  const q = unique('e2e-pubstop');
  await declare.queue('/', q);
  const { conn, ch } = await connect();
  try {
    await addLocalRabbit(page);
    await page.getByTestId(`resource-${q}`).click();
    await page.getByRole('button', { name: 'Publish to this queue…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish a message' });
    // The default exchange routes by queue name.
    await dialog.getByLabel('Routing key').fill(q);
    await dialog.getByRole('textbox', { name: 'Payload' }).fill(JSON.stringify({ pad: 'p'.repeat(16_000) }));
    await dialog.getByLabel('Copies').fill('10000');
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await expect(dialog.getByTestId('publish-progress')).toContainText(/Sending: [\d,]+ of 10,000 confirmed/);
    await dialog.getByRole('button', { name: 'Stop' }).click();
    const outcome = dialog.getByTestId('publish-outcome');
    await expect(outcome).toContainText(/Stopped after [\d,]+ of 10,000: the broker confirmed [\d,]+; the other [\d,]+ were not sent\./);
    const sent = Number(/Stopped after ([\d,]+)/.exec((await outcome.textContent()) ?? '')![1]!.replace(/,/g, ''));
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(10_000);
    await app.screenshot('publish-stopped');
    await useTheme(page, 'dark');
    await expectNoSeriousA11yViolations(page, 'stopped publish, dark', { include: '[role="dialog"]' });
    await app.screenshot('publish-stopped-dark');
    // The broker holds what the outcome says.
    await waitForDepth(ch, q, sent);
  } finally {
    await management('DELETE', `/queues/%2F/${encodeURIComponent(q)}`);
    await conn.close();
  }
});
