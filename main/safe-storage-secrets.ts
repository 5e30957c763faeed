import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { safeStorage } from 'electron';
import { z } from 'zod';
import type { SecretStore } from '../src/services/secret-store';

const Encrypted = z.record(z.string(), z.string());

/**
 * Passwords encrypted by the OS keychain (Keychain, DPAPI, libsecret/kwallet) through Electron's
 * safeStorage; the file holds only ciphertext.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'os' as const;
  constructor(readonly location: string) {}

  async get(id: string) {
    const value = this.read()[id];
    return value === undefined ? null : safeStorage.decryptString(Buffer.from(value, 'base64'));
  }

  async set(id: string, secret: string) {
    const all = this.read();
    all[id] = safeStorage.encryptString(secret).toString('base64');
    this.write(all);
  }

  async delete(id: string) {
    const all = this.read();
    delete all[id];
    this.write(all);
  }

  private read(): Record<string, string> {
    if (!existsSync(this.location)) return {};
    const parsed = Encrypted.safeParse(JSON.parse(readFileSync(this.location, 'utf8')));
    return parsed.success ? parsed.data : {};
  }

  private write(all: Record<string, string>) {
    writeFileSync(`${this.location}.tmp`, JSON.stringify(all, null, 2), { mode: 0o600 });
    renameSync(`${this.location}.tmp`, this.location);
  }
}

/**
 * True when safeStorage is backed by a real keychain. On Linux without one Electron falls back
 * to a fixed key ("basic_text"), which protects nothing, so Rewind uses its plain 0600 file
 * instead and says so.
 */
export function osKeychainAvailable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return false;
  return true;
}
