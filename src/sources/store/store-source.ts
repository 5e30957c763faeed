import { resolve } from 'node:path';
import { RewindError } from '../../model/errors';
import type { StoreProfile } from './profile';
import { EventStore } from '../../store/event-store';
import type { SourceModule } from '../source-module';
import { StoreAdapter } from './store-adapter';

export const storeSource: SourceModule<StoreProfile> = {
  kind: 'store',
  profileFromDraft: (draft, id) => ({ kind: 'store', id, name: draft.name, path: resolve(draft.path), hasPassword: false }),
  usesPassword: () => false,
  address: (p) => p.path,
  // Opens (and, when saving with "Create", makes) the file to prove it is a store, then lets it go.
  checkDraft(draft, mode) {
    try {
      EventStore.open(resolve(draft.path), { create: mode === 'save' && draft.create }).close();
    } catch (e) {
      if (e instanceof RewindError && e.code === 'not_found') {
        throw new RewindError('not_found', `No event store at ${resolve(draft.path)}`, 'Tick "Create a new store" to make one there.');
      }
      throw e;
    }
  },
  open: (profile) => new StoreAdapter(EventStore.open(profile.path, { create: false }), { owned: true }),
};
