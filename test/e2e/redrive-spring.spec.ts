import { expect, test } from './fixtures';
import { useTheme } from './axe';
import { unique } from './brokers';
import { addLocalKafka } from './steps';
import { connectDeadLetters, springDeadLetters } from '../tools/frameworks';
import { createTopic, deleteTopics, javaProduce, kcatConsume, KEEP_HISTORY, type OracleRecord } from '../tools/kafka-tools';

/**
 * Dead letters a real Spring Kafka 4.1.2 DeadLetterPublishingRecoverer and a real Kafka Connect
 * 3.9.1 worker wrote (from originals Kafka's Java producer wrote): read why each died, group them,
 * redrive the Spring DLT from the Dead letters view, and find each record back in its topic equal to
 * its original, as kcat reads it.
 */
const T0 = 1_700_000_000_000;
const h = (name: string, value: string | null): [string, Buffer | null] => [name, value === null ? null : Buffer.from(value)];
const text = (headers: [string, Buffer | null][]) => headers.map(([k, v]) => [k, v === null ? null : v.toString('latin1')]);

test('redrive a Spring Kafka dead-letter topic and find each record equal to its original', async ({ app }) => {
  test.setTimeout(300_000);
  const { page } = app;
  const orders = unique('e2e-orders');
  const dlt = `${orders}-dlt`;
  const ingest = unique('e2e-ingest');
  const dlq = `${ingest}-dlq`;
  await createTopic(orders, KEEP_HISTORY, 2);
  await createTopic(dlt, KEEP_HISTORY, 2);
  await createTopic(ingest, KEEP_HISTORY);
  try {
    javaProduce(orders, [
      {
        records: [
          { partition: 0, timestamp: T0, key: Buffer.from('acc-1'), value: Buffer.from('{"account": "A-4711", "amount": 12.50}'), headers: [h('tenant', 'acme'), h('trace', null)] },
          { partition: 1, timestamp: T0 + 1000, key: Buffer.from('acc-2'), value: Buffer.from('{"account": "A-815", "amount": 3.00}'), headers: [h('tenant', 'globex')] },
          { partition: 1, timestamp: T0 + 2000, key: Buffer.from('bad-1'), value: Buffer.from('not json'), headers: [h('source', 'legacy')] },
          { partition: 0, timestamp: T0 + 3000, key: Buffer.from('ok-1'), value: Buffer.from('{"ok": true}'), headers: [] },
        ],
      },
    ]);
    javaProduce(ingest, [{ records: [{ timestamp: T0, key: Buffer.from('row-1'), value: Buffer.from('<row id="1"/>'), headers: [h('source', 'xml-export')] }] }]);
    await springDeadLetters({
      topic: orders,
      group: unique('payments-service'),
      failures: {
        'acc-1': { exception: 'IllegalStateException', message: 'Payment declined for account 4711 (order 5f0c6a1e-8a51-4d3c-9d7e-0b7f6f2f1a11)' },
        'acc-2': { exception: 'IllegalStateException', message: 'Payment declined for account 815 (order 9b2d1c44-6e0f-4c55-8f0e-3a9b1c2d4e5f)' },
      },
    });
    await connectDeadLetters({ topic: ingest, dlq, connector: unique('file-sink'), expected: 1 });
    const originals = new Map<string, OracleRecord & { partition: number }>();
    for (const partition of [0, 1]) for (const r of kcatConsume(orders, { partition })) originals.set(r.key!.toString(), { ...r, partition });

    await addLocalKafka(page);
    await page.getByRole('button', { name: 'Dead letters' }).click();
    const sources = page.getByRole('navigation', { name: 'Dead-letter sources' });
    await sources.getByRole('button', { name: new RegExp(dlt) }).click();
    const grid = page.getByRole('grid', { name: `${dlt} dead letters` });
    const rows = grid.getByRole('rowgroup').getByRole('row');
    await expect(rows).toHaveCount(3);

    // Why each died: the root cause under Spring's wrapper; grouped so that two accounts are one failure.
    await rows.filter({ hasText: 'account 4711' }).click();
    const death = page.getByTestId('death');
    await expect(death).toContainText('IllegalStateException: Payment declined for account 4711');
    await expect(death).toContainText('ListenerExecutionFailedException');
    // Spring's __TypeId__ names the payload's Java class, and the detail says that is where the type came from.
    await expect(page.getByText("· from header __TypeId__ (Spring: the payload's Java class)")).toBeVisible();
    await page.getByLabel('Group by').selectOption('reason');
    const groups = page.locator('.dl-groups');
    await expect(groups.getByRole('button', { name: 'IllegalStateException: Payment declined for account <n> (order <id>) · 2' })).toBeVisible();
    await page.getByLabel('Group by').selectOption('exception');
    await expect(groups.getByRole('button', { name: 'tools.jackson.core.exc.StreamReadException · 1' })).toBeVisible();
    for (const theme of ['light', 'dark'] as const) {
      const { restore } = await useTheme(page, theme);
      await app.screenshot(`dead-letters-spring-${theme}`);
      await restore();
    }

    // Redrive them all, each to the partition it came from, keeping its time.
    await page.getByRole('button', { name: 'Redrive all…' }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`Redrive all of ${dlt}`) });
    await dialog.getByLabel('Partitioning').selectOption('original');
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await expect(dialog.getByTestId('plan-note')).toContainText('3 go back as their originals');
    const planRows = dialog
      .getByRole('grid', { name: /Dry run/ })
      .getByRole('rowgroup')
      .getByRole('row');
    await planRows.filter({ hasText: '0/0' }).click();
    await expect(dialog.getByTestId('plan-row-note')).toHaveText(`0/0: as the original at ${orders}/0/0`);
    await app.screenshot('redrive-spring-dry-run');
    await dialog.getByRole('button', { name: 'Redrive 3' }).click();
    await expect(dialog.getByTestId('redrive-outcome')).toContainText(/3 moved|all 3 messages/);
    await dialog.getByRole('button', { name: /^(Done|Close)$/ }).click();

    // Kafka's own consumer finds each one back, equal to its original, plus where it came from.
    const dead = [0, 1].flatMap((partition) => kcatConsume(dlt, { partition }).map((r) => ({ ...r, partition })));
    for (const d of dead) {
      const key = d.key!.toString();
      const original = originals.get(key)!;
      const back = kcatConsume(orders, { partition: original.partition }).filter((r) => r.key!.toString() === key && r.offset > original.offset);
      expect(back, key).toHaveLength(1);
      expect({ key: back[0]!.key, payload: back[0]!.payload, ts: back[0]!.ts, headers: text(back[0]!.headers) }, key).toEqual({
        key: original.key,
        payload: original.payload,
        ts: original.ts,
        headers: [...text(original.headers), ['rewind-redriven-from', `${dlt}/${d.partition}/${d.offset}`]],
      });
    }

    // And what Kafka Connect wrote: the stage, the connector and the failing class, not raw headers.
    await sources.getByRole('button', { name: new RegExp(dlq) }).click();
    const connectRows = page
      .getByRole('grid', { name: `${dlq} dead letters` })
      .getByRole('rowgroup')
      .getByRole('row');
    await expect(connectRows).toHaveCount(1);
    await connectRows.first().click();
    await expect(death).toContainText('VALUE_CONVERTER in JsonConverter: JsonParseException');
    await expect(page.getByTestId('kafka-origin')).toContainText('org.apache.kafka.connect.json.JsonConverter');
    for (const theme of ['light', 'dark'] as const) {
      const { restore } = await useTheme(page, theme);
      await app.screenshot(`dead-letters-connect-${theme}`);
      await restore();
    }
  } finally {
    await deleteTopics([orders, dlt, ingest, dlq]);
  }
});
