import { z } from 'zod';
import { ResourceDecoding } from '../model/decoder-settings';
import { PrivateJsonFile } from './private-json-file';

const DecoderFile = z.object({ version: z.literal(1), connections: z.record(z.string(), z.record(z.string(), ResourceDecoding)) });

/** The user's decoder choices per connection and topic or queue, on disk beside the profiles. */
export class DecoderStore {
  private readonly file;

  constructor(readonly path: string) {
    this.file = new PrivateJsonFile(path, DecoderFile, () => ({ version: 1 as const, connections: {} }));
  }

  of(connectionId: string): Record<string, ResourceDecoding> {
    return this.file.read().connections[connectionId] ?? {};
  }

  /** Sets one resource's choice; `auto` removes it. */
  set(connectionId: string, resource: string, choice: ResourceDecoding): void {
    const all = this.file.read();
    const mine = { ...(all.connections[connectionId] ?? {}) };
    if (choice.decoder === 'auto') delete mine[resource];
    else mine[resource] = choice;
    this.file.write({ version: 1, connections: { ...all.connections, [connectionId]: mine } });
  }

  forget(connectionId: string): void {
    const all = this.file.read();
    if (!(connectionId in all.connections)) return;
    const { [connectionId]: _gone, ...rest } = all.connections;
    this.file.write({ version: 1, connections: rest });
  }
}
