import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { Envelope } from '../api/types';

/** The newest messages a tail keeps; older ones leave the view (and the count says how many). */
export const TAIL_BUFFER = 5_000;

type Target = { type: 'rabbit-stream'; vhost: string; queue: string } | { type: 'source'; resource: string };

/**
 * How a stream's positions go: the one after a record's, and whether a position was in the stream
 * before the tail began (given the end a one-record read of its last reports). RabbitMQ's are
 * offsets and its end is the offset after the last; Redis's are ids and its end is the last id.
 */
export interface TailPositions {
  after(position: string): string;
  before(position: string, end: string): boolean;
}

export const OFFSETS: TailPositions = {
  after: (p) => String(BigInt(p) + 1n),
  before: (p, end) => BigInt(p) < BigInt(end),
};

interface TailState {
  records: Envelope[];
  /** Messages the broker took after the tail began. */
  received: number;
  /** Messages that were already in the stream when the tail began, read to catch up. */
  caughtUp: number;
  dropped: number;
  following: boolean;
  /** Paused: nothing is read; Resume goes on from the offset after the last one shown, so nothing is missed. */
  paused: boolean;
  via: 'stream protocol' | 'AMQP' | 'XREAD' | null;
  error: unknown;
}

const initial: TailState = { records: [], received: 0, caughtUp: 0, dropped: 0, following: false, paused: false, via: null, error: null };

/** A stream followed live, with pause and resume that miss nothing (the stream keeps what arrives meanwhile). */
export function useStreamTail(connectionId: string, positions: TailPositions = OFFSETS) {
  const client = useClient();
  const [state, setState] = useState<TailState>(initial);
  const controller = useRef<AbortController | null>(null);
  const target = useRef<Target | null>(null);
  const next = useRef<string | null>(null);
  /** The stream's end when the tail began: before it is backlog. */
  const boundary = useRef<string | null>(null);

  /** The stream's end, from a one-message read of its last entries. */
  const streamEnd = useCallback(
    async (t: Target): Promise<string | null> => {
      const summary = await client.stream('records/read', { connectionId, target: t, from: { type: 'last' }, limit: 1 });
      return summary.end;
    },
    [client, connectionId],
  );

  const follow = useCallback(
    async (from: { type: 'next' } | { type: 'position'; value: string }, fresh: boolean) => {
      if (!target.current) return;
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setState((s) => ({ ...(fresh ? initial : s), following: true, paused: false, error: null }));
      try {
        await client.stream(
          'records/follow',
          { connectionId, target: target.current, from },
          {
            signal: c.signal,
            onBatch: (items) => {
              const records: Envelope[] = [];
              for (const item of items) {
                if ('via' in item) setState((s) => ({ ...s, via: item.via }));
                else records.push(item);
              }
              if (records.length === 0) return;
              next.current = positions.after(records[records.length - 1]!.position);
              const end = boundary.current;
              const old = end === null ? 0 : records.filter((r) => positions.before(r.position, end)).length;
              setState((s) => {
                const all = s.records.concat(records);
                const over = Math.max(0, all.length - TAIL_BUFFER);
                return { ...s, records: over ? all.slice(over) : all, dropped: s.dropped + over, received: s.received + records.length - old, caughtUp: s.caughtUp + old };
              });
            },
          },
        );
        setState((s) => ({ ...s, following: false }));
      } catch (error) {
        setState((s) => ({ ...s, following: false, error: c.signal.aborted ? null : error }));
      }
    },
    [client, connectionId, positions],
  );

  /** From the offset after what the table shows (nothing between the read and the tail is missed), or from what arrives next. */
  const start = useCallback(
    (t: Target, after: string | null) => {
      target.current = t;
      next.current = after;
      boundary.current = null;
      void (async () => {
        // Where the stream ends now: what the tail reads below that was there before it began.
        if (after !== null) boundary.current = await streamEnd(t).catch(() => null);
        if (target.current === t) void follow(after ? { type: 'position', value: after } : { type: 'next' }, true);
      })();
    },
    [follow, streamEnd],
  );
  const pause = useCallback(() => {
    controller.current?.abort();
    setState((s) => ({ ...s, following: false, paused: true }));
  }, []);
  const resume = useCallback(() => void follow(next.current ? { type: 'position', value: next.current } : { type: 'next' }, false), [follow]);
  const stop = useCallback(() => {
    controller.current?.abort();
    target.current = null;
    setState(initial);
  }, []);
  useEffect(() => () => controller.current?.abort(), []);

  return { ...state, active: state.following || state.paused, start, pause, resume, stop };
}
