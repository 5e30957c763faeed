import { Redis } from 'ioredis';
import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addConnection, addLocalRedis } from './steps';
import { expectNoSeriousA11yViolations, useTheme } from './axe';
import { openQueue, REDIS_PORT } from '../tools/bull-workers';

/** axe over what is on screen, light then dark; `shot` keeps a dark screenshot to look at. */
async function checkBothThemes(app: { page: import('@playwright/test').Page; screenshot(name: string): Promise<void> }, label: string, shot: string, include?: string) {
  for (const theme of ['light', 'dark'] as const) {
    const { restore } = await useTheme(app.page, theme);
    await expectNoSeriousA11yViolations(app.page, label, include ? { include } : {});
    if (theme === 'dark') await app.screenshot(`${shot}-dark`);
    await restore();
  }
}

/**
 * Product journey 12: connect to Redis, open a BullMQ queue and a stream, see the failed jobs
 * grouped by error in the Dead letters view, retry one group and watch the failed count fall.
 * The jobs are failed by a real BullMQ worker.
 */
test('Redis: a BullMQ queue, a stream, and failed jobs retried by error group', async ({ app }) => {
  const { page } = app;
  const name = unique('e2e-payments');
  const stream = unique('e2e-events');
  const queue = openQueue('bullmq', name, 'bull');
  const redis = new Redis(REDIS_PORT, '127.0.0.1');
  try {
    await queue.addBulk(Array.from({ length: 24 }, (_, i) => ({ name: 'charge', data: { order: i, amount: 10 * i } })));
    await queue.work(
      (job) => {
        const n = Number(job.data['order']);
        if (n % 3 === 0) throw new Error(`card 4000${n} declined`);
        if (n % 3 === 1) throw new Error(`gateway timeout after ${1000 + n} ms`);
        return Promise.resolve('ok');
      },
      (c) => c['failed'] === 16 && c['completed'] === 8,
    );
    for (let i = 0; i < 5; i++) await redis.xadd(stream, '*', 'type', 'PaymentCaptured', 'correlationId', `order-${i}`, 'data', JSON.stringify({ payment: i }));

    await addConnection(
      page,
      async (d) => {
        await d.getByRole('button', { name: 'Redis' }).click();
        await d.getByLabel('Name', { exact: true }).fill('Local Redis');
        await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
        await d.getByLabel('Port', { exact: true }).fill(String(REDIS_PORT));
        await expect(d.getByLabel('Queue key prefix')).toHaveValue('bull');
        await app.screenshot('redis-connection');
      },
      /Connected · Redis 7/,
    );

    // The queue's failed jobs in the records table, each saying why it failed.
    const tree = page.getByRole('tree', { name: 'Connections and resources' });
    await page.getByPlaceholder('Filter topics, queues, streams…').fill(name);
    await expect(tree.getByText(new RegExp(`^${name} \\(BullMQ 6\\.`))).toBeVisible();
    await page.getByTestId(`resource-${name} · failed`).click();
    const grid = page.getByRole('grid').first();
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(16);
    await grid.getByRole('rowgroup').getByRole('row').first().click();
    await expect(page.getByTestId('detail-title')).toContainText('charge');
    await expect(page.getByText(/^(card 4000\d+ declined|gateway timeout after \d+ ms)$/).first()).toBeVisible();
    await app.screenshot('redis-failed-jobs');

    // Searching the jobs, which BullMQ cannot do: a JSON condition on the data, across two states.
    await page.getByRole('button', { name: 'Search jobs…' }).click();
    const searchForm = page.getByRole('form', { name: 'Search jobs' });
    await searchForm.getByLabel('Data matches').fill('$.amount >= 200');
    await searchForm.getByLabel('completed').check();
    await searchForm.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByTestId('search-summary')).toHaveText(/^4 found in 24 jobs/);
    const found = page.getByRole('grid', { name: `Jobs of ${name} found` });
    await expect(found.getByRole('rowgroup').getByRole('row')).toHaveCount(4);
    await app.screenshot('redis-job-search');
    await checkBothThemes(app, 'the job search', 'redis-job-search');
    await page.getByRole('button', { name: '← Jobs' }).click();

    // The stream: its entries as events.
    await page.getByPlaceholder('Filter topics, queues, streams…').fill(stream);
    await page.getByTestId(`resource-${stream}`).click();
    const entries = page.getByRole('grid').first();
    await expect(entries.getByRole('rowgroup').getByRole('row')).toHaveCount(5);
    await expect(entries.getByRole('rowgroup').getByRole('row').first()).toContainText('PaymentCaptured');
    await app.screenshot('redis-stream');

    // Dead letters: grouped by error, one group retried.
    await page.getByRole('button', { name: 'Dead letters' }).click();
    const sources = page.getByRole('navigation', { name: 'Dead-letter sources' });
    const failed = sources.getByRole('button', { name: new RegExp(`${name} · failed`) });
    await expect(failed.locator('.badge.dead')).toHaveText('16');
    await failed.click();
    const dead = page.getByRole('grid', { name: `${name} · failed dead letters` });
    await expect(dead.getByRole('rowgroup').getByRole('row')).toHaveCount(16);
    // Failed jobs come grouped by their reason, numbers and ids masked.
    await expect(page.getByLabel('Group by')).toHaveValue('reason');
    const timeouts = page.getByRole('button', { name: /^gateway timeout after \S+ ms · 8$/ });
    await expect(timeouts).toBeVisible();
    await expect(page.getByRole('button', { name: /^card \S+ declined · 8$/ })).toBeVisible();
    await app.screenshot('redis-dead-letters-grouped');
    await timeouts.click();
    await expect(dead.getByRole('rowgroup').getByRole('row')).toHaveCount(8);
    await dead.getByRole('checkbox', { name: /all/i }).first().check();
    await page.getByRole('button', { name: 'Redrive 8 picked…' }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`Redrive 8 picked from ${name}`) });
    await expect(dialog).toContainText('a failed job to waiting in its queue (retried by its own library)');
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await expect(dialog.getByRole('table', { name: 'Redrive plan per target' })).toContainText(`waiting in ${name}`);
    await dialog.getByRole('button', { name: 'Redrive 8' }).click();
    await expect(dialog).toContainText(`Complete: Moved all 8 messages you confirmed from ${name} · failed.`);
    await app.screenshot('redis-retried');
    expect(await queue.counts()).toMatchObject({ failed: 8, waiting: 8 });
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect(failed.locator('.badge.dead')).toHaveText('8');
  } finally {
    await queue.close();
    redis.disconnect();
  }
});

