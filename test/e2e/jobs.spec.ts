import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka, replaceCode } from './steps';
import { createTopic, deleteTopics, kcatProduceLines } from '../tools/kafka-tools';

/**
 * A search is a job: closing its tab does not stop it, the jobs panel shows it with its progress
 * and says when it ends, and Open brings its hits back. The predicate waits 1 ms per record so the
 * search is still running when the tab closes, however fast the machine (a JSON path search over
 * this topic can end before Playwright's next click on a quiet machine, and then no notice is due).
 */
const SLOW_PREDICATE = '(r) => { const t = Date.now(); while (Date.now() - t < 1); return r.value.n < 700 }';

test('a search goes on in the jobs panel when its tab is closed, and Open shows its hits', async ({ app }) => {
  const { page } = app;
  const topic = unique('e2e-jobs');
  const COUNT = 15_000;
  await createTopic(topic, {}, 3);
  kcatProduceLines(
    topic,
    Array.from({ length: COUNT }, (_, n) => JSON.stringify({ n, pad: 'z'.repeat(300) })),
  );
  try {
    await addLocalKafka(page);
    await page.getByTestId(`resource-${topic}`).click();
    await page.getByRole('button', { name: 'Search…' }).click();
    await page.getByLabel('Predicate').fill(SLOW_PREDICATE);
    await page.getByLabel('Predicate').press('Enter');
    const jobs = page.getByRole('region', { name: 'Jobs' });
    const job = jobs.getByRole('listitem', { name: `Search ${topic}` });
    await expect(job.getByRole('progressbar')).toBeVisible();

    // Close the tab mid-search: the job goes on, and the panel says so when it ends.
    await page.getByRole('tab', { name: new RegExp(topic) }).press('Delete');
    await expect(page.getByRole('tab', { name: new RegExp(topic) })).toHaveCount(0);
    const notice = jobs.getByRole('status').filter({ hasText: `Search ${topic}` });
    await expect(notice).toContainText('700 hits in 15,000 records', { timeout: 90_000 });
    await expect(job).toContainText('700 hits in 15,000 records');
    await app.screenshot('jobs-done');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await app.screenshot('jobs-done-dark');

    await job.getByRole('button', { name: 'Open' }).click();
    await expect(page.getByTestId('search-status')).toContainText('700 hits');
    // The reopened search says what it looked for.
    await expect(page.getByRole('textbox', { name: 'Predicate' })).toHaveValue(SLOW_PREDICATE);
    const hits = page.getByRole('grid', { name: `${topic} search hits` });
    await expect(hits.getByRole('row').filter({ hasText: '"n":' }).first()).toBeVisible();

    await job.getByRole('button', { name: `Dismiss Search ${topic}` }).click();
    await expect(job).toHaveCount(0);
  } finally {
    await deleteTopics([topic]);
  }
});

/**
 * An import is one job in the core and runs outside its tab: closing the tab leaves it running,
 * the panel says when it ends, and the reopened tab shows what came of it.
 */
