import { useState } from 'react';
import { useClient } from '../api/client-context';
import type { Job } from '../../../src/model/jobs';
import { JobRow } from './JobRow';
import type { JobNotice } from './useJobs';

interface Props {
  jobs: Job[];
  notices: JobNotice[];
  onDismissNotice(id: string): void;
  /** Null when the job has no view to open. */
  openerOf(job: Job): (() => void) | null;
}

/**
 * The bottom panel: every long operation with its progress, rate, ETA and Cancel. It opens by
 * itself while something runs and can be folded away; finished jobs stay until dismissed.
 */
export function JobsPanel({ jobs, notices, onDismissNotice, openerOf }: Props) {
  const client = useClient();
  const [open, setOpen] = useState<boolean | null>(null);
  const running = jobs.filter((j) => j.state === 'running').length;
  // Open by itself while something runs or has news; the user's choice wins once made.
  const shown = open ?? (running > 0 || notices.length > 0);
  if (jobs.length === 0 && notices.length === 0) return null;
  return (
    <section className={`jobs-panel${shown ? ' open' : ''}`} aria-label="Jobs">
      <header>
        <button className="jobs-toggle" aria-expanded={shown} onClick={() => setOpen(!shown)}>
          <span aria-hidden="true">{shown ? '▾' : '▸'}</span> Jobs
          <span className="faint">
            {running ? `${running} running` : 'none running'} · {jobs.length - running} finished
          </span>
        </button>
        {notices.map((n) => (
          <span key={n.id} className="job-notice" role="status">
            {n.text}
            <button className="icon-btn" aria-label="Dismiss notice" onClick={() => onDismissNotice(n.id)}>
              ✕
            </button>
          </span>
        ))}
        <span className="spacer" />
        {shown && jobs.some((j) => j.state !== 'running') && (
          <button
            className="btn small ghost"
            onClick={() => {
              for (const j of jobs.filter((x) => x.state !== 'running')) void client.call('jobs/dismiss', { id: j.id });
              for (const n of notices) onDismissNotice(n.id);
            }}
          >
            Clear finished
          </button>
        )}
      </header>
      {shown && (
        <div className="jobs-list" role="list">
          {jobs.map((j) => (
            <JobRow key={j.id} job={j} onOpen={openerOf(j)} onCancel={() => void client.call('jobs/cancel', { id: j.id })} onDismiss={() => void client.call('jobs/dismiss', { id: j.id })} />
          ))}
        </div>
      )}
    </section>
  );
}
