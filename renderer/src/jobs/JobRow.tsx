import type { Job } from '../../../src/model/jobs';
import { formatCount } from '../ui/format';

const seconds = (ms: number) => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`);

/** One job: what, how far, how fast, how long still, and what can be done with it. */
export function JobRow({ job, onCancel, onOpen, onDismiss }: { job: Job; onCancel(): void; onOpen: (() => void) | null; onDismiss(): void }) {
  const pct = job.total ? Math.min(100, (job.done / job.total) * 100) : null;
  const amount = job.total !== null ? `${formatCount(job.done)} of ${job.exact ? '' : '~'}${formatCount(job.total)}` : job.done ? formatCount(job.done) : '';
  return (
    <div className={`job-row ${job.state}`} role="listitem" aria-label={job.title} data-testid="job">
      <span className="job-title" title={job.title}>
        {job.title}
      </span>
      {job.state === 'running' ? (
        <>
          <span className="job-bar" role="progressbar" aria-label={`${job.title} progress`} aria-valuemin={0} aria-valuemax={100} {...(pct === null ? {} : { 'aria-valuenow': Math.round(pct) })}>
            <span className={pct === null ? 'indeterminate' : ''} style={pct === null ? undefined : { width: `${pct}%` }} />
          </span>
          <span className="job-numbers num">
            {amount}
            {job.rate !== null && ` · ${formatCount(Math.round(job.rate))}/s`}
            {job.etaMs !== null && ` · ${seconds(job.etaMs)} left`}
            {job.detached && ' · view closed'}
          </span>
        </>
      ) : (
        <span className={`job-outcome ${job.state}`}>{job.state === 'failed' ? `Failed: ${job.outcome ?? ''}` : job.outcome}</span>
      )}
      <span className="job-actions">
        {onOpen && (
          <button className="btn small" onClick={onOpen}>
            Open
          </button>
        )}
        {job.state === 'running' ? (
          <button className="btn small" onClick={onCancel} aria-label={`Cancel ${job.title}`}>
            Cancel
          </button>
        ) : (
          <button className="icon-btn" onClick={onDismiss} aria-label={`Dismiss ${job.title}`} title="Dismiss">
            ✕
          </button>
        )}
      </span>
    </div>
  );
}
