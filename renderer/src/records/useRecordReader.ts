import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { useClient } from '../api/client-context';
import type { ReadStart, ReadTarget } from '../api/types';
import { Envelope } from '../../../src/model/envelope';
import { ReadSummary } from '../../../src/api/contract';

/** A tab never holds more than this; older rows are dropped first and the toolbar says so. */
export const MAX_ROWS = 50_000;

export interface ReadProgress {
  done: number;
  total: number | null;
  exact: boolean;
  startedAt: number;
  /** When the source last sent something: a long silence is shown against the stall limit. */
  lastActivity: number;
}

interface ReaderState {
  rows: Envelope[];
  reading: ReadProgress | null;
  next: string | null;
  end: string | null;
  error: unknown;
  dropped: number;
  /** A read finished at least once, so "no rows" means empty rather than not loaded. */
  loaded: boolean;
  /** What the last read says about what it did not show (aborted transactions, an open one). */
  notes: string[];
  /** RabbitMQ streams: the protocol the last read used. */
  via: 'stream protocol' | 'AMQP' | null;
}

const initial: ReaderState = { rows: [], reading: null, next: null, end: null, error: null, dropped: 0, loaded: false, notes: [], via: null };

/** A read of more than this many is a job in the core: closing its tab lets it go on. */
const JOB_LIMIT = 1000;

/**
 * Runs cancellable range reads for one tab and keeps what they streamed, bounded. A long read
 * outlives its tab (the jobs panel's Open attaches a reopened tab to it).
 */
export function useRecordReader(connectionId: string) {
  const client = useClient();
  const [state, setState] = useState<ReaderState>(initial);
  const controller = useRef<AbortController | null>(null);
  const letGo = useRef<{ controller: AbortController; job: boolean } | null>(null);

  const follow = useCallback(
    async (
      append: boolean,
      job: boolean,
      work: (
        signal: AbortSignal,
        detach: AbortSignal,
        onBatch: (items: Envelope[]) => void,
        onProgress: (p: { done: number; total: number | null; exact: boolean }) => void,
      ) => Promise<z.infer<typeof ReadSummary>>,
    ) => {
      controller.current?.abort();
      const c = new AbortController();
      const d = new AbortController();
      controller.current = c;
      letGo.current = { controller: d, job };
      const startedAt = performance.now();
      setState((s) => ({ ...(append ? s : { ...initial }), error: null, notes: [], reading: { done: 0, total: null, exact: false, startedAt, lastActivity: startedAt } }));
      try {
        const summary = await work(
          c.signal,
          d.signal,
          (items) =>
            setState((s) => {
              const rows = s.rows.concat(items);
              const over = Math.max(0, rows.length - MAX_ROWS);
              return { ...s, rows: over ? rows.slice(over) : rows, dropped: s.dropped + over };
            }),
          (p) => setState((s) => ({ ...s, reading: { ...p, startedAt, lastActivity: performance.now() } })),
        );
        setState((s) => ({ ...s, reading: null, next: summary.next, end: summary.end, loaded: true, notes: summary.notes ?? [], via: summary.via ?? null }));
      } catch (error) {
        setState((s) => ({ ...s, reading: null, loaded: true, error: c.signal.aborted || d.signal.aborted ? null : error }));
      } finally {
        if (controller.current === c) letGo.current = null;
      }
    },
    [],
  );

  const read = useCallback(
    (target: ReadTarget, from: ReadStart, limit: number, append: boolean) =>
      follow(append, limit > JOB_LIMIT, (signal, detach, onBatch, onProgress) => client.stream('records/read', { connectionId, target, from, limit }, { signal, detach, onBatch, onProgress })),
    [client, connectionId, follow],
  );

  /** Takes back a long read that went on without its tab: what it kept, then the rest. */
  const attach = useCallback(
    (jobId: string) =>
      follow(false, true, async (signal, detach, onBatch, onProgress) => {
        const end = await client.stream('jobs/attach', { id: jobId }, { signal, detach, onBatch: (items) => onBatch(items.map((x) => Envelope.parse(x))), onProgress });
        if (end.dropped > 0) setState((s) => ({ ...s, dropped: s.dropped + end.dropped }));
        return ReadSummary.parse(end.result);
      }),
    [client, follow],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);
  // A closed tab stops a short read, and lets a long one (a job) go on.
  useEffect(
    () => () => {
      if (letGo.current?.job) letGo.current.controller.abort();
      else controller.current?.abort();
    },
    [],
  );

  return { ...state, read, attach, cancel };
}
