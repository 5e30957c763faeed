import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { PrivateJsonFile } from '../services/private-json-file';

const Remembered = z.object({
  port: z.number().int().min(1).max(65535).nullable(),
  token: z.string().min(32).nullable(),
});
type Remembered = z.infer<typeof Remembered>;

/**
 * What the web shell keeps across restarts, in the data folder (mode 0600, beside secrets.json):
 * the port it last listened on, so an open page reconnects to the same address (and keeps its
 * tabs, which the browser stores per origin), and its token, so that page's cookie stays valid.
 * The token is as secret as the file's owner makes it; `--new-token` (or deleting the file)
 * replaces it.
 */
export class ShellMemory {
  private readonly file: PrivateJsonFile<typeof Remembered>;

  constructor(dataDir: string) {
    this.file = new PrivateJsonFile(join(dataDir, 'web-shell.json'), Remembered, () => ({ port: null, token: null }));
  }

  /** A file that cannot be read is treated as none: the shell starts with a fresh token and port. */
  private read(): Remembered {
    try {
      return this.file.read();
    } catch {
      return { port: null, token: null };
    }
  }

  lastPort(): number | null {
    return this.read().port;
  }

  /** The remembered token, or a new random one (24 bytes) that is remembered from now on. */
  token({ renew }: { renew: boolean }): string {
    const was = this.read();
    if (was.token && !renew) return was.token;
    const token = randomBytes(24).toString('base64url');
    this.file.write({ ...was, token });
    return token;
  }

  rememberPort(port: number): void {
    this.file.write({ ...this.read(), port });
  }
}
