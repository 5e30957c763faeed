import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { RunSummary, RunUpdate } from '../../../src/api/contract';
import { useClient } from '../api/client-context';
import type { ProjectionFrom, ProjectionTarget } from '../api/types';
import type { Limits } from '../../../src/model/projection-limits';

export type Summary = z.infer<typeof RunSummary>;
export type Failure = Extract<z.infer<typeof RunUpdate>, { kind: 'handler-error' }>['failure'];

export interface RunRecord {
  summary: Summary;
  /** How the run was made, for lists such as "compare with". */
  label: string;
  code: string;
}

export interface Running {
  runId: string | null;
  processed: number;
  position: number | null;
  total: number | null;
  startedAt: number;
  /** Time paused at handler errors so far, and when the current pause began: the user's time, not the run's. */
  pausedMs: number;
  pausedAt: number | null;
  failure: Failure | null;
}

/** One projection tab's rebuilds: the one running, the finished ones (newest first), errors. */
export function useRebuild() {
  const client = useClient();
  const [running, setRunning] = useState<Running | null>(null);
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [error, setError] = useState<unknown>(null);
  const controller = useRef<AbortController | null>(null);
  const runId = useRef<string | null>(null);

  const rebuild = useCallback(
    async (code: string, source: { connectionId: string; target: ProjectionTarget; from: ProjectionFrom; to: string | null }, label: string, limits?: Limits) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      runId.current = null;
      setError(null);
      setRunning({ runId: null, processed: 0, position: null, total: null, startedAt: performance.now(), pausedMs: 0, pausedAt: null, failure: null });
      try {
        const summary = await client.stream(
          'projections/rebuild',
          { code, source, ...(limits ? { limits } : {}) },
          {
            signal: c.signal,
            onBatch: (updates) =>
              setRunning((r) => {
                if (!r) return r;
                let next = r;
                for (const u of updates) {
                  if (u.kind === 'started') {
                    runId.current = u.runId;
                    next = { ...next, runId: u.runId, total: u.total };
                  } else if (u.kind === 'progress') next = { ...next, processed: u.processed, position: u.position };
                  else next = { ...next, processed: u.processed, failure: u.failure, pausedAt: next.pausedAt ?? performance.now() };
                }
                return next;
              }),
          },
        );
        setRuns((rs) => [{ summary, label, code }, ...rs]);
        return summary;
      } catch (e) {
        if (!c.signal.aborted) setError(e);
        return null;
      } finally {
        if (controller.current === c) setRunning(null);
      }
    },
    [client],
  );

  const decide = useCallback(
    async (action: 'skip' | 'stop' | 'retry', code?: string) => {
      const id = runId.current;
      if (!id) return;
      try {
        await client.call('projections/decide', code === undefined ? { runId: id, action } : { runId: id, action, code });
        setRunning((r) => (r ? { ...r, failure: null, pausedMs: r.pausedMs + (r.pausedAt === null ? 0 : performance.now() - r.pausedAt), pausedAt: null } : r));
      } catch (e) {
        setError(e);
      }
    },
    [client],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);

  // A closed tab stops its rebuild and ends the workers that hold its runs' states.
  const kept = useRef<string[]>([]);
  kept.current = runs.map((r) => r.summary.runId);
  useEffect(
    () => () => {
      controller.current?.abort();
      for (const id of kept.current) void client.call('projections/close', { runId: id }).catch(() => undefined);
    },
    [client],
  );

  return { running, runs, error, rebuild, decide, cancel, clearError: () => setError(null) };
}
