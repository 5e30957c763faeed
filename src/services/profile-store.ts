import { z } from 'zod';
import { ConnectionProfile } from '../sources/profiles';
import { upgradeProfile } from '../sources/registry';
import { PrivateJsonFile } from './private-json-file';

/** Profiles an older Rewind wrote are brought up to date as they are read (see upgradeProfile). */
const ProfileFile = z.object({ version: z.literal(1), connections: z.array(z.preprocess(upgradeProfile, ConnectionProfile)) });

/** Connection profiles on disk, without secrets, written atomically. */
export class ProfileStore {
  private readonly file;

  constructor(readonly path: string) {
    this.file = new PrivateJsonFile(path, ProfileFile, () => ({ version: 1 as const, connections: [] }));
  }

  list(): ConnectionProfile[] {
    return this.file.read().connections;
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
    this.file.write({ version: 1, connections });
  }
}
