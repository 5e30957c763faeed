import { useCallback, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { Envelope, ReadFrom, ReadTarget } from '../api/types';

/** A tab never holds more than this; older rows are dropped first and the toolbar says so. */
export const MAX_ROWS = 50_000;

export interface ReadProgress {
  done: number;
  total: number | null;
  exact: boolean;
  startedAt: number;
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
}

const initial: ReaderState = { rows: [], reading: null, next: null, end: null, error: null, dropped: 0, loaded: false };

/** Runs cancellable range reads for one tab and keeps what they streamed, bounded. */
export function useRecordReader(connectionId: string) {
  const client = useClient();
  const [state, setState] = useState<ReaderState>(initial);
  const controller = useRef<AbortController | null>(null);

  const read = useCallback(
    async (target: ReadTarget, from: ReadFrom, limit: number, append: boolean) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      const startedAt = performance.now();
      setState((s) => ({ ...(append ? s : { ...initial }), error: null, reading: { done: 0, total: null, exact: false, startedAt } }));
      try {
        const summary = await client.stream(
          'records/read',
          { connectionId, target, from, limit },
          {
            signal: c.signal,
            onBatch: (items) =>
              setState((s) => {
                const rows = s.rows.concat(items);
                const over = Math.max(0, rows.length - MAX_ROWS);
                return { ...s, rows: over ? rows.slice(over) : rows, dropped: s.dropped + over };
              }),
            onProgress: (p) => setState((s) => ({ ...s, reading: { ...p, startedAt } })),
          },
        );
        setState((s) => ({ ...s, reading: null, next: summary.next, end: summary.end, loaded: true }));
      } catch (error) {
        setState((s) => ({ ...s, reading: null, loaded: true, error: c.signal.aborted ? null : error }));
      }
    },
    [client, connectionId],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);

  return { ...state, read, cancel };
}
