import type { ConnectionSummary } from '../model/connections';
import type { Envelope } from '../model/envelope';
import { toApiError } from '../model/errors';
import { checkAll } from '../model/trace-checks';
import type { TraceItem, TraceMember, TraceRequest, TraceSourceState, TraceSummary, TraceWhere } from '../model/trace';
import type { SourceAdapter } from '../sources/source-adapter';
import { deadMarkOf } from './dead-mark';
import { lookInSource } from './look-in-source';

export interface TraceDeps {
  connections(): ConnectionSummary[];
  adapter(connectionId: string): Promise<SourceAdapter>;
}

const PROGRESS_EVERY_MS = 250;

/**
 * Follows one conversation through the connections the user picked, each looked in at once.
 * Members stream out as they are found; a source that fails is marked and the others go on; at
 * the bound every look stops and the summary says so. The checks run on what was found.
 */
export async function runTrace(
  deps: TraceDeps,
  req: TraceRequest,
  signal: AbortSignal,
  send: (item: TraceItem) => void,
  progress: (p: { done: number; total: number | null; exact: boolean }) => void,
): Promise<TraceSummary> {
  const started = Date.now();
  const all = deps.connections();
  const members: TraceMember[] = [];
  const notes: string[] = [];
  const atBound = new AbortController();
  const looking = AbortSignal.any([signal, atBound.signal]);
  // A connection named twice is looked in once: its messages are not each other's duplicates.
  const states = [...new Set(req.connectionIds)].map((id): TraceSourceState => {
    const c = all.find((x) => x.id === id);
    return {
      connectionId: id,
      connectionName: c?.name ?? id,
      kind: c?.kind ?? 'unknown',
      state: 'looking',
      resourcesDone: 0,
      resources: 0,
      scanned: 0,
      found: 0,
      message: c ? null : 'This connection no longer exists.',
    };
  });
  let lastSent = 0;
  const report = (s: TraceSourceState, force = false) => {
    const now = Date.now();
    if (!force && now - lastSent < PROGRESS_EVERY_MS) return;
    lastSent = now;
    send({ kind: 'source', source: { ...s } });
    progress({ done: states.reduce((n, x) => n + x.resourcesDone, 0), total: states.reduce((n, x) => n + x.resources, 0) || null, exact: true });
  };
  const keep = (where: TraceWhere, records: Envelope[], deadPlace: boolean, state: TraceSourceState) => {
    if (atBound.signal.aborted || records.length === 0) return;
    const room = req.bound - members.length;
    const taken = records.slice(0, room).map((record): TraceMember => ({ where, record, dead: deadMarkOf(where, record, deadPlace) }));
    members.push(...taken);
    state.found += taken.length;
    send({ kind: 'members', members: taken });
    if (members.length >= req.bound) atBound.abort();
    report(state);
  };

  await Promise.all(
    states.map(async (state) => {
      if (state.message !== null) {
        state.state = 'failed';
        return report(state, true);
      }
      try {
        const adapter = await deps.adapter(state.connectionId);
        await lookInSource(
          adapter,
          {
            key: req.key,
            window: req.window,
            connectionId: state.connectionId,
            connectionName: state.connectionName,
            ...(req.only?.[state.connectionId] ? { only: req.only[state.connectionId] } : {}),
          },
          looking,
          {
            found: (where, records, deadPlace) => keep(where, records, deadPlace, state),
            scanned: (more) => {
              state.scanned += more;
              report(state);
            },
            resources: (done, total) => {
              state.resourcesDone = done;
              state.resources = total;
              report(state);
            },
            skipped: (why) => {
              state.message = state.message ? `${state.message} ${why}` : why;
            },
          },
        );
        state.state = looking.aborted ? 'stopped' : 'done';
      } catch (e) {
        if (signal.aborted) throw e;
        // At the bound the looks are stopped on purpose; any other end is this source's failure, and the trace goes on without it.
        if (atBound.signal.aborted) state.state = 'stopped';
        else {
          state.state = 'failed';
          const err = toApiError(e);
          state.message = `${err.message}${err.hint ? ` ${err.hint}` : ''}`;
        }
      }
      report(state, true);
    }),
  );
  if (signal.aborted) {
    const e = new Error('Cancelled');
    e.name = 'AbortError';
    throw e;
  }
  const bounded = atBound.signal.aborted;
  if (bounded)
    notes.push(
      `The trace stopped at ${req.bound.toLocaleString('en-US')} messages, its bound: there may be more, and causes not found are not listed (they may be among them). Trace again with a higher bound to find them.`,
    );
  const failed = states.filter((s) => s.state === 'failed');
  if (failed.length) notes.push(`Not looked in to the end: ${failed.map((s) => s.connectionName).join(', ')} (see each source's line).`);
  return { members: members.length, sources: states, bounded, findings: checkAll(members, 'trace', !bounded), elapsedMs: Date.now() - started, notes };
}
