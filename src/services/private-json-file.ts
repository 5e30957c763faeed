import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { z } from 'zod';

/**
 * A JSON file only its owner can read (0600), replaced atomically so a crash mid-write never
 * leaves half a file. Connections, secrets and encrypted secrets all live in one of these.
 */
export class PrivateJsonFile<T extends z.ZodType> {
  constructor(
    readonly path: string,
    private readonly schema: T,
    private readonly empty: () => z.infer<T>,
  ) {}

  /** The content, the empty value when there is no file, or an error naming the file. */
  read(): z.infer<T> {
    if (!existsSync(this.path)) return this.empty();
    const parsed = this.schema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
    if (!parsed.success) throw new Error(`${this.path} is not a file Rewind wrote: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  write(value: z.infer<T>): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
    // mode applies only when the file is created; an older tmp file keeps its own.
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
