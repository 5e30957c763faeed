import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { KAFKA_PORT } from './brokers';

/** The release the test broker runs, as the script that fetched its jars pins it. */
const pinned = /^KAFKA_VERSION=(\d+)\.(\d+)\.\d+/m.exec(readFileSync(join(__dirname, '..', '..', 'scripts', 'kafka.sh'), 'utf8'));
const RELEASE = `${pinned![1]}.${pinned![2]}`;

test("Test connection on Kafka names the broker's version and how it was read", async ({ app }) => {
  const { page } = app;
  for (const theme of ['light', 'dark'] as const) {
    // The theme switch sits outside the (modal) dialog: switch first, then open it.
    if (theme === 'dark') await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.getByRole('button', { name: '+ Add connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add connection' });
    await dialog.getByRole('button', { name: 'Kafka' }).click();
    await dialog.getByLabel('Name', { exact: true }).fill('Local Kafka');
    await dialog.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(KAFKA_PORT));
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const status = dialog.getByRole('status');
    await expect(status).toContainText(`Connected · Apache Kafka ${RELEASE}, 1 broker`);
    await expect(status).toContainText(`Kafka ${RELEASE} (supports metadata.version up to ${RELEASE}-IV0; the cluster runs at ${RELEASE}-IV0)`);
    await app.screenshot(`kafka-test-connection-version${theme === 'dark' ? '-dark' : ''}`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
  }
});
