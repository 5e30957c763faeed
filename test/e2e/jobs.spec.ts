import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka } from './steps';
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
    const hits = page.getByRole('grid', { name: `${topic} search hits` });
    await expect(hits.getByRole('row').filter({ hasText: '"n":' }).first()).toBeVisible();

    await job.getByRole('button', { name: `Dismiss Search ${topic}` }).click();
    await expect(job).toHaveCount(0);
  } finally {
    await deleteTopics([topic]);
  }
});
