import { safeStorage } from 'electron';
import { PrivateJsonFile } from '../src/services/private-json-file';
import { SecretFile, type SecretStore } from '../src/services/secret-store';

/**
 * Passwords encrypted by the OS keychain (Keychain, DPAPI, libsecret/kwallet) through Electron's
 * safeStorage; the file holds only ciphertext.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'os' as const;
  /** Holds base64 ciphertext only. */
  private readonly file;

  constructor(readonly location: string) {
    this.file = new PrivateJsonFile(location, SecretFile, () => ({}));
  }

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
    return this.file.read();
  }

  private write(all: Record<string, string>) {
    this.file.write(all);
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