test("Redis: a stream's poison entries moved to its DLQ and redriven back", async ({ app }) => {
  const { page } = app;
  const stream = unique('e2e-shipments');
  const redis = new Redis(REDIS_PORT, '127.0.0.1');
  try {
    for (let i = 0; i < 40; i++) await redis.xadd(stream, '*', 'type', 'ShipmentBooked', 'data', JSON.stringify({ shipment: i }));
    await redis.xgroup('CREATE', stream, 'dispatch', '0');
    // The app's consumer acknowledges all but two, which it is delivered four times.
    const got = (await redis.xreadgroup('GROUP', 'dispatch', 'worker-a', 'COUNT', 100, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    const entries = got[0]![1];
    const poison = [entries[5]![0], entries[30]![0]];
    await redis.xack(stream, 'dispatch', ...entries.map(([id]) => id).filter((id) => !poison.includes(id)));
    for (let i = 0; i < 3; i++) await redis.xreadgroup('GROUP', 'dispatch', 'worker-a', 'COUNT', 100, 'STREAMS', stream, '0');

    await addLocalRedis(page, REDIS_PORT);
    await page.getByPlaceholder('Filter topics, queues, streams…').fill(stream);
    await page.getByTestId(`resource-${stream}`).click();
    await expect(page.getByRole('grid').first().getByRole('rowgroup').getByRole('row')).toHaveCount(40);
    // Tail: new entries join the table; paused, what arrives waits in the stream and comes on resume.
    await page.getByRole('button', { name: 'Tail' }).click();
    await expect(page.getByTestId('stream-tail')).toContainText('Following · 0 new');
    for (let i = 0; i < 3; i++) await redis.xadd(stream, '*', 'type', 'ShipmentLate', 'data', JSON.stringify({ late: i }));
    await expect(page.getByTestId('stream-tail')).toContainText('Following · 3 new · via XREAD');
    await page.getByRole('button', { name: 'Pause' }).click();
    await redis.xadd(stream, '*', 'type', 'ShipmentLate', 'data', JSON.stringify({ late: 3 }));
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByTestId('stream-tail')).toContainText('Following · 4 new');
    await expect(page.getByRole('grid').first().getByRole('rowgroup').getByRole('row')).toHaveCount(44);
    await app.screenshot('redis-stream-tail');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('button', { name: 'Consumer groups…' }).click();
    const dialog = page.getByRole('dialog', { name: `Consumer groups of ${stream}` });
    const groups = dialog.getByRole('grid', { name: 'Consumer groups' });
    await expect(groups.getByRole('rowgroup').getByRole('row').first()).toContainText('dispatch');
    await expect(groups.getByRole('rowgroup').getByRole('row').first()).toContainText('2');
    await dialog.getByLabel('Delivered at least (times)').fill('4');
    await dialog.getByRole('button', { name: 'Find pending entries' }).click();
    await expect(dialog.getByText('2 of 2 pending entries were delivered 4 or more times.')).toBeVisible();
    await expect(dialog.getByRole('grid', { name: 'Pending entries' }).getByRole('rowgroup').getByRole('row')).toHaveCount(2);
    await app.screenshot('redis-stream-groups');
    await checkBothThemes(app, "a stream's consumer groups", 'redis-stream-groups', '[role="dialog"]');
    // One by hand, then the rest.
    const pendingRows = dialog.getByRole('grid', { name: 'Pending entries' }).getByRole('rowgroup').getByRole('row');
    await pendingRows.first().click();
    await dialog.getByRole('button', { name: `Move ${poison[0]} only` }).click();
    await expect(dialog.getByText(`Moved 1 of 1 to ${stream}:dlq`)).toBeVisible();
    await dialog.getByRole('button', { name: 'Find pending entries' }).click();
    await expect(dialog.getByText('1 of 1 pending entries were delivered 4 or more times.')).toBeVisible();
    await dialog.getByRole('button', { name: `Move 1 to ${stream}:dlq` }).click();
    await expect(dialog.getByText(`Moved 1 of 1 to ${stream}:dlq`)).toBeVisible();
    expect(await redis.xlen(`${stream}:dlq`)).toBe(2);
    expect((await redis.xpending(stream, 'dispatch'))[0]).toBe(0);
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();

    await page.getByRole('button', { name: 'Dead letters' }).click();
    const sources = page.getByRole('navigation', { name: 'Dead-letter sources' });
    const dlq = sources.getByRole('button', { name: new RegExp(`${stream}:dlq`) });
    await expect(dlq.locator('.badge.dead')).toHaveText('2');
    await dlq.click();
    const dead = page.getByRole('grid', { name: `${stream}:dlq dead letters` });
    await expect(dead.getByRole('rowgroup').getByRole('row')).toHaveCount(2);
    await expect(dead.getByRole('rowgroup').getByRole('row').first()).toContainText('delivered 4 or more times without an acknowledgement');
    await page.getByRole('button', { name: /Redrive all/ }).click();
    const redrive = page.getByRole('dialog', { name: new RegExp(`Redrive all of ${stream}:dlq`) });
    await redrive.getByRole('button', { name: 'Dry run' }).click();
    await expect(redrive.getByRole('table', { name: 'Redrive plan per target' })).toContainText(`stream ${stream}`);
    await redrive.getByRole('button', { name: 'Redrive 2' }).click();
    await expect(redrive).toContainText('Complete: Moved all 2');
    await app.screenshot('redis-dlq-redriven');
    expect(await redis.xlen(`${stream}:dlq`)).toBe(0);
    expect(await redis.xlen(stream)).toBe(46);
  } finally {
    await redis.del(stream, `${stream}:dlq`);
    redis.disconnect();
  }
});

test("Redis: a queue's delayed jobs promoted, and a state cleaned only behind the queue's name", async ({ app }) => {
  const { page } = app;
  const name = unique('e2e-reminders');
  const queue = openQueue('bullmq', name, 'bull');
  try {
    for (let i = 0; i < 3; i++) await queue.add('remind', { user: i }, { delay: 3_600_000 });
    await addLocalRedis(page, REDIS_PORT);
    await page.getByPlaceholder('Filter topics, queues, streams…').fill(name);
    await page.getByTestId(`resource-${name} · delayed`).click();
    await expect(page.getByRole('grid').first().getByRole('rowgroup').getByRole('row')).toHaveCount(3);
    await page.getByRole('button', { name: 'Queue…' }).click();
    const dialog = page.getByRole('dialog', { name: `Queue ${name}` });
    await expect(dialog.getByTestId('queue-facts')).toContainText(/BullMQ 6\.\d+\.\d+/);
    await expect(dialog.getByTestId('queue-facts')).toContainText('delayed 3');
    await app.screenshot('redis-queue-dialog');
    await checkBothThemes(app, 'a queue', 'redis-queue-dialog', '[role="dialog"]');
    await dialog.getByRole('button', { name: 'Promote all 3' }).click();
    await expect(dialog.getByText('Promoted 3 delayed jobs to waiting.')).toBeVisible();
    expect(await queue.counts()).toMatchObject({ delayed: 0, waiting: 3 });
    // Cleaning asks for the queue's name: a wrong one leaves the button off.
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    await page.getByTestId(`resource-${name} · waiting`).click();
    await page.getByRole('button', { name: 'Queue…' }).click();
    await dialog.getByLabel(`Type ${name} to clean waiting`).fill('wrong');
    await expect(dialog.getByRole('button', { name: 'Clean waiting' })).toBeDisabled();
    await dialog.getByLabel(`Type ${name} to clean waiting`).fill(name);
    await dialog.getByRole('button', { name: 'Clean waiting' }).click();
    await expect(dialog.getByText(`Removed 3 waiting jobs from ${name}.`)).toBeVisible();
    expect(await queue.counts()).toMatchObject({ waiting: 0 });
  } finally {
    await queue.close();
  }
});
