import { randomUUID } from 'node:crypto';
import { RewindError } from '../model/errors';
import type { Handlers } from '../api/dispatcher';
import { LOCAL_STORE_ID, type ConnectionSummary } from '../model/connections';
import type { ConnectionDraft, ConnectionProfile } from '../sources/profiles';
import type { SourceModule } from '../sources/source-module';
import { registeredConnections, sourceModule } from '../sources/registry';
import { BoundSecrets } from './bound-secrets';
import { EventStore } from '../store/event-store';
import type { AdapterPool } from './adapter-pool';
import type { ProfileStore } from './profile-store';
import type { DecoderStore } from './decoder-store';
import type { SecretStore } from './secret-store';

export interface ConnectionDeps {
  profiles: ProfileStore;
  decoders: DecoderStore;
  secrets: SecretStore;
  pool: AdapterPool;
  store: EventStore;
}

type ConnectionHandlers = Pick<Handlers, 'connections/list' | 'connections/get' | 'connections/save' | 'connections/delete' | 'connections/test' | 'connections/status'>;

/** Every connection, the bundled store first, as the sidebar lists them. */
export function connectionSummaries({ profiles, store }: Pick<ConnectionDeps, 'profiles' | 'store'>): ConnectionSummary[] {
  return [
    { id: LOCAL_STORE_ID, kind: 'store', name: 'Local event store', address: store.path, removable: false },
    ...profiles
      .list()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => ({ id: p.id, kind: p.kind, name: p.name, address: sourceModule(p).address(p), removable: true })),
    ...registeredConnections(),
  ];
}

export function connectionHandlers({ profiles, decoders, secrets: secretStore, pool, store }: ConnectionDeps): ConnectionHandlers {
  const secrets = new BoundSecrets(secretStore);
  const summaries = () => connectionSummaries({ profiles, store });

  const mustGet = (id: string): ConnectionProfile => {
    const p = profiles.get(id);
    if (!p) throw new RewindError('not_found', `No connection with id ${id}`);
    return p;
  };

  /** The second secret as the form left it: typed, kept (only for the address it was saved for) or cleared. */
  const saveExtra = async (source: SourceModule, draft: ConnectionDraft, existing: ConnectionProfile | null, profile: ConnectionProfile): Promise<ConnectionProfile> => {
    const extra = source.extraSecret;
    if (!extra) return profile;
    const target = extra.target(profile);
    const typed = extra.typed(draft);
    if (target === null || typed === '' || (typed === undefined && !(existing && extra.stored(existing)))) {
      await secrets.deleteExtra(profile.id);
      return extra.withStored(profile, false);
    }
    if (typed !== undefined) {
      await secrets.setExtra(profile.id, target, typed);
      return extra.withStored(profile, true);
    }
    await secrets.getExtra(profile.id, target);
    return extra.withStored(profile, true);
  };

  const testedExtra = async (source: SourceModule, draft: ConnectionDraft, saved: ConnectionProfile | null, candidate: ConnectionProfile): Promise<string | null> => {
    const extra = source.extraSecret;
    const target = extra?.target(candidate) ?? null;
    if (!extra || target === null) return null;
    const typed = extra.typed(draft);
    if (typed !== undefined) return typed === '' ? null : typed;
    return saved && extra.stored(saved) ? secrets.getExtra(saved.id, target) : null;
  };

  return {
    'connections/list': async () => summaries(),

    'connections/get': async ({ connectionId }) => mustGet(connectionId),

    'connections/save': async (draft) => {
      const id = draft.id ?? randomUUID();
      const existing = draft.id ? profiles.get(draft.id) : null;
      if (draft.id && !existing) throw new RewindError('not_found', `No connection with id ${draft.id}`);
      if (existing && existing.kind !== draft.kind) throw new RewindError('invalid_input', 'A connection cannot change its kind');
      const source = sourceModule(draft);
      source.checkDraft?.(draft, 'save');
      const given = 'password' in draft ? draft.password : undefined;
      const typed = given !== undefined && given !== '' ? given : null;
      const keep = given === undefined && existing !== null && existing.hasPassword;
      let profile = source.profileFromDraft(draft, id, typed !== null || keep);
      if (!source.usesPassword(profile)) {
        await secrets.delete(id);
      } else if (typed !== null) {
        await secrets.set(profile, typed);
      } else if (keep) {
        BoundSecrets.mustKeepTarget(existing, profile);
      } else {
        await secrets.delete(id);
      }
      profile = await saveExtra(source, draft, existing, profile);
      profiles.put(profile);
      await pool.drop(id);
      return profile;
    },

    'connections/delete': async ({ connectionId }) => {
      if (connectionId === LOCAL_STORE_ID) throw new RewindError('invalid_input', 'The local event store cannot be removed');
      await pool.drop(connectionId);
      if (!profiles.remove(connectionId)) throw new RewindError('not_found', `No connection with id ${connectionId}`);
      await secrets.deleteAll(connectionId);
      decoders.forget(connectionId);
      return {};
    },

    'connections/test': async (request, { signal }) => {
      if ('connectionId' in request) {
        const adapter = await pool.get(request.connectionId);
        return adapter.test(signal);
      }
      // Test what the form holds: a typed password, or the stored one when the field was left empty.
      const { draft } = request;
      const source = sourceModule(draft);
      source.checkDraft?.(draft, 'test');
      const candidate = source.profileFromDraft(draft, draft.id ?? 'draft', false);
      let password: string | null = 'password' in draft ? (draft.password ?? null) : null;
      const saved = draft.id ? profiles.get(draft.id) : null;
      if (password === null && source.usesPassword(candidate) && saved && saved.hasPassword) {
        BoundSecrets.mustKeepTarget(saved, candidate);
        password = await secrets.get(saved);
      }
      const adapter = source.open({ ...candidate, hasPassword: password !== null } as ConnectionProfile, password, await testedExtra(source, draft, saved, candidate));
      try {
        return await adapter.test(signal);
      } finally {
        await adapter.close();
      }
    },

    'connections/status': async ({ connectionId }, { signal }) => {
      const checkedAt = new Date().toISOString();
      try {
        const adapter = await pool.get(connectionId);
        const result = await adapter.test(signal, 'broker');
        return { connectionId, reachable: true, server: result.server, error: null, checkedAt };
      } catch (e) {
        if (e instanceof RewindError && e.code === 'not_found') throw e;
        return { connectionId, reachable: false, server: null, error: e instanceof Error ? e.message : String(e), checkedAt };
      }
    },
  };
}
