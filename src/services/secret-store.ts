import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RewindError } from '../model/errors';
import { PrivateJsonFile } from './private-json-file';

/** Where passwords live. Profiles never hold them; only the back end reads them, to connect. */
export interface SecretStore {
  readonly kind: 'os' | 'file' | 'memory';
  /** The file that holds them, when there is one. */
  readonly location: string | null;
  /** What the user should know about them at start (moved, or out of reach), in one line. */
  readonly notice?: string | null;
  get(id: string): Promise<string | null>;
  set(id: string, secret: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  readonly location = null;
  private readonly secrets = new Map<string, string>();
  async get(id: string) {
    return this.secrets.get(id) ?? null;
  }
  async set(id: string, secret: string) {
    this.secrets.set(id, secret);
  }
  async delete(id: string) {
    this.secrets.delete(id);
  }
}

export const SecretFile = z.record(z.string(), z.string());

/**
 * A JSON file only the user can read (0600). Not encrypted, because a key kept beside it would
 * protect nothing; where the OS keychain is there, DataFolderSecrets uses it instead.
 */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file' as const;
  private warned = false;
  private readonly file;

  constructor(
    readonly location: string,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {
    this.file = new PrivateJsonFile(location, SecretFile, () => ({}));
  }

  async get(id: string) {
    return this.read()[id] ?? null;
  }

  async set(id: string, secret: string) {
    const all = this.read();
    all[id] = secret;
    this.write(all);
    if (!this.warned) {
      this.warned = true;
      this.warn(`rewind: passwords are kept in ${this.location} (readable only by you, not encrypted). Where the OS keychain is available, the desktop app keeps them there.`);
    }
  }

  async delete(id: string) {
    const all = this.read();
    if (id in all) {
      delete all[id];
      this.write(all);
    }
  }

  /** Every id and secret in the file. */
  read(): Record<string, string> {
    return this.file.read();
  }

  write(all: Record<string, string>): void {
    if (Object.keys(all).length === 0 && existsSync(this.location)) unlinkSync(this.location);
    else if (Object.keys(all).length > 0) this.file.write(all);
  }
}

/** The part of Electron's safeStorage Rewind uses; an in-memory twin stands in for it in tests. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export const PLAIN_SECRETS_FILE = 'secrets.json';
export const ENCRYPTED_SECRETS_FILE = 'secrets.enc.json';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A data folder's passwords, in one of two forms: encrypted by the OS keychain (Electron's
 * safeStorage; the file holds only ciphertext) or in the plain 0600 file where there is no
 * keychain (the web shell, a Linux session without its keyring). The form follows what is there
 * at start: with a keychain, plain ones are moved into it; without, encrypted ones are kept
 * untouched for when it is back, and said to be out of reach. Saving or deleting a password
 * removes it from the other form, so a folder never holds one secret twice.
 */
export class DataFolderSecrets implements SecretStore {
  readonly kind: 'os' | 'file';
  readonly location: string;
  readonly notice: string | null;
  private readonly plain: FileSecretStore;
  private readonly encrypted: PrivateJsonFile<typeof SecretFile>;

  constructor(
    dataDir: string,
    /** null: no keychain to use (the web shell, or none available). */
    private readonly keychain: SafeStorageLike | null,
    /** Why there is no keychain, and what becomes of the encrypted passwords meanwhile. */
    private readonly absent: { why: string; meanwhile: string },
    warn: (message: string) => void,
  ) {
    this.plain = new FileSecretStore(join(dataDir, PLAIN_SECRETS_FILE), warn);
    this.encrypted = new PrivateJsonFile(join(dataDir, ENCRYPTED_SECRETS_FILE), SecretFile, () => ({}));
    this.kind = keychain ? 'os' : 'file';
    this.location = keychain ? this.encrypted.path : this.plain.location;
    this.notice = keychain ? this.moveIntoKeychain() : this.outOfReach();
  }

