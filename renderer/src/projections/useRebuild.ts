import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { RunSummary, RunUpdate } from '../../../src/api/contract';
import { forgetRunDraft } from './detached-runs';
import { useClient } from '../api/client-context';
import type { ProjectionFrom, ProjectionTarget } from '../api/types';
import type { Limits } from '../../../src/model/projection-limits';
import type { TypeSource } from '../../../src/model/type-source';

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

/**
 * One projection tab's rebuilds: the one running, the finished ones (newest first), errors. A
 * rebuild is a job in the core: when the tab closes mid-run it lets go instead of stopping it, and
 * `attach` takes a run back (the jobs panel's Open).
 */
export function useRebuild(onStarted?: (jobId: string) => void) {
  const client = useClient();
  const [running, setRunning] = useState<Running | null>(null);
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [error, setError] = useState<unknown>(null);
  const controller = useRef<AbortController | null>(null);
  const letGo = useRef<AbortController | null>(null);
  const runId = useRef<string | null>(null);
  const jobId = useRef<string | null>(null);
  const started = useRef(onStarted);
  started.current = onStarted;

  const apply = useCallback((updates: z.infer<typeof RunUpdate>[]) => {
    for (const u of updates)
      if (u.kind === 'started') {
        runId.current = u.runId;
        if (u.jobId && jobId.current !== u.jobId) {
          jobId.current = u.jobId;
          started.current?.(u.jobId);
        }
      }
    setRunning((r) => {
      if (!r) return r;
      let next = r;
      for (const u of updates) {
        if (u.kind === 'started') next = { ...next, runId: u.runId, total: u.total };
        else if (u.kind === 'progress') next = { ...next, processed: u.processed, position: u.position };
        else next = { ...next, processed: u.processed, failure: u.failure, pausedAt: next.pausedAt ?? performance.now() };
      }
      return next;
    });
  }, []);

  /** Runs `work` as the tab's one current run: the state while it goes, then its summary in the list. */
  const follow = useCallback(async (label: string, code: string, work: (signal: AbortSignal, detach: AbortSignal) => Promise<Summary>) => {
    controller.current?.abort();
    const c = new AbortController();
    const d = new AbortController();
    controller.current = c;
    letGo.current = d;
    runId.current = null;
    jobId.current = null;
    setError(null);
    setRunning({ runId: null, processed: 0, position: null, total: null, startedAt: performance.now(), pausedMs: 0, pausedAt: null, failure: null });
    try {
      const summary = await work(c.signal, d.signal);
      setRuns((rs) => [{ summary, label, code }, ...rs]);
      if (jobId.current) forgetRunDraft(jobId.current);
      return summary;
    } catch (e) {
      if (!c.signal.aborted && !d.signal.aborted) setError(e);
      return null;
    } finally {
      if (controller.current === c) setRunning(null);
    }
  }, []);

  const rebuild = useCallback(
    (code: string, source: { connectionId: string; target: ProjectionTarget; from: ProjectionFrom; to: string | null }, label: string, limits?: Limits, typeFrom?: TypeSource | null) =>
      follow(label, code, (signal, detach) =>
        client.stream('projections/rebuild', { code, source, ...(limits ? { limits } : {}), ...(typeFrom ? { typeFrom } : {}) }, { signal, detach, onBatch: apply }),
      ),
    [client, apply, follow],
  );

  /** Takes back a run that went on without its tab: what it did so far, then the rest. */
  const attach = useCallback(
    (id: string, code: string) =>
      follow('Reopened run', code, async (signal, detach) => {
        jobId.current = id;
        const end = await client.stream('jobs/attach', { id }, { signal, detach, onBatch: (items) => apply(items.map((x) => RunUpdate.parse(x))) });
        return RunSummary.parse(end.result);
      }),
    [client, apply, follow],
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

  // A closed tab lets its running rebuild go on as a job (Open in the jobs panel brings it back),
  // and ends the workers that hold its finished runs' states.
  const kept = useRef<string[]>([]);
  kept.current = runs.map((r) => r.summary.runId);
  const isRunning = useRef(false);
  isRunning.current = running !== null;
  useEffect(
    () => () => {
      if (isRunning.current && jobId.current) letGo.current?.abort();
      else controller.current?.abort();
      for (const id of kept.current) void client.call('projections/close', { runId: id }).catch(() => undefined);
    },
    [client],
  );

  return { running, runs, error, rebuild, attach, decide, cancel, clearError: () => setError(null) };
}
