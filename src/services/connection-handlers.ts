import { randomUUID } from 'node:crypto';
import { RewindError } from '../model/errors';
import type { Handlers } from '../api/dispatcher';
import { defaultStreamPort, LOCAL_STORE_ID, type BrokerProfile, type ConnectionDraft, type ConnectionProfile, type ConnectionSummary } from '../model/connections';
import { BoundSecrets } from './bound-secrets';
import { damagedError } from '../store/integrity';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventStore } from '../store/event-store';
import { createAdapter, type AdapterPool } from './adapter-pool';
import type { ProfileStore } from './profile-store';
import type { SecretStore } from './secret-store';

export interface ConnectionDeps {
  profiles: ProfileStore;
  secrets: SecretStore;
  pool: AdapterPool;
  store: EventStore;
}

type ConnectionHandlers = Pick<Handlers, 'connections/list' | 'connections/get' | 'connections/save' | 'connections/delete' | 'connections/test' | 'connections/status'>;

function profileFromDraft(draft: ConnectionDraft, id: string, hasPassword: boolean): ConnectionProfile {
  if (draft.kind === 'store') return { kind: 'store', id, name: draft.name, path: resolve(draft.path), hasPassword: false };
  const { password: _password, id: _id, ...rest } = draft;
  // Only what the chosen settings use is kept: Kafka without SASL has no user and no password.
  if (rest.kind === 'kafka' && rest.sasl === 'none') return { ...rest, username: '', id, hasPassword: false };
  if (rest.kind === 'kafka') return { ...rest, id, hasPassword };
  // A stream port left out is RabbitMQ's default; "without TLS" means something only with TLS on.
  return { ...rest, streamPort: rest.streamPort ?? defaultStreamPort(rest.tls), streamWithoutTls: rest.tls && rest.streamWithoutTls === true, id, hasPassword };
}

/** Whether connecting with these settings sends a password at all. */
const usesPassword = (p: BrokerProfile) => p.kind === 'rabbitmq' || p.sasl !== 'none';

const addressOf = (p: ConnectionProfile) => (p.kind === 'store' ? p.path : `${p.host}:${p.port}`);

/** Opens (and, when asked, creates) a store file to prove it is one, then lets it go. */
function checkStoreFile(path: string, create: boolean): EventStore {
  try {
    return EventStore.open(resolve(path), { create });
  } catch (e) {
    if (e instanceof RewindError && e.code === 'not_found') {
      throw new RewindError('not_found', `No event store at ${resolve(path)}`, 'Tick "Create a new store" to make one there.');
    }
    throw e;
  }
}

/** Every connection, the bundled store first, as the sidebar lists them. */
export function connectionSummaries({ profiles, store }: Pick<ConnectionDeps, 'profiles' | 'store'>): ConnectionSummary[] {
  return [
    { id: LOCAL_STORE_ID, kind: 'store', name: 'Local event store', address: store.path, removable: false },
    ...profiles
      .list()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => ({ id: p.id, kind: p.kind, name: p.name, address: addressOf(p), removable: true })),
  ];
}

export function connectionHandlers({ profiles, secrets: secretStore, pool, store }: ConnectionDeps): ConnectionHandlers {
  const secrets = new BoundSecrets(secretStore);
  const summaries = () => connectionSummaries({ profiles, store });

  const mustGet = (id: string): ConnectionProfile => {
    const p = profiles.get(id);
    if (!p) throw new RewindError('not_found', `No connection with id ${id}`);
    return p;
  };

  return {
    'connections/list': async () => summaries(),

    'connections/get': async ({ connectionId }) => mustGet(connectionId),

    'connections/save': async (draft) => {
      const id = draft.id ?? randomUUID();
      const existing = draft.id ? profiles.get(draft.id) : null;
      if (draft.id && !existing) throw new RewindError('not_found', `No connection with id ${draft.id}`);
      if (existing && existing.kind !== draft.kind) throw new RewindError('invalid_input', 'A connection cannot change its kind');
      if (draft.kind === 'store') {
        checkStoreFile(draft.path, draft.create).close();
        const profile = profileFromDraft(draft, id, false);
        profiles.put(profile);
        await pool.drop(id);
        return profile;
      }
      const typed = draft.password !== undefined && draft.password !== '' ? draft.password : null;
      const keep = draft.password === undefined && existing !== null && existing.kind !== 'store' && existing.hasPassword;
      const profile = profileFromDraft(draft, id, typed !== null || keep) as BrokerProfile;
      if (!usesPassword(profile)) {
        await secrets.delete(id);
      } else if (typed !== null) {
        await secrets.set(profile, typed);
      } else if (keep) {
        BoundSecrets.mustKeepTarget(existing, profile);
      } else {
        await secrets.delete(id);
      }
      profiles.put(profile);
      await pool.drop(id);
      return profile;
    },

    'connections/delete': async ({ connectionId }) => {
      if (connectionId === LOCAL_STORE_ID) throw new RewindError('invalid_input', 'The local event store cannot be removed');
      await pool.drop(connectionId);
      if (!profiles.remove(connectionId)) throw new RewindError('not_found', `No connection with id ${connectionId}`);
      await secrets.delete(connectionId);
      return {};
    },

    'connections/test': async (request, { signal }) => {
      if ('connectionId' in request) {
        const adapter = await pool.get(request.connectionId);
        return adapter.test(signal);
      }
      // Test what the form holds: a typed password, or the stored one when the field was left empty.
      const { draft } = request;
      if (draft.kind === 'store') {
        const started = performance.now();
        const s = checkStoreFile(draft.path, false);
        try {
          if (s.damage.length > 0) throw damagedError(s.path, s.damage);
          return { ok: true as const, server: 'Rewind event store (SQLite)', details: [s.path, `${s.lastPosition().toLocaleString('en-US')} events`], latencyMs: performance.now() - started };
        } finally {
          s.close();
        }
      }
      const candidate = profileFromDraft(draft, draft.id ?? 'draft', false) as BrokerProfile;
      let password: string | null = draft.password ?? null;
      const saved = draft.id ? profiles.get(draft.id) : null;
      if (draft.password === undefined && usesPassword(candidate) && saved && saved.kind !== 'store' && saved.hasPassword) {
        BoundSecrets.mustKeepTarget(saved, candidate);
        password = await secrets.get(saved);
      }
      const adapter = createAdapter({ ...candidate, hasPassword: password !== null }, password);
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
        const result = await adapter.test(signal);
        return { connectionId, reachable: true, server: result.server, error: null, checkedAt };
      } catch (e) {
        if (e instanceof RewindError && e.code === 'not_found') throw e;
        return { connectionId, reachable: false, server: null, error: e instanceof Error ? e.message : String(e), checkedAt };
      }
    },
  };
}
