import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ConnectionProfile } from '../model/connections';

const ProfileFile = z.object({ version: z.literal(1), connections: z.array(ConnectionProfile) });

/** Connection profiles on disk, without secrets, written atomically. */
export class ProfileStore {
  constructor(readonly path: string) {}

  list(): ConnectionProfile[] {
    if (!existsSync(this.path)) return [];
    const parsed = ProfileFile.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
    if (!parsed.success) {
      throw new Error(`${this.path} is not a Rewind connections file: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    return parsed.data.connections;
  }

  get(id: string): ConnectionProfile | null {
    return this.list().find((p) => p.id === id) ?? null;
  }

  put(profile: ConnectionProfile): void {
    const all = this.list().filter((p) => p.id !== profile.id);
    all.push(profile);
    this.write(all);
  }

  remove(id: string): boolean {
    const all = this.list();
    const kept = all.filter((p) => p.id !== id);
    if (kept.length === all.length) return false;
    this.write(kept);
    return true;
  }

  private write(connections: ConnectionProfile[]): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, connections }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
