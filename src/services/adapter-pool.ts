import type { SourceAdapter } from '../sources/source-adapter';
import { registeredSourceOf, sourceModule } from '../sources/registry';
import { StoreAdapter } from '../sources/store/store-adapter';
import { RewindError } from '../model/errors';
import { LOCAL_STORE_ID } from '../model/connections';
import { type ConnectionProfile } from '../sources/profiles';
import { EventStore } from '../store/event-store';
import type { ProfileStore } from './profile-store';
import { BoundSecrets } from './bound-secrets';
import type { SecretStore } from './secret-store';
import type { DecoderStore } from './decoder-store';

/** Opens an adapter for a profile, through its kind's module. */
export function createAdapter(profile: ConnectionProfile, password: string | null, extraSecret: string | null = null): SourceAdapter {
  return sourceModule(profile).open(profile, password, extraSecret);
}

/** One live adapter per connection, dropped when its profile changes or goes. */
export class AdapterPool {
  private readonly adapters = new Map<string, SourceAdapter>();
  private readonly local: StoreAdapter;

  constructor(
    private readonly profiles: ProfileStore,
    private readonly secrets: SecretStore,
    store: EventStore,
    private readonly decoders: DecoderStore,
  ) {
    this.local = new StoreAdapter(store);
  }

  async get(connectionId: string): Promise<SourceAdapter> {
    if (connectionId === LOCAL_STORE_ID) return this.local;
    const existing = this.adapters.get(connectionId);
    if (existing) return existing;
    const registered = registeredSourceOf(connectionId);
    if (registered) {
      const adapter = registered.open(connectionId);
      this.adapters.set(connectionId, adapter);
      return adapter;
    }
    const profile = this.profiles.get(connectionId);
    if (!profile) throw new RewindError('not_found', `No connection with id ${connectionId}`, 'It may have been deleted; pick another connection.');
    const secrets = new BoundSecrets(this.secrets);
    const extra = sourceModule(profile).extraSecret;
    const extraTarget = extra?.stored(profile) ? extra.target(profile) : null;
    const adapter = createAdapter(profile, profile.hasPassword ? await secrets.get(profile) : null, extraTarget ? await secrets.getExtra(profile.id, extraTarget) : null);
    adapter.useDecoders?.(this.decoders.of(connectionId));
    this.adapters.set(connectionId, adapter);
    return adapter;
  }

  /** Hands a connection's new decoder choices to its live adapter (a later one reads them from the store). */
  decodersChanged(connectionId: string): void {
    this.adapters.get(connectionId)?.useDecoders?.(this.decoders.of(connectionId));
  }

  /** The event store behind a store connection (the bundled one or an opened file). */
  async store(connectionId: string): Promise<EventStore> {
    const adapter = await this.get(connectionId);
    if (!adapter.eventStore) throw new RewindError('unsupported', 'This works on event stores, not on brokers');
    return adapter.eventStore;
  }

  async drop(connectionId: string): Promise<void> {
    const adapter = this.adapters.get(connectionId);
    this.adapters.delete(connectionId);
    await adapter?.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.adapters.values()];
    this.adapters.clear();
    await Promise.all(all.map((a) => a.close()));
  }
}