test('an NDJSON import goes on when its tab is closed, and the reopened tab shows its outcome', async ({ app }) => {
  const { page } = app;
  const LINES = 100_000;
  const text = Array.from({ length: LINES }, (_, n) => JSON.stringify({ streamId: `bulk-${n % 100}`, type: 'Imported', data: { n } })).join('\n');
  await page.getByTestId('resource-$all').click();
  const before = Number((await page.getByTestId('resource-$all').locator('.badge').textContent())?.replace(/,/g, ''));
  await page.getByLabel('NDJSON file to import').setInputFiles({ name: 'bulk.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  const jobs = page.getByRole('region', { name: 'Jobs' });
  const job = jobs.getByRole('listitem', { name: 'Import bulk.ndjson into the store' });
  await expect(job.getByRole('progressbar')).toBeVisible();
  await app.screenshot('import-job-running');

  await page.getByRole('tab', { name: /\$all/ }).press('Delete');
  await expect(page.getByRole('tab', { name: /\$all/ })).toHaveCount(0);
  await expect(jobs.getByRole('status').filter({ hasText: 'Import of bulk.ndjson into the store' })).toContainText('100,000 events imported', { timeout: 90_000 });
  await expect(job).toContainText('100,000 events written from 100,000 lines');

  await page.getByTestId('resource-$all').click();
  await expect(page.getByTestId('transfer-outcome')).toContainText('Imported 100,000 events');
  await expect(page.getByTestId('resource-$all').locator('.badge')).toHaveText((before + LINES).toLocaleString('en-US'));
});

/**
 * A rebuild is a job that outlives its tab: closing the tab lets it go on, the panel says when it
 * ends, and Open brings back a tab with its code and its result (time travel works on it).
 */
test('a projection rebuild goes on when its tab is closed, and Open brings back its code and result', async ({ app }) => {
  const { page } = app;
  const total = Number(await page.getByTestId('resource-$all').locator('.badge').textContent());
  await page.getByRole('button', { name: 'New projection' }).first().click();
  await expect(page.getByRole('textbox', { name: 'Projection code' })).toContainText('export default');
  // 40 ms per event: the run lasts several seconds on any machine.
  const code = 'export default {\n  init: () => ({ n: 0 }),\n  $any: (s, e) => {\n    const t = Date.now();\n    while (Date.now() - t < 40);\n    return { n: s.n + 1 };\n  },\n};\n';
  await replaceCode(page, code);
  await page.getByRole('button', { name: 'Rebuild' }).click();
  const jobs = page.getByRole('region', { name: 'Jobs' });
  const job = jobs.getByRole('listitem', { name: 'Projection run over $all' });
  await expect(job.getByRole('progressbar')).toBeVisible();

  await page.getByRole('tab', { name: /Projection 1/ }).press('Delete');
  await page.getByRole('dialog', { name: 'Discard unsaved projection code?' }).getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByRole('tab', { name: /Projection 1/ })).toHaveCount(0);
  await expect(jobs.getByRole('status').filter({ hasText: 'Projection run over $all' })).toContainText(`${total} events`, { timeout: 90_000 });
  await app.screenshot('rebuild-job-done');

  await job.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('tab', { name: /Projection 1/ })).toHaveCount(1);
  await expect(page.getByRole('textbox', { name: 'Projection code' })).toContainText('while (Date.now() - t < 40)');
  await expect(page.getByTestId('run-summary')).toContainText(`${total} events · 1–${total}`);
  await expect(page.getByTestId('state-tree')).toContainText(String(total));
  await page.getByRole('tab', { name: 'Time travel' }).click();
  // Time travel replays the (slow) handler from the start: seconds, not milliseconds.
  await expect(page.getByText(`Event at ${total}`)).toBeVisible({ timeout: 30_000 });
  await page.getByLabel('Go to position').fill('10');
  await page.getByLabel('Go to position').press('Enter');
  await expect(page.getByText('Event at 10')).toBeVisible({ timeout: 30_000 });
  await app.screenshot('rebuild-job-reopened');
});

/** A read of more than a page is a job: its tab can close, and Open shows every record it read. */
test('a long read of the store is kept as a job, and Open shows all it read after its tab closed', async ({ app }) => {
  const { page } = app;
  const text = Array.from({ length: 30_000 }, (_, n) => JSON.stringify({ streamId: `many-${n % 50}`, type: 'Counted', data: { n } })).join('\n');
  await page.getByTestId('resource-$all').click();
  await page.getByLabel('NDJSON file to import').setInputFiles({ name: 'many.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  await expect(page.getByTestId('transfer-outcome')).toContainText('Imported 30,000 events', { timeout: 60_000 });

  await page.getByLabel('Limit').selectOption('20000');
  await page.getByRole('button', { name: 'Read', exact: true }).click();
  const jobs = page.getByRole('region', { name: 'Jobs' });
  await expect(jobs).toBeVisible();
  await page.getByRole('tab', { name: /\$all/ }).press('Delete');
  await expect(page.getByRole('tab', { name: /\$all/ })).toHaveCount(0);
  // Whether it ended before or after the tab closed, the panel keeps it (opened by hand once nothing runs).
  const toggle = jobs.getByRole('button', { name: /^Jobs none running/ });
  await expect(toggle).toBeVisible({ timeout: 60_000 });
  if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
  const job = jobs.getByRole('listitem', { name: 'Read $all' });
  await expect(job).toContainText('20,000 read');

  await job.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByText('20,000 events loaded')).toBeVisible();
  const grid = page.getByRole('grid').first();
  await expect(grid.getByRole('rowgroup').getByRole('row').first()).toContainText('1');
  await app.screenshot('read-job-reopened');
});
