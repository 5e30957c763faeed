import { expect, test } from './fixtures';
import { KAFKA_PORT, unique } from './brokers';
import { addConnection } from './steps';
import { createTopic, deleteTopics } from '../tools/kafka-tools';
import { REGISTRY_URL, registryRecords } from '../tools/registry-inputs';

/**
 * A topic of Avro records written by Apicurio's serializer (Confluent wire format) against the real
 * registry: the user gives the Kafka connection its registry URL, opens a record and reads its fields
 * and schema id, looks at the bytes, and searches the topic by `$.amount > 990`.
 */
const PAYMENT = JSON.stringify({
  type: 'record',
  name: 'Payment',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});

test('an Avro topic read through the schema registry: fields and schema id shown, bytes a click away, searched by $.amount > 990', async ({ app }) => {
  test.setTimeout(240_000);
  const { page } = app;
  const topic = unique('e2e-avro');
  await createTopic(topic);
  // 41 payments, amount = 26 × n: only n = 39 (1014) and n = 40 (1040) are over 990.
  const records = Array.from({ length: 41 }, (_, n) => ({ key: `pay-${n}`, value: { id: `p-${n}`, amount: n * 26, note: n % 2 ? { string: `note ${n}` } : null } }));
  const [first] = await registryRecords({ topic, format: 'avro', mode: 'confluent', value: { schema: PAYMENT }, records });
  const schemaId = first!.value!.contentId;
  try {
    await addConnection(
      page,
      async (d) => {
        await d.getByRole('button', { name: 'Kafka' }).click();
        await d.getByLabel('Name', { exact: true }).fill('Kafka with registry');
        await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
        await d.getByLabel('Port', { exact: true }).fill(String(KAFKA_PORT));
        await d.getByText('Schema registry (Avro, Protobuf, JSON Schema)').click();
        await d.getByLabel('Registry URL').fill(REGISTRY_URL);
        await expect(d.getByLabel('Registry URL')).toHaveValue(REGISTRY_URL);
      },
      /Connected · Apache Kafka[\s\S]*schema registry at http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7/,
    );
    await page.getByTestId(`resource-${topic}`).click();
    const grid = page.getByRole('grid', { name: `${topic} records` });
    const firstRow = grid.getByRole('rowgroup').getByRole('row').first();
    // The table shows what the value means, not "binary · 20 bytes".
    await expect(firstRow).toContainText('"id":"p-0"');
    await grid.getByRole('rowgroup').getByRole('row').nth(3).click();
    const detail = page.getByLabel('record detail');
    await expect(detail.getByLabel('Envelope')).toContainText(`Avro · schema id ${schemaId} · ${topic}-value v1`);
    await expect(detail.getByTestId('value-decoded-by')).toContainText('Read as Avro');
    await expect(detail.getByTestId('value-decoded-by')).toContainText(`Confluent wire format: magic byte 0, schema id ${schemaId}`);
    await expect(detail).toContainText('"note 3"');
    await expect(detail).toContainText('78');
    await app.screenshot('avro-record');
    // The bytes as they are: magic byte 0 and the id first.
    await detail.getByRole('button', { name: 'Bytes' }).click();
    await expect(detail).toContainText(`00 00 00 00 ${schemaId.toString(16).padStart(2, '0')}`);
    await detail.getByRole('button', { name: 'Decoded' }).click();

    await page.getByRole('button', { name: 'Search…' }).click();
    await page.getByLabel('JSON path condition').fill('$.amount > 990');
    await page.getByLabel('JSON path condition').press('Enter');
    await expect(page.getByTestId('search-status')).toContainText('Searched to the end.');
    const hits = page
      .getByRole('grid', { name: `${topic} search hits` })
      .getByRole('rowgroup')
      .getByRole('row');
    await expect(hits).toHaveCount(2);
    await expect(hits.nth(0)).toContainText('"id":"p-39","amount":1014');
    await expect(hits.nth(1)).toContainText('"id":"p-40","amount":1040');
    await app.screenshot('avro-search');

    // The composer writes through the registry: JSON in, Avro out, and says so before it sends.
    await page.getByRole('button', { name: 'Produce…' }).click();
    const produce = page.getByRole('dialog', { name: `Produce to ${topic}` });
    // The topic's value subject is in the registry: writing through it is the default, once the subjects are in.
    await expect(produce.getByLabel('Write through the schema registry')).toBeChecked();
    await expect(produce.getByLabel('Subject', { exact: true })).toHaveValue(`${topic}-value`);
    await produce.getByRole('textbox', { name: 'Payload', exact: true }).fill('{"id":"p-99","amount":999.5,"note":null}');
    // As a CloudEvent in binary mode: the headers it will send are shown before it goes.
    await produce.getByText('As a CloudEvent').click();
    await produce.getByLabel('Event type').fill('com.acme.payment.made');
    await produce.getByLabel('Event source').fill('/payments');
    await produce.getByRole('button', { name: 'Make it a CloudEvent' }).click();
    await expect(produce.getByLabel('Header 1 name')).toHaveValue('ce_specversion');
    await expect(produce.getByLabel('Header 3 value')).toHaveValue('com.acme.payment.made');
    await produce.getByRole('button', { name: 'Where does this go?' }).click();
    await expect(produce.getByTestId('publish-encoding')).toContainText(`Encoded as Avro · schema id ${schemaId} · ${topic}-value v1`);
    await app.screenshot('avro-compose');
    await produce.getByRole('button', { name: 'Produce', exact: true }).click();
    await expect(produce.getByText(/Produced 1 record, acknowledged by all in-sync replicas/)).toBeVisible();
    await produce.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    const produced = page
      .getByRole('grid', { name: `${topic} records` })
      .getByRole('rowgroup')
      .getByRole('row')
      .filter({ hasText: '"id":"p-99"' });
    await expect(produced).toContainText('com.acme.payment.made');
  } finally {
    await deleteTopics([topic]);
  }
});
