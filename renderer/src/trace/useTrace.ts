import { useCallback, useRef, useState } from 'react';
import { useUnmountSignal } from '../api/useUnmountSignal';
import { useClient } from '../api/client-context';
import { TraceItem, TraceRequest, TraceSummary, type TraceMember, type TraceSourceState } from '../../../src/model/trace';
import { checkAll } from '../../../src/model/trace-checks';

export interface TraceState {
  request: TraceRequest | null;
  members: TraceMember[];
  sources: TraceSourceState[];
  summary: TraceSummary | null;
  running: boolean;
  error: unknown;
  stopped: boolean;
}

const initial: TraceState = { request: null, members: [], sources: [], summary: null, running: false, error: null, stopped: false };

/**
 * A trace as it runs: members as they are found, each source's state, then the summary with the
 * checks' findings. Closing the tab lets the trace go on as a job; the jobs panel brings it back.
 */
export function useTrace() {
  const client = useClient();
  const [state, setState] = useState<TraceState>(initial);
  const controller = useRef<AbortController | null>(null);
  const attached = useRef<string | null>(null);
  // Closing the tab lets the job go on in the core.
  const detach = useUnmountSignal();

  const onItems = useCallback((items: TraceItem[]) => {
    setState((s) => {
      let members = s.members;
      let sources = s.sources;
      for (const item of items) {
        if (item.kind === 'members') members = members.concat(item.members);
        else
          sources = sources.some((x) => x.connectionId === item.source.connectionId) ? sources.map((x) => (x.connectionId === item.source.connectionId ? item.source : x)) : [...sources, item.source];
      }
      return { ...s, members, sources };
    });
  }, []);

  const finish = (summary: TraceSummary) => setState((s) => ({ ...s, running: false, summary, sources: summary.sources }));
  const started = useRef(0);
  // Stopped by the user: the checks run here over what was found, so what stands can be read and exported.
  const fail = (c: AbortController, error: unknown) =>
    setState((s) => ({
      ...s,
      running: false,
      stopped: c.signal.aborted,
      error: c.signal.aborted ? null : error,
      summary: c.signal.aborted
        ? {
            members: s.members.length,
            sources: s.sources.map((x) => (x.state === 'looking' ? { ...x, state: 'stopped' as const } : x)),
            bounded: false,
            findings: checkAll(s.members, 'trace', false),
            elapsedMs: Date.now() - started.current,
            notes: ['Stopped before the end: the messages and findings are those found until then (causes not found are not listed: they may be among the rest).'],
          }
        : s.summary,
    }));

  const start = useCallback(
    async (request: TraceRequest) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setState({ ...initial, request, running: true });
      started.current = Date.now();
      try {
        finish(await client.stream('trace/run', request, { signal: c.signal, detach: detach.current, onBatch: onItems }));
      } catch (e) {
        fail(c, e);
      }
    },
    [client, onItems, detach],
  );

  /** A trace that went on without its tab: what it found so far, then the rest. */
  const attach = useCallback(
    async (jobId: string) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      attached.current = jobId;
      setState({ ...initial, running: true });
      started.current = Date.now();
      try {
        const asked = TraceRequest.safeParse((await client.call('jobs/get', { id: jobId }, { signal: c.signal })).params);
        if (asked.success) setState((s) => ({ ...s, request: asked.data }));
        const end = await client.stream('jobs/attach', { id: jobId }, { signal: c.signal, detach: detach.current, onBatch: (raw) => onItems(raw.map((x) => TraceItem.parse(x))) });
        finish(TraceSummary.parse(end.result));
      } catch (e) {
        fail(c, e);
      } finally {
        attached.current = null;
      }
    },
    [client, onItems, detach],
  );

  /** A trace read back from a file: nothing runs. */
  const show = useCallback((request: TraceRequest, summary: TraceSummary, members: TraceMember[]) => {
    controller.current?.abort();
    setState({ ...initial, request, summary, members, sources: summary.sources });
  }, []);

  const stop = useCallback(() => {
    if (attached.current) void client.call('jobs/cancel', { id: attached.current });
    controller.current?.abort();
  }, [client]);

  return { ...state, start, attach, show, stop };
}
