import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { TraceMember, TraceRequest, TraceSourceState, TraceSummary } from '../../../src/model/trace';
import { DetailPane } from '../records/DetailPane';
import { DetailSplitter, useDetailWidth } from '../records/DetailSplitter';
import { ErrorBox } from '../ui/ErrorBox';
import { saveDownload } from '../ui/download';
import { formatCount, formatTime } from '../ui/format';
import { findingMembers, treeRows } from './trace-tree';
import { traceFileText } from './trace-file';
import { TraceTimeline } from './TraceTimeline';
import { TraceTree } from './TraceTree';
import { FindingsList } from './FindingsList';
import { useTraceActions } from './trace-launch';
import { useTrace } from './useTrace';

/** How a trace tab starts: a new trace, a job to attach to, or a trace read from a file. */
export type TraceStart = { kind: 'run'; request: TraceRequest } | { kind: 'attach'; jobId: string } | { kind: 'file'; request: TraceRequest; summary: TraceSummary; members: TraceMember[] };

function sourceLine(s: TraceSourceState): string {
  const state = s.state === 'looking' ? 'looking…' : s.state === 'done' ? 'done' : s.state === 'stopped' ? 'stopped at the bound' : 'not reached';
  return `${s.connectionName}: ${state} · ${s.resourcesDone}/${s.resources} places · ${formatCount(s.scanned)} read · ${formatCount(s.found)} found`;
}

/** A conversation: its sources as they are looked in, the checks' findings, and its members as a causation tree or a timeline. */
export function TraceTab({ start, dark: _dark }: { start: TraceStart; dark: boolean }) {
  const trace = useTrace();
  const actions = useTraceActions();
  const [view, setView] = useState<'tree' | 'timeline'>('tree');
  const [selected, setSelected] = useState(-1);
  const [width, setWidth] = useDetailWidth();
  const begun = useRef(false);
  useEffect(() => {
    if (begun.current) return;
    begun.current = true;
    if (start.kind === 'run') void trace.start(start.request);
    else if (start.kind === 'attach') void trace.attach(start.jobId);
    else trace.show(start.request, start.summary, start.members);
  }, [start, trace]);

  const rows = useMemo(() => treeRows(trace.members), [trace.members]);
  const rowOfMember = useMemo(() => new Map(rows.map((r, i) => [r.index, i])), [rows]);
  const current = selected >= 0 ? (trace.members[rows[selected]?.index ?? -1] ?? null) : null;
  const request = trace.request;
  const summary = trace.summary;
  const key = request?.key;
  const deadCount = trace.members.filter((m) => m.dead).length;

  const selectMember = (index: number) => setSelected(rowOfMember.get(index) ?? -1);
  const flagged = useMemo(() => new Set(summary?.findings.flatMap((f) => findingMembers(f, trace.members)) ?? []), [summary, trace.members]);
  const [saved, setSaved] = useState<string | null>(null);
  const open = (m: TraceMember | null) => m && actions?.open({ where: m.where, position: m.record.position, partition: m.record.partition });

  const exportTrace = () => {
    if (!request || !summary) return;
    const name = `trace-${key?.value.slice(0, 40).replace(/[^\w.-]/g, '_') ?? 'conversation'}.jsonl`;
    saveDownload([traceFileText(request, summary, trace.members)], name);
    setSaved(name);
    setTimeout(() => setSaved(null), 5000);
  };

  return (
    <div className="trace-tab">
      <div className="toolbar">
        <h2 className="trace-title">
          {key ? (
            <>
              {key.by === 'correlation' ? 'Correlation' : 'Trace id'} <code>{key.value}</code>
            </>
          ) : (
            'Trace'
          )}
        </h2>
        <span className="muted" data-testid="trace-summary" role="status">
          {formatCount(trace.members.length)} message{trace.members.length === 1 ? '' : 's'}
          {deadCount ? ` · ${deadCount} dead` : ''}
          {summary ? ` · ${formatCount(summary.findings.length)} finding${summary.findings.length === 1 ? '' : 's'} · ${(summary.elapsedMs / 1000).toFixed(1)} s` : trace.running ? ' · tracing…' : ''}
          {trace.stopped ? ' · stopped' : ''}
          {request ? ` · within ${formatTime(request.window.from)} – ${formatTime(request.window.to)}` : ''}
          {start.kind === 'file' ? ' · opened from a file' : ''}
          {saved ? ` · saved ${saved}` : ''}
        </span>
        <div className="spacer" />
        {trace.running && (
          <button className="btn small" onClick={trace.stop}>
            Stop
          </button>
        )}
        <div className="segmented" role="group" aria-label="Show as">
          <button aria-pressed={view === 'tree'} onClick={() => setView('tree')}>
            Tree
          </button>
          <button aria-pressed={view === 'timeline'} onClick={() => setView('timeline')}>
            Timeline
          </button>
        </div>
        <button className="btn small" disabled={!summary} onClick={exportTrace} title={summary ? 'Save the trace as JSON lines; open it again from the palette' : 'Export when the trace has ended'}>
          Export
        </button>
      </div>
      {trace.error !== null && (
        <div className="section">
          <ErrorBox error={trace.error} />
        </div>
      )}
      <ul className="trace-sources" aria-label="Sources">
        {trace.sources.map((s) => (
          <li key={s.connectionId} className={s.state === 'failed' ? 'bad' : undefined}>
            {sourceLine(s)}
            {s.message && <span className="muted"> — {s.message}</span>}
          </li>
        ))}
        {trace.running && trace.sources.length === 0 && <li className="muted">Starting…</li>}
      </ul>
      {summary?.notes.map((n) => (
        <div key={n} className="notice warn" role="status">
          {n}
        </div>
      ))}
      {summary && <FindingsList findings={summary.findings} links={(f) => findingMembers(f, trace.members).map((m, j) => ({ label: `show ${j + 1}`, go: () => selectMember(m) }))} />}
      {summary && summary.findings.length === 0 && trace.members.length > 0 && <div className="muted section">No duplicates, orphans, version gaps or messages out of time order.</div>}
      <div className="records resizable" style={width === null ? undefined : ({ '--detail-width': `${width}px` } as CSSProperties)}>
        {/* Enter on the tree opens the selected message in its own view, as the button does. */}
        <div className="table-wrap" onKeyDown={(e) => e.key === 'Enter' && view === 'tree' && current && open(current)}>
          {view === 'tree' ? (
            <TraceTree rows={rows} members={trace.members} selected={selected} onSelect={setSelected} onOpen={(i) => open(trace.members[rows[i]!.index] ?? null)} />
          ) : (
            <TraceTimeline members={trace.members} selected={rows[selected]?.index ?? null} flagged={flagged} onSelect={selectMember} />
          )}
        </div>
        <DetailSplitter width={width} onWidth={setWidth} />
        <div className="detail-stack">
          {current && (
            <div className="toolbar trace-member-bar">
              <span className="muted">
                {current.where.connectionName} · {current.where.resource}
                {current.dead ? <span className="bad-text"> · {current.dead}</span> : null}
              </span>
              <div className="spacer" />
              <button className="btn small primary" onClick={() => open(current)}>
                Open in {current.where.resource}
              </button>
            </div>
          )}
          <DetailPane envelope={current?.record ?? null} noun="message" positionLabel="Position" connectionId={current?.where.connectionId ?? null} />
        </div>
      </div>
    </div>
  );
}
