import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { openSecrets, type SafeStorageLike } from '../../src/services/secret-store';
import { management } from '../tools/rabbit-tools';
import { unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * Saved passwords survive the OS keychain appearing and going away: the desktop app moves them
 * between the keychain-encrypted file and the plain 0600 file, says so in one line, and one data
 * folder never holds the same secret in both forms. A web shell on a folder whose passwords the
 * desktop app encrypted says why it cannot read them and writes no plaintext beside them.
 * Electron's safeStorage is replaced by an in-memory twin that encrypts for real (AES-GCM with a
 * key it keeps) and refuses, as Electron does, while no keychain is there. Each password is
 * checked against RabbitMQ, with users made for this test through its management API.
 */
class FakeSafeStorage implements SafeStorageLike {
  /** keychain: a real one; none: encryption unavailable (Electron refuses to encrypt or decrypt). */
  state: 'keychain' | 'none' = 'keychain';
  private readonly key = randomBytes(32);
  isEncryptionAvailable() {
    return this.state === 'keychain';
  }
  getSelectedStorageBackend() {
    return this.state === 'keychain' ? 'gnome_libsecret' : 'unknown';
  }
  encryptString(plain: string): Buffer {
    if (this.state !== 'keychain') throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([Buffer.from('v11'), iv, c.getAuthTag(), body]);
  }
  decryptString(cipher: Buffer): string {
    if (this.state !== 'keychain') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Encryption is not available.');
    const d = createDecipheriv('aes-256-gcm', this.key, cipher.subarray(3, 15));
    d.setAuthTag(cipher.subarray(15, 31));
    return Buffer.concat([d.update(cipher.subarray(31)), d.final()]).toString('utf8');
  }
}

const users = { a: unique('rewind-kc-a'), b: unique('rewind-kc-b') };
const passwords = { a: `pw-a-${unique('kc')}`, b: `pw-b-${unique('kc')}` };
let dir: string;
let context: AppContext | null = null;
let client: RewindClient;
const keychain = new FakeSafeStorage();

/** Starts the app on the folder as the desktop app (with safeStorage) or as the web shell (without). */
function start(shell: 'desktop' | 'web'): { notice: string | null } {
  const secrets = openSecrets({ dataDir: dir, safeStorage: shell === 'desktop' ? keychain : null, platform: 'linux', warn: () => undefined });
  context = createAppContext({ dataDir: dir, secrets, shell: shell === 'desktop' ? 'electron' : 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  return { notice: secrets.notice };
}
async function stop(): Promise<void> {
  await context?.close();
  context = null;
}

const save = (name: 'a' | 'b', extra: { id?: string; password?: string } = {}) =>
  client.call('connections/save', { kind: 'rabbitmq', name, host: '127.0.0.1', port: 5672, tls: false, username: users[name], vhost: '/', managementPort: 15672, ...extra });

/** Every file in the data folder, as bytes read as latin1: where a plaintext password would show. */
function everythingOnDisk(): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}
const plainFile = () => join(dir, 'secrets.json');
const encFile = () => join(dir, 'secrets.enc.json');
const keysOf = (file: string): string[] => (existsSync(file) ? Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object) : []);
/** No connection's secret is in both files. */
const neverBoth = () => expect(keysOf(plainFile()).filter((k) => keysOf(encFile()).includes(k))).toEqual([]);

async function works(id: string): Promise<void> {
  expect((await client.call('connections/test', { connectionId: id })).server).toMatch(/RabbitMQ/);
}

beforeAll(async () => {
  for (const k of ['a', 'b'] as const) {
    await management('PUT', `/users/${users[k]}`, { password: passwords[k], tags: 'management' });
    await management('PUT', `/permissions/%2F/${users[k]}`, { configure: '.*', write: '.*', read: '.*' });
  }
});
afterAll(async () => {
  await stop();
  for (const k of ['a', 'b'] as const) await management('DELETE', `/users/${users[k]}`);
});
beforeEach(async () => {
  await stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), 'rewind-keychain-'));
  keychain.state = 'keychain';
});

describe('saved passwords and the OS keychain', () => {
  it('keychain there, gone, back again: nothing is lost and each secret is in one form only', async () => {
    start('desktop');
    const a = await save('a', { password: passwords.a });
    await works(a.id);
    expect(keysOf(encFile())).toEqual([a.id]);
    expect(existsSync(plainFile())).toBe(false);
    expect(everythingOnDisk()).not.toContain(passwords.a);
    await stop();

    // The keychain is gone (a Linux session without its keyring): a is kept, not readable.
    keychain.state = 'none';
    const away = start('desktop');
    expect(away.notice).toMatch(/1 saved password .*encrypted with the OS keychain.*not available/i);
    expect((await client.call('app/info', {})).secretNotice).toBe(away.notice);
    const status = await client.call('connections/status', { connectionId: a.id });
    expect(status.reachable).toBe(false);
    expect(status.error).toMatch(/OS keychain.*not available/i);
    // A password saved meanwhile goes to the plain file, and works.
    const b = await save('b', { password: passwords.b });
    await works(b.id);
    expect(keysOf(plainFile())).toEqual([b.id]);
    expect(keysOf(encFile())).toEqual([a.id]);
    neverBoth();
    await stop();

    // The keychain is back: b moves into it, the plain file goes, both work.
    keychain.state = 'keychain';
    const back = start('desktop');
    expect(back.notice).toMatch(/^Moved 1 saved password from .*secrets\.json into the OS keychain\.$/);
    expect(existsSync(plainFile())).toBe(false);
    expect(keysOf(encFile()).sort()).toEqual([a.id, b.id].sort());
    await works(a.id);
    await works(b.id);
    expect(everythingOnDisk()).not.toContain(passwords.a);
    expect(everythingOnDisk()).not.toContain(passwords.b);
    await stop();

    // Nothing left to move: no notice the next time.
    expect(start('desktop').notice).toBeNull();
  });

  it('a password typed again while the keychain is away replaces the encrypted one (never both)', async () => {
    start('desktop');
    const a = await save('a', { password: passwords.a });
    await stop();
    keychain.state = 'none';
    start('desktop');
    await save('a', { id: a.id, password: passwords.a });
    await works(a.id);
    expect(keysOf(plainFile())).toEqual([a.id]);
    expect(keysOf(encFile())).toEqual([]);
    await stop();
    keychain.state = 'keychain';
    start('desktop');
    await works(a.id);
    expect(keysOf(encFile())).toEqual([a.id]);
    expect(everythingOnDisk()).not.toContain(passwords.a);
  });

  it('a web shell on a folder the desktop app encrypted says why it cannot read the password, and writes no plaintext', async () => {
    start('desktop');
    const a = await save('a', { password: passwords.a });
    await stop();

    const web = start('web');
    expect(web.notice).toMatch(/1 saved password .*encrypted with the OS keychain.*the web shell cannot read/i);
    const status = await client.call('connections/status', { connectionId: a.id });
    expect(status.reachable).toBe(false);
    expect(status.error).toMatch(/encrypted .*OS keychain.*web shell cannot read/i);
    // Renaming it (the password left alone) keeps the encrypted one, and writes no plain copy.
    await save('a', { id: a.id });
    expect((await client.call('connections/get', { connectionId: a.id })).hasPassword).toBe(true);
    expect(existsSync(plainFile())).toBe(false);
    expect(keysOf(encFile())).toEqual([a.id]);
    expect(everythingOnDisk()).not.toContain(passwords.a);
    await stop();

    // The desktop app still has it.
    start('desktop');
    await works(a.id);
  });
});
