import { z } from 'zod';
import { PrivateJsonFile } from './private-json-file';

/** Where passwords live. Profiles never hold them; only the back end reads them, to connect. */
export interface SecretStore {
  readonly kind: 'os' | 'file' | 'memory';
  /** The file that holds them, when there is one. */
  readonly location: string | null;
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
 * The web shell's store: a JSON file only the user can read (0600). Not encrypted, because a key
 * kept beside it would protect nothing; the desktop app uses the OS keychain instead.
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
      this.warn(`rewind: passwords are kept in ${this.location} (readable only by you, not encrypted). The desktop app keeps them in the OS keychain.`);
    }
  }

  async delete(id: string) {
    const all = this.read();
    if (id in all) {
      delete all[id];
      this.write(all);
    }
  }

  private read(): Record<string, string> {
    return this.file.read();
  }

  private write(all: Record<string, string>): void {
    this.file.write(all);
  }
}
