import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Handlers } from '../api/dispatcher';
import { ReadModelFile } from '../read-models/read-model-file';
import { EventStore } from '../store/event-store';
import { seedDemo } from '../store/demo-seed';
import { AdapterPool } from './adapter-pool';
import { createHandlers } from './create-handlers';
import { ProfileStore } from './profile-store';
import { DecoderStore } from './decoder-store';
import { ProjectionRegistry } from './projection-registry';
import { JobRegistry } from '../jobs/job-registry';
import type { SecretStore } from './secret-store';
import type { CrashJournal } from './crash-journal';

export interface AppContext {
  handlers: Handlers;
  store: EventStore;
  dataDir: string;
  close(): Promise<void>;
}

export interface AppContextOptions {
  dataDir: string;
  secrets: SecretStore;
  shell: 'electron' | 'web';
  version: string;
  /** The process's crash journal: calls in flight are noted in it, and the last crash is read from it. */
  crash?: CrashJournal;
}

export const LOCAL_STORE_FILE = 'rewind-store.sqlite';
export const READ_MODEL_FILE = 'read-models.sqlite';

/** Opens everything one running app needs; the bundled store is created and seeded on first run. */
export function createAppContext(options: AppContextOptions): AppContext {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const store = EventStore.open(join(options.dataDir, LOCAL_STORE_FILE), { create: true });
  // A damaged bundled store still opens (read-only, for rescue); it is never seeded or written.
  if (store.damage.length === 0 && store.lastPosition() === 0) seedDemo(store);
  else if (store.damage.length > 0) console.error(`rewind: ${store.path} is damaged (${store.damage[0]}); it is open read-only.`);
  const profiles = new ProfileStore(join(options.dataDir, 'connections.json'));
  const decoders = new DecoderStore(join(options.dataDir, 'decoders.json'));
  const pool = new AdapterPool(profiles, options.secrets, store, decoders);
  const registry = new ProjectionRegistry();
  // A finished run nobody holds any more ends its workers.
  const jobs = new JobRegistry((method, result) => {
    const runId = method === 'projections/rebuild' && result && typeof result === 'object' && 'runId' in result ? result.runId : null;
    if (typeof runId === 'string') void registry.close(runId).catch(() => undefined);
  });
  let readModelFile: ReadModelFile | null = null;
  const readModels = () => (readModelFile ??= ReadModelFile.open(join(options.dataDir, READ_MODEL_FILE)));
  const all = createHandlers({
    crash: options.crash ?? null,
    jobs,
    registry,
    readModels,
    profiles,
    decoders,
    secrets: options.secrets,
    pool,
    store,
    info: {
      version: options.version,
      shell: options.shell,
      secretStorage: options.secrets.kind === 'os' ? 'os' : 'file',
      secretFile: options.secrets.location,
      secretNotice: options.secrets.notice ?? null,
      dataDir: options.dataDir,
    },
  });
  const handlers = options.crash ? options.crash.watch(all) : all;
  return {
    handlers,
    store,
    dataDir: options.dataDir,
    async close() {
      jobs.cancelAll();
      await registry.closeAll();
      await pool.closeAll();
      store.close();
      readModelFile?.close();
    },
  };
}
