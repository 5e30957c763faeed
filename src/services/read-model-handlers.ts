import { whenAborted } from '../sources/source-adapter';
import { performance } from 'node:perf_hooks';
import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../model/errors';
import { DEFAULT_LIMITS, ProjectionRun } from '../projections/projection-run';
import type { ProjectionFrom } from '../model/resources';
import type { HandlerFailure } from '../model/wire';
import type { ReadModelFile } from '../read-models/read-model-file';
import { runQuery } from '../read-models/run-query';
import type { AdapterPool } from './adapter-pool';
import type { TopicCursor } from '../sources/kafka/topic-merge';
import { openFeed } from './open-feed';

/** The next offset to read in each partition, from where a merge stopped. */
const resumeAt = (cursor: TopicCursor): Record<string, string> => Object.fromEntries([...cursor.next].map(([p, o]) => [String(p), o.toString()]));
import type { ProjectionRegistry } from './projection-registry';

type ReadModelHandlers = Pick<Handlers, 'read-models/list' | 'read-models/save' | 'read-models/continue' | 'read-models/query' | 'read-models/delete'>;

const QUERY_TIMEOUT_MS = 10_000;

/**
 * The read side of projections: a finished run saved as a table in the read-model file, a later
 * run continuing from its checkpoint, and read-only SQL over the tables.
 */
export function readModelHandlers({ pool, registry, readModels }: { pool: AdapterPool; registry: ProjectionRegistry; readModels: () => ReadModelFile }): ReadModelHandlers {
  return {
    'read-models/list': async () => {
      const file = readModels();
      return { path: file.path, models: file.list() };
    },

    'read-models/save': async ({ runId, name }) => {
      const entry = registry.finished(runId);
      const result = entry.result;
      if (result.stopped) throw new RewindError('conflict', 'This run was stopped before the end, so its state is incomplete', 'Rebuild to the end, then save.');
      if (result.processed === 0) throw new RewindError('invalid_input', 'This run processed no events, so there is nothing to save');
      // A whole topic continues from an offset per partition: where this run stopped reading.
      const resume = entry.topic ? resumeAt(entry.topic.cursors[entry.topic.cursors.length - 1]!) : null;
      return readModels().save({
        name,
        code: entry.code,
        source: { connectionId: entry.connectionId, target: entry.target, resume, typeFrom: entry.typeFrom },
        builtFrom: result.firstPosition,
        checkpoint: resume ? result.processed : result.lastPosition,
        state: result.state,
        partitioned: result.partitioned,
      });
    },

    'read-models/continue': async ({ name }, ctx) => {
      const file = readModels();
      const info = file.get(name);
      const { connectionId, target, resume } = info.source;
      const run = await ProjectionRun.start(info.code, DEFAULT_LIMITS, 'projection.ts', { typeFrom: info.source.typeFrom });
      const forget = whenAborted(ctx.signal, () => void run.close());
      let failure: HandlerFailure | null = null;
      let total: number | null = null;
      const callbacks = {
        onProgress: (processed: number) => ctx.progress({ done: processed, total, exact: total !== null }),
        onHandlerError: (f: HandlerFailure) => {
          failure = f;
          run.decide('stop');
        },
      };
      try {
        run.restore(file.entries(name));
        // A topic resumes from its offsets per partition; every other source from the position after its checkpoint.
        const from: ProjectionFrom = target.type === 'kafka-topic' ? { type: 'offsets', value: resume ?? {} } : { type: 'position', value: String(info.checkpoint + 1) };
        const feed = await openFeed(pool, { connectionId, target, from, to: null }, ctx.signal);
        total = feed.total;
        const result = await feed.run(run, callbacks);
        const last = feed.topic?.cursors.at(-1);
        const nextResume = last ? resumeAt(last) : resume;
        if (ctx.signal.aborted) throw new RewindError('cancelled', 'Cancelled; the read model stays at its checkpoint');
        const failed = failure as HandlerFailure | null;
        if (failed) {
          throw new RewindError(
            'invalid_input',
            `The projection threw at position ${failed.position} (${failed.event.type}): ${failed.message}. The read model stays at checkpoint ${info.checkpoint}.`,
            'Open the code in a projection tab, fix it, rebuild and save it under the same name.',
          );
        }
        if (result.processed === 0) return { processed: 0, info };
        const saved = file.save({
          ...info,
          source: { ...info.source, resume: nextResume },
          state: result.state,
          partitioned: result.partitioned,
          // A topic's checkpoint counts the records applied; its offsets are in `resume`.
          checkpoint: nextResume ? info.checkpoint + result.processed : result.lastPosition,
        });
        return { processed: result.processed, info: saved };
      } finally {
        forget();
        await run.close();
      }
    },

    'read-models/query': async ({ sql, offset, limit }, { signal }) => {
      const started = performance.now();
      const page = await runQuery({ path: readModels().path, sql, offset, limit }, { timeoutMs: QUERY_TIMEOUT_MS, signal });
      return { ...page, elapsedMs: performance.now() - started };
    },

    'read-models/delete': async ({ name }) => {
      readModels().delete(name);
      return {};
    },
  };
}
