import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { Envelope, ReadFrom, ReadTarget } from '../api/types';

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
}

const initial: ReaderState = { rows: [], reading: null, next: null, end: null, error: null, dropped: 0, loaded: false, notes: [] };

/** Runs cancellable range reads for one tab and keeps what they streamed, bounded. */
export function useRecordReader(connectionId: string) {
  const client = useClient();
  const [state, setState] = useState<ReaderState>(initial);
  const controller = useRef<AbortController | null>(null);

  const read = useCallback(
    async (target: ReadTarget, from: ReadFrom, limit: number, append: boolean, isolation?: 'read_committed' | 'read_uncommitted') => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      const startedAt = performance.now();
      setState((s) => ({ ...(append ? s : { ...initial }), error: null, notes: [], reading: { done: 0, total: null, exact: false, startedAt, lastActivity: startedAt } }));
      try {
        const summary = await client.stream(
          'records/read',
          { connectionId, target, from, limit, ...(isolation ? { isolation } : {}) },
          {
            signal: c.signal,
            onBatch: (items) =>
              setState((s) => {
                const rows = s.rows.concat(items);
                const over = Math.max(0, rows.length - MAX_ROWS);
                return { ...s, rows: over ? rows.slice(over) : rows, dropped: s.dropped + over };
              }),
            onProgress: (p) => setState((s) => ({ ...s, reading: { ...p, startedAt, lastActivity: performance.now() } })),
          },
        );
        setState((s) => ({ ...s, reading: null, next: summary.next, end: summary.end, loaded: true, notes: summary.notes ?? [] }));
      } catch (error) {
        setState((s) => ({ ...s, reading: null, loaded: true, error: c.signal.aborted ? null : error }));
      }
    },
    [client, connectionId],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);
  // A closed tab stops its read.
  useEffect(() => () => controller.current?.abort(), []);

  return { ...state, read, cancel };
}
