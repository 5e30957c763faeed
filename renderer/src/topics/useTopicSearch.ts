import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { Envelope } from '../api/types';
import { ScanItem, ScanRequest, ScanSummary, type RecordFilter, type TopicFrom } from '../../../src/model/topic-scan';

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

/** Time order, as the table promises: by timestamp (none first), then partition, then offset. */
const byTime = (a: Envelope, b: Envelope): number => {
  const ta = a.timestamp ? Date.parse(a.timestamp) : -Infinity;
  const tb = b.timestamp ? Date.parse(b.timestamp) : -Infinity;
  return ta !== tb ? (ta < tb ? -1 : 1) : (a.partition ?? 0) - (b.partition ?? 0) || Number(a.position) - Number(b.position);
};

/**
 * Hits from all partitions arrive partition by partition; they join the ones shown in time order,
 * so the table is merged by time at every moment, not only at the end.
 */
export function mergeByTime(shown: Envelope[], arrived: Envelope[]): Envelope[] {
  if (arrived.length === 0) return shown;
  const add = [...arrived].sort(byTime);
  // The common case (a later round, one partition): everything lands after what is shown.
  if (shown.length === 0 || byTime(shown[shown.length - 1]!, add[0]!) <= 0) return shown.concat(add);
  const out: Envelope[] = new Array<Envelope>(shown.length + add.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < shown.length && j < add.length) out[k++] = byTime(shown[i]!, add[j]!) <= 0 ? shown[i++]! : add[j++]!;
  while (i < shown.length) out[k++] = shown[i++]!;
  while (j < add.length) out[k++] = add[j++]!;
  return out;
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
  /** The conditions of a search this tab took back from the jobs panel, for the form to show. */
  const [filter, setFilter] = useState<RecordFilter | null>(null);
  /** Where that search started, for the toolbar to show. */
  const [attachedFrom, setAttachedFrom] = useState<TopicFrom | null>(null);
  const controller = useRef<AbortController | null>(null);
  const base = useRef<Omit<ScanRequest, 'connectionId' | 'from' | 'to' | 'limit'> | null>(null);
  const last = useRef<{ positions: Record<string, string>; ends: Record<string, string> } | null>(null);
  const first = useRef<{ from: TopicFrom; to: Record<string, string> | null } | null>(null);
  // Closing the tab lets a running search go on as a job (the jobs panel can bring its hits back).
  const unmounted = useRef(new AbortController());
  useEffect(() => {
    const c = new AbortController();
    unmounted.current = c;
    return () => c.abort();
  }, []);
  /** The job this tab shows without having started it: Stop cancels it in the core. */
  const attachedJob = useRef<string | null>(null);

  const onItems = useCallback((items: ScanItem[]) => {
    for (const item of items) {
      if (item.kind === 'progress') {
        last.current = {
          positions: Object.fromEntries(item.partitions.map((p) => [String(p.partition), p.position])),
          ends: Object.fromEntries(item.partitions.map((p) => [String(p.partition), p.end])),
        };
      }
    }
    setState((s) => {
      let hits = s.hits;
      let progress = s.progress;
      for (const item of items) {
        if (item.kind === 'hits') hits = mergeByTime(hits, item.records);
        else progress = item;
      }
      return { ...s, hits: hits.length > MAX_HITS ? hits.slice(hits.length - MAX_HITS) : hits, progress };
    });
  }, []);

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
          { signal: c.signal, detach: unmounted.current.signal, onBatch: onItems },
        );
        last.current = { positions: summary.positions, ends: summary.ends };
        // The first round fixes the range: where it started and where each partition ends.
        if (!append && first.current) first.current = { ...first.current, to: summary.ends };
        setState((s) => ({ ...s, running: false, summary }));
      } catch (error) {
        setState((s) => ({ ...s, running: false, stoppedByUser: c.signal.aborted, error: c.signal.aborted ? null : error }));
      }
    },
    [client, connectionId, onItems],
  );

  /** Shows a search job that ran without this tab: its kept hits, then the rest as they come. */
  const attach = useCallback(
    async (jobId: string) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      attachedJob.current = jobId;
      base.current = null;
      last.current = null;
      setState({ ...initial, running: true, startedAt: performance.now() });
      try {
        // What the search asked: its form shows it again, and Continue and Export repeat it.
        const asked = ScanRequest.safeParse((await client.call('jobs/get', { id: jobId }, { signal: c.signal })).params);
        if (asked.success) {
          const { topic, partitions, filter, isolation, from, to } = asked.data;
          base.current = { topic, partitions, filter, isolation };
          first.current = { from, to };
          setFilter(filter);
          setAttachedFrom(from);
        }
        const end = await client.stream('jobs/attach', { id: jobId }, { signal: c.signal, detach: unmounted.current.signal, onBatch: (raw) => onItems(raw.map((x) => ScanItem.parse(x))) });
        const summary = ScanSummary.parse(end.result);
        last.current = { positions: summary.positions, ends: summary.ends };
        if (first.current && !first.current.to) first.current = { ...first.current, to: summary.ends };
        setState((s) => ({ ...s, running: false, summary }));
      } catch (error) {
        setState((s) => ({ ...s, running: false, stoppedByUser: c.signal.aborted, error: c.signal.aborted ? null : error }));
      } finally {
        attachedJob.current = null;
      }
    },
    [client, onItems],
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

  const stop = useCallback(() => {
    // An attached job is stopped where it runs; letting go of the attach alone would leave it running.
    if (attachedJob.current) void client.call('jobs/cancel', { id: attachedJob.current });
    controller.current?.abort();
  }, [client]);
  const clear = useCallback(() => {
    controller.current?.abort();
    base.current = null;
    setState(initial);
  }, []);

  /** What the last search asked (its range from where it started): an export of its hits repeats it. */
  const request = base.current && first.current ? { ...base.current, from: first.current.from, to: first.current.to } : null;

  return { ...state, start, resume, stop, clear, attach, canResume: last.current !== null && base.current !== null, request, attachedFilter: filter, attachedFrom };
}
