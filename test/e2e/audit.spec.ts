import { execFileSync } from 'node:child_process';
import { test, expect } from './fixtures';
import { unique } from './brokers';
import { addLocalRabbit } from './steps';
import { expectNoSeriousA11yViolations } from './axe';
import { brokerRejects, connect, waitForDepth } from '../tools/rabbit-tools';

/**
 * The audit view reads like a record, not a dump: who (as the OS names the host and the user),
 * when to the second, what moved where as labelled fields, only the options that apply to the
 * source, and the raw JSON one click away.
 */
const host = execFileSync('hostname').toString().trim();
const user = execFileSync('id', ['-un']).toString().trim();

test('a RabbitMQ redrive in the audit view: readable fields, who and when to the second, no Kafka options, raw on request', async ({ app }) => {
  const { page } = app;
  const dlx = unique('e2e-audit-dlx');
  const orders = unique('e2e-audit-orders');
  const parking = unique('e2e-audit-parking');
  const { conn, ch } = await connect();
  await ch.assertExchange(dlx, 'fanout', { durable: false });
  await ch.assertQueue(parking, { durable: false });
  await ch.bindQueue(parking, dlx, '');
  await ch.assertQueue(orders, { durable: false, arguments: { 'x-dead-letter-exchange': dlx } });
  for (let i = 1; i <= 3; i++) ch.sendToQueue(orders, Buffer.from(JSON.stringify({ order: i })), { messageId: `order-${i}` });
  await waitForDepth(ch, orders, 3);
  await brokerRejects(orders, 3);
  await waitForDepth(ch, parking, 3);
  try {
    await addLocalRabbit(page);
    await page.getByRole('button', { name: 'Dead letters' }).click();
    await page
      .getByRole('navigation', { name: 'Dead-letter sources' })
      .getByRole('button', { name: new RegExp(parking) })
      .click();
    await page.getByRole('button', { name: 'Peek the first 200' }).click();
    const grid = page.getByRole('grid', { name: `${parking} dead letters` });
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(3);
    await grid.getByRole('rowgroup').getByRole('row').nth(0).getByRole('checkbox').click();
    await page.getByRole('button', { name: 'Redrive 1 picked…' }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`Redrive 1 picked from ${parking}`) });
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await dialog.getByRole('button', { name: 'Redrive 1' }).click();
    await dialog.getByRole('button', { name: 'Open the audit entry' }).click();

    const entry = page.getByRole('region', { name: 'Audit entry' });
    const field = (label: string) => entry.getByRole('definition').filter({ has: page.locator(`xpath=preceding-sibling::dt[1][normalize-space()="${label}"]`) });
    await expect(field('Who')).toHaveText(`${user} on ${host}`);
    await expect(field('When')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await expect(field('From')).toHaveText(`queue ${parking} (vhost /)`);
    await expect(field('Connection')).toHaveText('Local RabbitMQ');
    await expect(field('Moved')).toHaveText('1');
    // Options that apply to a RabbitMQ redrive only: nothing about Kafka partitions or timestamps.
    await expect(field('Options')).toBeVisible();
    await expect(field('Options')).not.toContainText(/partition|timestamp/i);
    await expect(entry).not.toContainText('keepTimestamp');
    // The raw record is one click away, and not shown before.
    await expect(entry.getByTestId('audit-raw')).toBeHidden();
    await entry.getByRole('button', { name: 'Raw JSON' }).click();
    await expect(entry.getByTestId('audit-raw')).toContainText('"movedIds"');

    // The list shows the time to the second, not cut.
    const when = page.getByRole('grid', { name: 'Audit entries' }).getByRole('rowgroup').getByRole('row').first().getByRole('gridcell').first();
    await expect(when).toHaveText(/\d\d:\d\d:\d\d$/);
    expect(await when.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await app.screenshot('audit-entry-light');
    await expectNoSeriousA11yViolations(page, 'audit entry');
    await page.getByRole('button', { name: /dark theme/i }).click();
    await expectNoSeriousA11yViolations(page, 'audit entry, dark');
    await app.screenshot('audit-entry-dark');
  } finally {
    for (const q of [orders, parking]) await ch.deleteQueue(q).catch(() => undefined);
    await ch.deleteExchange(dlx).catch(() => undefined);
    await conn.close();
  }
});
