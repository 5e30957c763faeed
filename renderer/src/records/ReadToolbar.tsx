import { ReadButton } from '../ui/ReadButton';
import { TimeField } from '../ui/TimeField';
import { useEffect, useState, type ReactNode } from 'react';
import { SOURCE_STALL_MS } from '../../../src/model/timeouts';
import { formatCount } from '../ui/format';
import type { FromMode } from '../ui/read-from';
import type { ReadProgress } from './useRecordReader';

/** A RabbitMQ stream can also start at its last chunk. */
export type RecordsFromMode = FromMode | 'last';

interface Props {
  fromMode: RecordsFromMode;
  onFromMode(m: RecordsFromMode): void;
  fromValue: string;
  onFromValue(v: string): void;
  limit: number;
  onLimit(n: number): void;
  onRead(): void;
  onCancel(): void;
  reading: ReadProgress | null;
  positionLabel: string;
  /** Whether the source can start a read at a time (its capabilities say); without it the choice is not offered. */
  seeksByTime: boolean;
  /** Whether the source can start at its last chunk (a RabbitMQ stream). */
  startsAtLast: boolean;
  /** Source-specific actions, at the right end. */
  actions?: ReactNode;
}

export function ReadToolbar(p: Props) {
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        p.onRead();
      }}
    >
      <label>
        From
        <select className="input" value={p.fromMode} onChange={(e) => p.onFromMode(e.target.value as RecordsFromMode)} aria-label="Start from">
          <option value="start">the beginning</option>
          <option value="position">{p.positionLabel.toLowerCase()}</option>
          {p.seeksByTime && <option value="time">a time</option>}
          {p.startsAtLast && <option value="last">the last chunk</option>}
        </select>
      </label>
      {p.fromMode === 'position' && (
        <input className="input mono" aria-label={p.positionLabel} inputMode="numeric" placeholder="0" value={p.fromValue} onChange={(e) => p.onFromValue(e.target.value)} />
      )}
      {p.fromMode === 'time' && <TimeField label="Start time" value={p.fromValue} onChange={p.onFromValue} />}
      <label>
        Up to
        <select className="input" value={p.limit} onChange={(e) => p.onLimit(Number(e.target.value))} aria-label="Limit">
          {[100, 500, 1000, 5000, 20000].map((n) => (
            <option key={n} value={n}>
              {formatCount(n)}
            </option>
          ))}
        </select>
      </label>
      <ReadButton busy={p.reading !== null} onCancel={p.onCancel} />
      <div className="spacer" />
      {p.reading && <ProgressView progress={p.reading} />}
      {p.actions}
    </form>
  );
}

/** Re-renders every `ms` while mounted, for clocks that tick. */
function useTicker(ms: number): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const t = setInterval(() => setNow(performance.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

function ProgressView({ progress }: { progress: ReadProgress }) {
  const now = useTicker(500);
  const silent = now - progress.lastActivity;
  const seconds = (now - progress.startedAt) / 1000;
  const rate = seconds > 0.2 ? Math.round(progress.done / seconds) : null;
  const pct = progress.total ? Math.min(100, (progress.done / progress.total) * 100) : null;
  return (
    <span className="progress" role="status">
      <span className={`bar${pct === null ? ' indeterminate' : ''}`} style={pct === null ? undefined : ({ '--pct': `${pct}%` } as React.CSSProperties)}>
        <i />
      </span>
      Reading {formatCount(progress.done)}
      {progress.total !== null && ` of ${progress.exact ? '' : '~'}${formatCount(progress.total)}`}
      {rate !== null && ` · ${formatCount(rate)}/s`}
      {silent > 2_000 && (
        <span className="waiting" data-testid="read-waiting">
          {' '}
          · waiting for the source {Math.floor(silent / 1000)} s (gives up at {SOURCE_STALL_MS / 1000} s)
        </span>
      )}
    </span>
  );
}