  async get(id: string): Promise<string | null> {
    const plain = this.plain.read()[id];
    if (this.keychain) {
      // Saved meanwhile by a web shell on the same folder: into the keychain with it (when it can).
      if (plain !== undefined) await this.set(id, plain).catch(() => undefined);
      if (plain !== undefined && this.encrypted.read()[id] === undefined) return plain;
      const cipher = this.encrypted.read()[id];
      if (cipher === undefined) return null;
      try {
        return this.keychain.decryptString(Buffer.from(cipher, 'base64'));
      } catch (e) {
        throw new RewindError(
          'auth',
          `The OS keychain could not decrypt this connection's saved password (${e instanceof Error ? e.message : String(e)}).`,
          "Type the password again in the connection's settings.",
        );
      }
    }
    if (plain !== undefined) return plain;
    if (this.encrypted.read()[id] !== undefined) {
      throw new RewindError(
        'auth',
        `This connection's password is encrypted with the OS keychain, which ${this.absent.why}; it is kept ${this.absent.meanwhile}.`,
        `Type the password again to use it here (it is then kept in ${this.plain.location}, readable only by you, not encrypted, instead).`,
      );
    }
    return null;
  }

  async set(id: string, secret: string): Promise<void> {
    if (this.keychain) {
      const all = this.encrypted.read();
      all[id] = this.keychain.encryptString(secret).toString('base64');
      this.encrypted.write(all);
      await this.plain.delete(id);
    } else {
      await this.plain.set(id, secret);
      this.dropEncrypted(id);
    }
  }

  async delete(id: string): Promise<void> {
    await this.plain.delete(id);
    this.dropEncrypted(id);
  }

  private dropEncrypted(id: string): void {
    const all = this.encrypted.read();
    if (!(id in all)) return;
    delete all[id];
    this.encrypted.write(all);
  }

  /** Plain passwords into the keychain: encrypted and written first, then the plain file goes. */
  private moveIntoKeychain(): string | null {
    const plain = this.plain.read();
    const ids = Object.keys(plain);
    if (ids.length === 0) return null;
    const all = this.encrypted.read();
    try {
      for (const id of ids) all[id] = this.keychain!.encryptString(plain[id]!).toString('base64');
    } catch (e) {
      return `The OS keychain refused to encrypt the saved passwords in ${this.plain.location} (${e instanceof Error ? e.message : String(e)}); they stay there.`;
    }
    this.encrypted.write(all);
    this.plain.write({});
    return `Moved ${plural(ids.length, 'saved password')} from ${this.plain.location} into the OS keychain.`;
  }

  private outOfReach(): string | null {
    const n = Object.keys(this.encrypted.read()).length;
    if (n === 0) return null;
    return `${plural(n, 'saved password')} ${n === 1 ? 'is' : 'are'} encrypted with the OS keychain, which ${this.absent.why}: nothing is lost (kept ${this.absent.meanwhile}); type one again to use it here.`;
  }
}

/**
 * The passwords of a data folder as this process can keep them: with the OS keychain when
 * `safeStorage` has a real one, else in the plain file. On Linux without a keyring Electron
 * falls back to a fixed key ("basic_text"), which protects nothing, so that counts as none.
 */
export function openSecrets(options: { dataDir: string; safeStorage: SafeStorageLike | null; platform?: NodeJS.Platform; warn?: (message: string) => void }): DataFolderSecrets {
  const { safeStorage, platform = process.platform, warn = (m: string) => console.warn(m) } = options;
  const real = safeStorage !== null && safeStorage.isEncryptionAvailable() && !(platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text');
  const absent = safeStorage === null ? { why: 'the web shell cannot read', meanwhile: 'for the desktop app' } : { why: 'is not available now', meanwhile: 'for when the keychain is back' };
  return new DataFolderSecrets(options.dataDir, real ? safeStorage : null, absent, warn);
}
