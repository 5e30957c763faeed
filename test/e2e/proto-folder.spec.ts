import { expect, test } from './fixtures';
import { unique } from './brokers';
import { addLocalKafka } from './steps';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';
import { PROTO_BROKEN, PROTO_GOOD, protobufjsEncode } from '../tools/registry-inputs';

/**
 * A topic of bare Protobuf (protobufjs wrote it, no registry): the user sees field numbers, points the
 * topic at a folder of .proto files, is told which file and line of a broken folder does not parse,
 * picks the message type from the good one, and reads the record with its names.
 */
test('a topic pointed at a folder of .proto files reads its Protobuf records by name; a broken folder names its file and line', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  const topic = unique('e2e-proto');
  await createTopic(topic);
  const [value] = protobufjsEncode(PROTO_GOOD, 'shop/orders.proto', 'shop.OrderPlaced', [
    { order_id: 'o-77', total: { currency: 'EUR', units: 991, nanos: 0 }, lines: [{ sku: 'A-1', quantity: 2 }], channel: 1, labels: { vip: 'yes' } },
  ]);
  kcatProduce(topic, [{ key: 'o-77', value: value! }]);
  try {
    await addLocalKafka(page);
    await page.getByTestId(`resource-${topic}`).click();
    const row = page
      .getByRole('grid', { name: `${topic} records` })
      .getByRole('rowgroup')
      .getByRole('row')
      .first();
    // Without a schema: field numbers and wire types.
    await expect(row).toContainText('"1:len":"o-77"');
    await row.click();
    const detail = page.getByLabel('record detail');
    await expect(detail.getByTestId('value-decoded-by')).toContainText('Read as Protobuf (no schema)');

    await page.getByRole('button', { name: 'Decode as…' }).click();
    const dialog = page.getByRole('dialog', { name: `Decode ${topic}` });
    await dialog.getByLabel('Decode values as').selectOption('proto-files');
    await dialog.getByLabel('Folder of .proto files', { exact: true }).fill(PROTO_BROKEN);
    await dialog.getByRole('button', { name: 'Load types' }).click();
    await expect(dialog.getByRole('alert')).toContainText('shop/orders.proto, line 9');
    await app.screenshot('proto-folder-broken');
    await dialog.getByLabel('Folder of .proto files', { exact: true }).fill(PROTO_GOOD);
    await dialog.getByRole('button', { name: 'Load types' }).click();
    await dialog.getByLabel('Message type').selectOption('shop.OrderPlaced');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();

    await expect(row).toContainText('"order_id":"o-77"');
    await row.click();
    await expect(detail.getByTestId('value-decoded-by')).toContainText('Read as Protobuf');
    await expect(detail.getByTestId('value-decoded-by')).toContainText('mapping: shop.OrderPlaced');
    await expect(detail).toContainText('"CHANNEL_WEB"');
    await expect(detail).toContainText('"A-1"');
    await app.screenshot('proto-folder-record');
  } finally {
    await deleteTopics([topic]);
  }
});
