import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useClient } from '../api/client-context';
import type { Envelope, Resource } from '../api/types';
import { columnsFor, sortRows, type Column, type Sort } from '../records/columns';
import { RecordsPanel } from '../records/RecordsPanel';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';

const STATES = ['failed', 'completed', 'waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'paused'] as const;
type State = (typeof STATES)[number];

interface Props {
  connectionId: string;
  queue: string;
  /** The state whose tab opened the search: searched unless the user picks others. */
  state: string;
  resource: Extract<Resource, { type: 'source' }>;
  onBack(): void;
}

type Summary = { scanned: number; hits: number; total: number; elapsedMs: number; complete: boolean };

/**
 * Searching a queue's jobs, which BullMQ cannot do: by name, text in the data, a JSON condition
 * on it, the failure reason, the time added or the id, across the states picked. Hits come as
 * they are found, with progress and Stop; each opens in the detail beside the table.
 */
export function JobSearchView({ connectionId, queue, state, resource, onBack }: Props) {
  const client = useClient();
  const [states, setStates] = useState<State[]>(() => ((STATES as readonly string[]).includes(state) ? [state as State] : ['failed']));
  const [form, setForm] = useState({ name: '', text: '', json: '', reason: '', id: '' });
  const [rows, setRows] = useState<Envelope[]>([]);
  const [selected, setSelected] = useState(-1);
  const [sort, setSort] = useState<Sort>(null);
  const [progress, setProgress] = useState<{ scanned: number; hits: number; total: number } | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const running = useRef<AbortController | null>(null);
  const stateColumn: Column = { id: 'state', label: 'State', width: '110px', text: (e) => e.resource.slice(queue.length + 3), sortValue: (e) => e.resource };
  const columns = useMemo(() => [stateColumn, ...columnsFor(resource)], [resource, queue]); // eslint-disable-line react-hooks/exhaustive-deps
  const shown = useMemo(() => sortRows(rows, columns, sort), [rows, columns, sort]);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    if (running.current) return;
    const controller = new AbortController();
    running.current = controller;
    setRows([]);
    setSelected(-1);
    setSummary(null);
    setError(null);
    setProgress({ scanned: 0, hits: 0, total: 0 });
    const given = Object.fromEntries(
      Object.entries(form)
        .filter(([, v]) => v.trim() !== '')
        .map(([k, v]) => [k, v.trim()]),
    );
    try {
      const result = await client.stream(
        'redis/search-jobs',
        { connectionId, queue, states, limit: 5_000, ...given },
        {
          signal: controller.signal,
          onBatch: (items) => {
            for (const item of items) {
              if (item.kind === 'hits') setRows((r) => r.concat(item.records));
              else setProgress({ scanned: item.scanned, hits: item.hits, total: item.total });
            }
          },
        },
      );
      setSummary(result);
    } catch (err) {
      if (!controller.signal.aborted) setError(err);
    } finally {
      running.current = null;
      setProgress(null);
    }
  };

  const field = (key: keyof typeof form, label: string, placeholder: string) => (
    <label>
      {label}
      <input className="input mono" value={form[key]} placeholder={placeholder} onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))} aria-label={label} />
    </label>
  );

  return (
    <>
      <form className="toolbar wrap" onSubmit={run} aria-label="Search jobs">
        <button type="button" className="btn" onClick={onBack}>
          ← Jobs
        </button>
        {field('name', 'Name', 'charge')}
        {field('text', 'Data contains', 'text')}
        {field('json', 'Data matches', '$.amount > 990')}
        {field('reason', 'Reason contains', 'timeout')}
        {field('id', 'Job id', '')}
        <fieldset className="checks" aria-label="States">
          {STATES.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={states.includes(s)} onChange={(e) => setStates((x) => (e.target.checked ? [...x, s] : x.filter((y) => y !== s)))} /> {s}
            </label>
          ))}
        </fieldset>
        {progress ? (
          <button type="button" className="btn" onClick={() => running.current?.abort()}>
            Stop
          </button>
        ) : (
          <button type="submit" className="btn primary" disabled={states.length === 0}>
            Search
          </button>
        )}
      </form>
      {error !== null && (
        <div className="section">
          <ErrorBox error={error} />
        </div>
      )}
      <RecordsPanel
        connectionId={connectionId}
        target={null}
        rows={shown}
        columns={columns}
        selected={selected}
        onSelect={setSelected}
        sort={sort}
        onSort={setSort}
        label={`Jobs of ${queue} found`}
        noun="job"
        positionLabel="Place"
        empty={
          <div className="empty">
            <div>
              <h3>{summary ? 'No job matches' : progress ? 'Looking…' : 'Search the jobs of this queue'}</h3>
              <p>{summary ? `None of ${formatCount(summary.scanned)} jobs matched.` : 'Every condition you fill in must hold. BullMQ has no search: Rewind reads each job of the states you pick.'}</p>
            </div>
          </div>
        }
        foot={
          <div className="toolbar table-foot">
            <span className="muted" data-testid="search-summary" role="status">
              {progress
                ? `Looked at ${formatCount(progress.scanned)} of ${formatCount(progress.total)} jobs · ${formatCount(progress.hits)} found`
                : summary
                  ? `${formatCount(summary.hits)} found in ${formatCount(summary.scanned)} jobs (${(summary.elapsedMs / 1000).toFixed(1)} s)${summary.complete ? '' : ' · stopped at 5,000 hits'}`
                  : ''}
            </span>
          </div>
        }
      />
    </>
  );
}
