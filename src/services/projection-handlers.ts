import { whenAborted } from '../sources/source-adapter';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import type { StateAtResult } from '../api/contract';
import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../model/errors';
import { diffStates } from '../model/state-diff';
import { EXAMPLES } from '../projections/examples';
import { typeNotice } from '../projections/event-types';
import { DEFAULT_LIMITS, ProjectionRun, type RunCallbacks } from '../projections/projection-run';
import type { AdapterPool } from './adapter-pool';
import type { WireEvent } from '../model/wire';
import { feedStretch, openFeed } from './open-feed';
import type { ProjectionRegistry } from './projection-registry';

type ProjectionHandlers = Pick<
  Handlers,
  'projections/examples' | 'projections/rebuild' | 'projections/decide' | 'projections/state-at' | 'projections/partition' | 'projections/diff' | 'projections/close'
>;

/** States above this stay in the back end; the UI looks at them a partition at a time. */
const MAX_STATE_BYTES = 2 * 1024 * 1024;
type Json = z.infer<typeof StateAtResult>['before'];

const parseCapped = (json: string): Json | null => (json.length <= MAX_STATE_BYTES ? (JSON.parse(json) as Json) : null);

export function projectionHandlers({ pool, registry }: { pool: AdapterPool; registry: ProjectionRegistry }): ProjectionHandlers {
  return {
    'projections/examples': async () => EXAMPLES,

    'projections/rebuild': async ({ code, source, limits, typeFrom }, ctx) => {
      const run = await ProjectionRun.start(code, limits ?? DEFAULT_LIMITS, 'projection.ts', { typeFrom: typeFrom ?? null });
      const id = randomUUID();
      const to = source.to === null ? null : Number(source.to);
      const feed = await openFeed(pool, { ...source, to }, ctx.signal).catch(async (e: unknown) => (await run.close(), Promise.reject(e)));
      const entry = registry.add({ id, run, feed: feed.kind, connectionId: source.connectionId, target: source.target, code, typeFrom: typeFrom ?? null, result: null });
      if (feed.topic) entry.topic = feed.topic;
      // The run's expected size, as its `started` item says; the jobs panel's bar and ETA use it.
      let expected: number | null = null;
      const callbacks: RunCallbacks = {
        onProgress: (processed, position) => {
          ctx.batch([{ kind: 'progress', processed, position }]);
          ctx.progress({ done: processed, total: expected, exact: expected !== null });
        },
        onHandlerError: (failure, processed) => ctx.batch([{ kind: 'handler-error', processed, failure }]),
      };
      // Cancel ends the thread at once, wherever user code is.
      const forget = whenAborted(ctx.signal, () => void registry.close(id));
      const started = performance.now();
      try {
        expected = feed.total;
        ctx.batch([{ kind: 'started', runId: id, ...(ctx.jobId ? { jobId: ctx.jobId } : {}), total: expected }]);
        const result = await feed.run(run, callbacks);
        const ordering = feed.ordering;
        entry.result = result;
        return {
          runId: id,
          processed: result.processed,
          firstPosition: result.firstPosition,
          lastPosition: result.lastPosition,
          partitions: result.partitions,
          partitioned: result.partitioned,
          skipped: result.skipped,
          skippedEvents: result.skippedEvents,
          logs: result.logs,
          stopped: result.stopped,
          state: parseCapped(result.state),
          stateBytes: result.state.length,
          // The run's own time: minutes spent paused on a handler error, waiting for the user, are left out.
          elapsedMs: performance.now() - started - run.pausedMs,
          ordering,
          matched: result.typeCounts.matched,
          types: result.typeCounts.types.map(([type, count, handled]) => ({ type, count, handled })),
          typeNotice: typeNotice(result.processed, result.typeCounts, typeFrom ?? null),
          typeFrom: typeFrom ?? null,
        };
      } catch (e) {
        await registry.close(id);
        throw e;
      } finally {
        forget();
      }
    },

    'projections/decide': async ({ runId, action, code }) => {
      const { run } = registry.get(runId);
      if (action === 'retry' && code !== undefined) await run.retryWith(code);
      else run.decide(action);
      return {};
    },

    'projections/state-at': async ({ runId, position }, { signal }) => {
      const entry = registry.finished(runId);
      const { firstPosition, lastPosition } = entry.result;
      if (position < firstPosition || position > lastPosition) {
        throw new RewindError('invalid_input', `Pick a position from ${firstPosition} to ${lastPosition}`);
      }
      let at;
      if (entry.feed === 'sqlite') at = await entry.run.stateAt(position);
      else {
        const base = await entry.run.snapshotBase(position);
        const adapter = await pool.get(entry.connectionId);
        const from = base >= 0 ? base + 1 : firstPosition;
        if (position - from > 1_000_000) throw new RewindError('invalid_input', 'That position is too far from a snapshot to replay');
        const events: WireEvent[] = [];
        for await (const batch of feedStretch(adapter, entry, from, position, signal)) events.push(...batch);
        at = await entry.run.stateAt(position, events);
      }
      return { position: at.position, state: parseCapped(at.state), event: at.event, before: JSON.parse(at.before) as Json, after: JSON.parse(at.after) as Json, touched: at.touched };
    },

    'projections/partition': async ({ runId, key, limit }, { signal }) => {
      const entry = registry.finished(runId);
      const max = limit ?? 1000;
      const view = await entry.run.partition(key, max);
      if (entry.feed === 'sqlite') return { state: parseCapped(view.state), positions: view.positions, truncated: view.truncated };
      // A broker run's events are read again and the worker says which touched the partition.
      const { firstPosition, lastPosition } = entry.result;
      const adapter = await pool.get(entry.connectionId);
      const positions: number[] = [];
      let truncated = false;
      for await (const events of feedStretch(adapter, entry, firstPosition, lastPosition, signal)) {
        positions.push(...(await entry.run.matchKeys(key, events)));
        if (positions.length > max) {
          truncated = true;
          positions.length = max;
          break;
        }
      }
      return { state: parseCapped(view.state), positions, truncated };
    },

    'projections/diff': async ({ leftRunId, rightRunId }) => {
      const left = registry.finished(leftRunId).result;
      const right = registry.finished(rightRunId).result;
      return diffStates(JSON.parse(left.state) as Json, JSON.parse(right.state) as Json, left.partitioned && right.partitioned);
    },

    'projections/close': async ({ runId }) => {
      await registry.close(runId);
      return {};
    },
  };
}
