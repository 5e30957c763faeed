import { expect, test } from './fixtures';

test.describe('bad connection input gets a clear message, not a crash', () => {
  test('malformed host and port are caught in the form', async ({ app }) => {
    const { page } = app;
    await page.getByRole('button', { name: '+ Add connection' }).click();
    const d = page.getByRole('dialog', { name: 'Add connection' });
    await d.getByLabel('Host', { exact: true }).fill('kafka://localhost:9092');
    await d.getByLabel('Port', { exact: true }).fill('90x');
    await d.getByRole('button', { name: 'Test connection' }).click();
    await expect(d.getByText('That looks like a URL. Enter a host name or IP address such as 127.0.0.1, without a scheme or port.')).toBeVisible();
    await expect(d.getByText('Port must be a number from 1 to 65535.')).toBeVisible();
    await app.screenshot('form-errors');
  });

  test('an unreachable port and a wrong password say what is wrong and what to check', async ({ app }) => {
    const { page } = app;
    await page.getByRole('button', { name: '+ Add connection' }).click();
    const d = page.getByRole('dialog', { name: 'Add connection' });
    await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await d.getByLabel('Port', { exact: true }).fill('1');
    await d.getByRole('button', { name: 'Test connection' }).click();
    await expect(d.getByRole('alert')).toContainText('Nothing is listening on 127.0.0.1:1 (connection refused)');
    await expect(d.getByRole('alert')).toContainText('Check that the broker is running and that the port is right.');

    await d.getByRole('button', { name: 'RabbitMQ' }).click();
    await d.getByLabel('Port', { exact: true }).fill('5672');
    await d.getByLabel('Password', { exact: true }).fill('definitely-wrong');
    await d.getByRole('button', { name: 'Test connection' }).click();
    await expect(d.getByRole('alert')).toContainText('RabbitMQ refused the user name or password (ACCESS_REFUSED)');
    await app.screenshot('wrong-password');

    await d.getByLabel('Password', { exact: true }).fill('guest');
    await d.getByLabel('Use TLS').check();
    // TLS moves the default port to RabbitMQ's TLS one; a user who keeps the plain listener's port hears it is not TLS.
    await expect(d.getByLabel('Port', { exact: true })).toHaveValue('5671');
    await d.getByLabel('Port', { exact: true }).fill('5672');
    await d.getByRole('button', { name: 'Test connection' }).click();
    await expect(d.getByRole('alert')).toContainText(/TLS/);
  });
});

test('an unreachable connection shows a red dot even when active, and credentials turned off are not kept', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: '+ Add connection' }).click();
  let d = page.getByRole('dialog', { name: 'Add connection' });
  await d.getByLabel('Name', { exact: true }).fill('Nowhere');
  await d.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await d.getByLabel('Port', { exact: true }).fill('1');
  // Typed, then turned off again: nothing of it may be saved.
  await d.getByLabel('SASL').selectOption('plain');
  await d.getByLabel('Username', { exact: true }).fill('someone');
  await d.getByLabel('Password', { exact: true }).fill('s3cret-typed');
  await d.getByLabel('SASL').selectOption('none');
  await d.getByRole('button', { name: 'Save' }).click();
  await expect(d).toBeHidden();

  const row = page.getByTestId('connection-Nowhere');
  await expect(row).toHaveAttribute('aria-current', 'true');
  await expect(page.getByText(/⚠/).first()).toBeVisible();
  await expect(row.getByTestId('reach')).toHaveAccessibleName('unreachable');
  await expect(row.locator('.dot.ok')).toHaveCount(0);
  await app.screenshot('unreachable-active');

  await row.getByRole('button', { name: 'Edit Nowhere' }).click();
  d = page.getByRole('dialog', { name: 'Edit Nowhere' });
  await d.getByLabel('SASL').selectOption('plain');
  await expect(d.getByLabel('Username', { exact: true })).toHaveValue('');
  await expect(d.getByLabel('Password', { exact: true })).not.toHaveAttribute('placeholder', /stored/);
});
