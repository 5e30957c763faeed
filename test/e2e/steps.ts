import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { KAFKA_PORT } from './brokers';

type DialogLocator = ReturnType<Page['getByRole']>;

/** Adds a connection through the dialog, as a person does: fill, Test connection, Save. */
export async function addConnection(page: Page, fill: (dialog: DialogLocator) => Promise<void>, expectServer: RegExp) {
  await page.getByRole('button', { name: '+ Add connection' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add connection' });
  await fill(dialog);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.getByRole('status')).toContainText(expectServer);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
}

export const addLocalKafka = (page: Page, name = 'Local Kafka') =>
  addConnection(
    page,
    async (d) => {
      await d.getByRole('button', { name: 'Kafka' }).click();
      await d.getByLabel('Name', { exact: true }).fill(name);
      await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
      await d.getByLabel('Port', { exact: true }).fill(String(KAFKA_PORT));
    },
    /Connected · Apache Kafka/,
  );

export const addLocalRabbit = (page: Page, name = 'Local RabbitMQ') =>
  addConnection(
    page,
    async (d) => {
      await d.getByRole('button', { name: 'RabbitMQ' }).click();
      await d.getByLabel('Name', { exact: true }).fill(name);
      await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
      await d.getByLabel('Username').fill('guest');
      await d.getByLabel('Password', { exact: true }).fill('guest');
    },
    /Connected · RabbitMQ/,
  );

export const addLocalRedis = (page: Page, port: number, name = 'Local Redis') =>
  addConnection(
    page,
    async (d) => {
      await d.getByRole('button', { name: 'Redis' }).click();
      await d.getByLabel('Name', { exact: true }).fill(name);
      await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
      await d.getByLabel('Port', { exact: true }).fill(String(port));
    },
    /Connected · Redis 7/,
  );

/** Replaces the projection editor's text. */
export async function replaceCode(page: Page, code: string) {
  await page.getByRole('textbox', { name: 'Projection code' }).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(code);
}
