import { useCallback, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { Envelope } from '../api/types';
import type { RecordFilter, ScanItem, ScanRequest, ScanSummary, TopicFrom } from '../../../src/model/topic-scan';

/** Hits kept in the tab; a search past this many is continued page by page. */
export const HITS_PER_ROUND = 1_000;
export const MAX_HITS = 50_000;

type Progress = Extract<ScanItem, { kind: 'progress' }>;

interface SearchState {
  hits: Envelope[];
  progress: Progress | null;
  summary: ScanSummary | null;
  running: boolean;
  startedAt: number;
  error: unknown;
  /** Stopped by the user: Continue picks up from the last positions reported. */
  stoppedByUser: boolean;
}

const initial: SearchState = { hits: [], progress: null, summary: null, running: false, startedAt: 0, error: null, stoppedByUser: false };

/**
 * A search of a whole topic that streams hits as they are found. It can be stopped and continued:
 * every progress report carries each partition's position, and a continued search starts there
 * and stops at the same ends, so no hit is found twice and none is skipped.
 */
export function useTopicSearch(connectionId: string) {
  const client = useClient();
  const [state, setState] = useState<SearchState>(initial);
  const controller = useRef<AbortController | null>(null);
  const base = useRef<Omit<ScanRequest, 'connectionId' | 'from' | 'to' | 'limit'> | null>(null);
  const last = useRef<{ positions: Record<string, string>; ends: Record<string, string> } | null>(null);
  const first = useRef<{ from: TopicFrom; to: Record<string, string> | null } | null>(null);

  const run = useCallback(
    async (from: TopicFrom, to: Record<string, string> | null, append: boolean) => {
      if (!base.current) return;
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      const startedAt = performance.now();
      setState((s) => ({ ...(append ? s : initial), running: true, startedAt, error: null, summary: null, stoppedByUser: false }));
      try {
        const summary = await client.stream(
          'topics/search',
          { connectionId, ...base.current, from, to, limit: HITS_PER_ROUND },
          {
            signal: c.signal,
            onBatch: (items) => {
              for (const item of items) {
                if (item.kind === 'progress') {
                  last.current = { positions: Object.fromEntries(item.partitions.map((p) => [String(p.partition), p.position])), ends: Object.fromEntries(item.partitions.map((p) => [String(p.partition), p.end])) };
                }
              }
              setState((s) => {
                let hits = s.hits;
                let progress = s.progress;
                for (const item of items) {
                  if (item.kind === 'hits') hits = hits.concat(item.records);
                  else progress = item;
                }
                return { ...s, hits: hits.length > MAX_HITS ? hits.slice(hits.length - MAX_HITS) : hits, progress };
              });
            },
          },
        );
        last.current = { positions: summary.positions, ends: summary.ends };
        // The first round fixes the range: where it started and where each partition ends.
        if (!append && first.current) first.current = { ...first.current, to: summary.ends };
        setState((s) => ({ ...s, running: false, summary }));
      } catch (error) {
        setState((s) => ({ ...s, running: false, stoppedByUser: c.signal.aborted, error: c.signal.aborted ? null : error }));
      }
    },
    [client, connectionId],
  );

  const start = useCallback(
    (request: { topic: string; partitions: number[] | null; filter: RecordFilter; isolation: 'read_committed' | 'read_uncommitted'; from: TopicFrom }) => {
      const { from, ...rest } = request;
      base.current = rest;
      last.current = null;
      first.current = { from, to: null };
      void run(from, null, false);
    },
    [run],
  );

  /** On from where the last round, a stop or an error left each partition. */
  const resume = useCallback(() => {
    if (last.current) void run({ type: 'offsets', value: last.current.positions }, last.current.ends, true);
  }, [run]);

  const stop = useCallback(() => controller.current?.abort(), []);
  const clear = useCallback(() => {
    controller.current?.abort();
    base.current = null;
    setState(initial);
  }, []);

  /** What the last search asked (its range from where it started): an export of its hits repeats it. */
  const request = base.current && first.current ? { ...base.current, from: first.current.from, to: first.current.to } : null;

  return { ...state, start, resume, stop, clear, canResume: last.current !== null, request };
}
