import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useClient } from '../api/client-context';
import { queryKeys } from '../api/queries';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';

interface Props {
  connectionId: string;
  queue: string;
  /** The state the tab shows: promote is offered for delayed jobs, clean for the states it applies to. */
  state: string;
  onClose(): void;
  onChanged(): void;
}

const CLEANABLE = ['completed', 'failed', 'delayed', 'waiting', 'prioritized', 'paused'] as const;
type Cleanable = (typeof CLEANABLE)[number];
const cleanable = (s: string): s is Cleanable => (CLEANABLE as readonly string[]).includes(s);

/**
 * A queue's facts (its version, counts, workers, global concurrency and rate limit) and what
 * changes it, each through the library that wrote it: promote delayed jobs, remove one job, clean
 * a state. Removing and cleaning ask for the id or the queue's name typed again.
 */
export function QueueDialog({ connectionId, queue, state, onClose, onChanged }: Props) {
  const client = useClient();
  const queryClient = useQueryClient();
  const info = useQuery({ queryKey: ['redis-queue', connectionId, queue], queryFn: ({ signal }) => client.call('redis/queue', { connectionId, queue }, { signal }) });
  const [jobId, setJobId] = useState('');
  const [jobConfirm, setJobConfirm] = useState('');
  const [cleanConfirm, setCleanConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await what());
      await info.refetch();
      void queryClient.invalidateQueries({ queryKey: queryKeys.resources(connectionId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.deadLetters });
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const promoteAll = () =>
    act(async () => {
      const r = await client.call('redis/promote', { connectionId, queue, ids: null });
      return `Promoted ${formatCount(r.promoted)} delayed job${r.promoted === 1 ? '' : 's'} to waiting.`;
    });
  const remove = () =>
    act(async () => {
      const r = await client.call('redis/remove-job', { connectionId, queue, id: jobId.trim(), confirm: jobConfirm.trim() });
      setJobId('');
      setJobConfirm('');
      return `Removed job ${jobId.trim()} (it was ${r.state}).`;
    });
  const clean = () =>
    act(async () => {
      if (!cleanable(state)) return '';
      const r = await client.call('redis/clean', { connectionId, queue, state, confirm: cleanConfirm.trim() });
      setCleanConfirm('');
      return `Removed ${formatCount(r.removed)} ${state} job${r.removed === 1 ? '' : 's'} from ${queue}.`;
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onClose();
  };

  const q = info.data;
  const delayed = q?.counts['delayed'] ?? 0;
  return (
    <Dialog title={`Queue ${queue}`} onClose={onClose} onSubmit={submit} submitLabel="Done" submitting={false} wide cancelLabel="Close">
      {info.isPending && <p className="muted">Asking Redis about the queue…</p>}
      {info.error && <ErrorBox error={info.error} />}
      {q && (
        <>
          <dl className="kv" data-testid="queue-facts">
            <dt>Library</dt>
            <dd>
              {q.layout}
              {q.paused && ' · paused'}
            </dd>
            <dt>Jobs</dt>
            <dd className="mono">
              {Object.entries(q.counts)
                .filter(([, n]) => n > 0)
                .map(([s, n]) => `${s} ${formatCount(n)}`)
                .join(' · ') || 'none'}
            </dd>
            <dt>Workers</dt>
            <dd className="mono">
              {q.workersUnknown ?? (q.workers.length === 0 ? 'none connected' : q.workers.map((w) => `${w.name.split(':w:')[1] ?? 'unnamed'} (${w.address}, idle ${w.idleSeconds} s)`).join(', '))}
            </dd>
            <dt>Global concurrency</dt>
            <dd>{q.globalConcurrency ?? 'not set'}</dd>
            <dt>Rate limit</dt>
            <dd>{q.rateLimit ? `${formatCount(q.rateLimit.max)} jobs per ${formatCount(q.rateLimit.durationMs)} ms` : 'not set'}</dd>
          </dl>
          {state === 'delayed' && (
            <div className="row-action">
              <p className="field-note">Delayed jobs wait for their time; promoting moves them to waiting now, through the queue's own library.</p>
              <button type="button" className="btn" disabled={busy || delayed === 0} onClick={() => void promoteAll()}>
                Promote all {formatCount(delayed)}
              </button>
            </div>
          )}
          <h3>Remove a job</h3>
          <div className="row2b">
            <label className="field">
              <span>Job id</span>
              <input className="input mono" value={jobId} onChange={(e) => setJobId(e.target.value)} />
            </label>
            <label className="field">
              <span>Type the id again to confirm</span>
              <input className="input mono" value={jobConfirm} onChange={(e) => setJobConfirm(e.target.value)} />
            </label>
          </div>
          <div className="row-action">
            <span />
            <button type="button" className="btn danger" disabled={busy || jobId.trim() === '' || jobConfirm.trim() !== jobId.trim()} onClick={() => void remove()}>
              Remove job
            </button>
          </div>
          {cleanable(state) && (
            <>
              <h3>Clean {state}</h3>
              <div className="row-action">
                <label className="field">
                  <span>
                    Removes all {formatCount(q.counts[state] ?? 0)} {state} jobs. Type <span className="mono">{queue}</span> to confirm
                  </span>
                  <input className="input mono" value={cleanConfirm} onChange={(e) => setCleanConfirm(e.target.value)} aria-label={`Type ${queue} to clean ${state}`} />
                </label>
                <button type="button" className="btn danger" disabled={busy || cleanConfirm.trim() !== queue} onClick={() => void clean()}>
                  Clean {state}
                </button>
              </div>
            </>
          )}
        </>
      )}
      {done && (
        <p role="status" className="notice">
          {done}
        </p>
      )}
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
