import type { ScanItem, ScanSummary } from '../../../src/model/topic-scan';
import { formatCount } from '../ui/format';

type Progress = Extract<ScanItem, { kind: 'progress' }>;

interface Props {
  progress: Progress | null;
  summary: ScanSummary | null;
  running: boolean;
  hits: number;
  stoppedByUser: boolean;
}

/** How far a search has got: records scanned, hits, the rate, and each partition's position. */
export function ScanStatus({ progress, summary, running, hits, stoppedByUser }: Props) {
  if (!progress && !summary && !running) return null;
  const total = progress?.partitions.reduce((n, p) => n + Math.max(0, Number(p.end) - Number(p.start)), 0) ?? 0;
  const scanned = summary?.scanned ?? progress?.scanned ?? 0;
  const state = running
    ? 'Searching…'
    : summary?.stopped
      ? 'Stopped:'
      : summary?.complete
        ? 'Searched to the end.'
        : summary
          ? `Stopped after ${formatCount(summary.hits)} hits: Continue finds more.`
          : stoppedByUser
            ? 'Stopped: Continue picks up where it was.'
            : '';
  return (
    <div className="scanline" role="status" data-testid="search-status">
      <span>{state}</span>
      {summary?.stopped && (
        <span className="err">
          {summary.stopped.message}
          {summary.stopped.hint ? ` ${summary.stopped.hint}` : ''}
        </span>
      )}
      <span className="num">
        {formatCount(scanned)} of {formatCount(total)} scanned · {formatCount(hits)} hit{hits === 1 ? '' : 's'}
        {progress && progress.perSecond > 0 ? ` · ${formatCount(progress.perSecond)} records/s` : ''}
      </span>
      {progress && (
        <span className="partbars" aria-label="Partitions">
          {progress.partitions.map((p) => {
            const span = Number(p.end) - Number(p.start);
            const done = span <= 0 ? 1 : (Number(p.position) - Number(p.start)) / span;
            return (
              <span key={p.partition} className="partbar" title={`Partition ${p.partition}: offset ${p.position} of ${p.end}`}>
                <i style={{ width: `${Math.round(Math.min(1, done) * 100)}%` }} />
              </span>
            );
          })}
        </span>
      )}
      {summary?.predicateErrors && (
        <span className="err" title={summary.predicateErrors.first}>
          The predicate threw on {formatCount(summary.predicateErrors.count)} records (counted as no match): {summary.predicateErrors.first}
        </span>
      )}
      {summary?.notes.map((n) => (
        <span key={n} className="muted">
          {n}
        </span>
      ))}
    </div>
  );
}
