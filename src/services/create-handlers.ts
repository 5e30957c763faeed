import { traceHandlers } from './trace-handlers';
import { groupHandlers } from './group-handlers';
import { topicHandlers } from './topic-handlers';
import { rabbitMapHandlers } from './rabbit-map-handlers';
import { redisQueueHandlers } from './redis-queue-handlers';
import { redisStreamHandlers } from './redis-stream-handlers';
import { publishHandlers } from './publish-handlers';
import type { Handlers } from '../api/dispatcher';
import type { z } from 'zod';
import type { AppInfo } from '../api/contract';
import { connectionHandlers, type ConnectionDeps } from './connection-handlers';
import { decodingHandlers } from './decoding-handlers';
import { projectionHandlers } from './projection-handlers';
import type { ProjectionRegistry } from './projection-registry';
import type { ReadModelFile } from '../read-models/read-model-file';
import { readModelHandlers } from './read-model-handlers';
import { deadLetterHandlers } from './dead-letter-handlers';
import { storeHandlers } from './store-handlers';
import { subscriptionHandlers } from './subscription-handlers';
import { wholeValue } from './whole-value';
import { jobHandlers } from './job-handlers';
import type { JobRegistry } from '../jobs/job-registry';
import { withJobs } from '../jobs/with-jobs';
import { capabilitiesOf } from '../sources/source-adapter';
import { RewindError } from '../model/errors';
import { ImportSessions } from '../jobs/import-sessions';
import { importHandlers } from './import-handlers';
import type { CrashJournal } from './crash-journal';

export interface HandlerDeps extends ConnectionDeps {
  jobs: JobRegistry;
  info: z.infer<typeof AppInfo>;
  registry: ProjectionRegistry;
  /** Opened on first use: most sessions never save a read model. */
  readModels: () => ReadModelFile;
  /** The process's crash journal; none where the app runs inside another program (tests). */
  crash: CrashJournal | null;
}

/** Every method of the contract, bound to one app's data. */
export function createHandlers(deps: HandlerDeps): Handlers {
  const { pool } = deps;
  const base: Omit<Handlers, 'imports/run'> = {
    'app/info': async () => deps.info,
    'app/last-crash': async () => deps.crash?.lastCrash() ?? null,
    'app/dismiss-crash': async ({ id }) => {
      deps.crash?.dismiss(id);
      return {};
    },
    ...jobHandlers(deps.jobs),
    ...connectionHandlers(deps),
    ...decodingHandlers(deps),
    'resources/list': async ({ connectionId }, { signal }) => {
      const adapter = await pool.get(connectionId);
      return { capabilities: capabilitiesOf(adapter), resources: await adapter.listResources(signal) };
    },
    ...projectionHandlers(deps),
    ...storeHandlers(deps),
    ...subscriptionHandlers(deps),
    ...readModelHandlers(deps),
    ...deadLetterHandlers(deps),
    ...publishHandlers(deps),
    ...groupHandlers(deps),
    ...topicHandlers(deps),
    ...rabbitMapHandlers(deps),
    ...redisStreamHandlers(deps),
    ...redisQueueHandlers(deps),
    ...traceHandlers(deps),
    'records/read': async ({ connectionId, target, from, limit, isolation }, ctx) => {
      const adapter = await pool.get(connectionId);
      return adapter.read({ target, from, limit, ...(isolation ? { isolation } : {}), signal: ctx.signal, onBatch: ctx.batch, onProgress: ctx.progress });
    },
    'records/follow': async ({ connectionId, target, from }, ctx) => {
      const adapter = await pool.get(connectionId);
      if (!adapter.streams) throw new RewindError('unsupported', 'Only RabbitMQ streams are followed this way', 'Kafka topics have their own tail.');
      const follow = await adapter.streams.follow(target, from, ctx.signal, (items) => ctx.batch(items));
      ctx.batch([{ via: follow.via }]);
      await follow.done;
      return {};
    },
    'records/value': async ({ connectionId, target, position, isolation }, { signal }) => {
      const adapter = await pool.get(connectionId);
      return { payload: await wholeValue(adapter, target, position, isolation, signal) };
    },
  };
  const handlers: Handlers = { ...base, ...importHandlers(base, new ImportSessions()) };
  return withJobs(handlers, deps.jobs);
}
