import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { Envelope } from '../api/types';
import type { RecordFilter } from '../../../src/model/topic-scan';

/** The newest records a tail keeps; older ones leave the view (and the count says how many). */
export const TAIL_BUFFER = 5_000;

interface TailState {
  records: Envelope[];
  dropped: number;
  received: number;
  following: boolean;
  /** Paused: nothing is read; Resume starts from where it stopped, so nothing is missed. */
  paused: boolean;
  error: unknown;
}

const initial: TailState = { records: [], dropped: 0, received: 0, following: false, paused: false, error: null };

export function useTopicTail(connectionId: string) {
  const client = useClient();
  const [state, setState] = useState<TailState>(initial);
  const controller = useRef<AbortController | null>(null);
  const positions = useRef<Record<string, string> | null>(null);
  const base = useRef<{ topic: string; partitions: number[] | null; filter: RecordFilter; isolation: 'read_committed' | 'read_uncommitted' } | null>(null);

  const follow = useCallback(
    async (fresh: boolean) => {
      if (!base.current) return;
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setState((s) => ({ ...(fresh ? initial : s), following: true, paused: false, error: null }));
      const from = !fresh && positions.current ? { type: 'offsets' as const, value: positions.current } : { type: 'end' as const };
      try {
        await client.stream(
          'topics/tail',
          { connectionId, ...base.current, from },
          {
            signal: c.signal,
            onBatch: (items) => {
              positions.current = items[items.length - 1]!.positions;
              const fresh = items.flatMap((i) => i.records);
              if (fresh.length === 0) return;
              setState((s) => {
                const records = s.records.concat(fresh);
                const over = Math.max(0, records.length - TAIL_BUFFER);
                return { ...s, records: over ? records.slice(over) : records, dropped: s.dropped + over, received: s.received + fresh.length };
              });
            },
          },
        );
        setState((s) => ({ ...s, following: false }));
      } catch (error) {
        setState((s) => ({ ...s, following: false, error: c.signal.aborted ? null : error }));
      }
    },
    [client, connectionId],
  );

  const start = useCallback(
    (request: NonNullable<typeof base.current>) => {
      base.current = request;
      positions.current = null;
      void follow(true);
    },
    [follow],
  );
  const pause = useCallback(() => {
    controller.current?.abort();
    setState((s) => ({ ...s, paused: true, following: false }));
  }, []);
  const resume = useCallback(() => void follow(false), [follow]);
  const stop = useCallback(() => {
    controller.current?.abort();
    base.current = null;
    setState(initial);
  }, []);

  // A closed tab stops what it started.
  useEffect(() => () => controller.current?.abort(), []);

  return { ...state, start, pause, resume, stop };
}
