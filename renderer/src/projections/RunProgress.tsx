import { formatCount } from '../ui/format';
import type { Running } from './useRebuild';

/** Processed, rate and an ETA; the ETA is an estimate and says so. */
export function RunProgress({ running }: { running: Running }) {
  const now = performance.now();
  // Time paused at a handler error is the user's, not the run's: it does not lower the rate.
  const seconds = (now - running.startedAt - running.pausedMs - (running.pausedAt === null ? 0 : now - running.pausedAt)) / 1000;
  const rate = seconds > 0.3 ? running.processed / seconds : null;
  const pct = running.total ? Math.min(100, (running.processed / running.total) * 100) : null;
  const eta = rate && running.total ? Math.max(0, (running.total - running.processed) / rate) : null;
  return (
    <span className="progress" role="status" data-testid="run-progress">
      <span className={`bar${pct === null ? ' indeterminate' : ''}`} style={pct === null ? undefined : ({ '--pct': `${pct}%` } as React.CSSProperties)}>
        <i />
      </span>
      {running.failure ? 'Paused at an error' : 'Rebuilding'} · {formatCount(running.processed)}
      {running.total !== null ? ` of ${formatCount(running.total)}` : ''} events
      {rate !== null && ` · ${formatCount(Math.round(rate))}/s`}
      {eta !== null && !running.failure && ` · about ${Math.ceil(eta)} s left`}
    </span>
  );
}
