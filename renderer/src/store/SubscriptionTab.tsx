import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/queries';
import { useClient } from '../api/client-context';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount, formatTime } from '../ui/format';

// The editor is heavy; it loads with the first subscription page.
const SubscriptionCode = lazy(() => import('./SubscriptionCode').then((m) => ({ default: m.SubscriptionCode })));

type Parked = { position: number; attempts: number; lastError: string; parkedAt: string; type: string; streamId: string; data: string };
type Mode = 'all' | 'selected' | 'upTo';
type Selection = { all: true } | { positions: number[] } | { upTo: number };

/** A subscription: its checkpoint, catching up, and its dead letters with a careful replay. */
export function SubscriptionTab({ connectionId, name, dark, onChanged }: { connectionId: string; name: string; dark: boolean; onChanged(): void }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const key = queryKeys.subscription(connectionId, name);
  const page = useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => {
      const [list, rows] = await Promise.all([client.call('subscriptions/list', { connectionId }, { signal }), client.call('subscriptions/parked', { connectionId, name }, { signal })]);
      return { info: list.find((s) => s.name === name) ?? null, parked: rows as Parked[] };
    },
  });
  const info = page.data?.info ?? null;
  const parked = useMemo(() => page.data?.parked ?? [], [page.data]);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [mode, setMode] = useState<Mode>('all');
  const [upTo, setUpTo] = useState('');
  const [pending, setPending] = useState<{ selection: Selection; count: number } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Closing the tab leaves a catch-up running as a job (the jobs panel shows how it ends).
  const unmounted = useRef(new AbortController());
  useEffect(() => {
    const c = new AbortController();
    unmounted.current = c;
    return () => c.abort();
  }, []);

  // Ticks stay only on events still parked.
  useEffect(() => setSelected((s) => new Set([...s].filter((p) => parked.some((r) => r.position === p)))), [parked]);
  /** Everything this page shows, read again (the code's state too) once a catch-up or replay changed it. */
  const refresh = () => queryClient.refetchQueries({ queryKey: key });

  const act = async (label: string, work: () => Promise<string>) => {
    setBusy(label);
    setError(null);
    setMessage(null);
    try {
      // Say what happened together with the refreshed view, not before it.
      const said = await work();
      await refresh();
      setMessage(said);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const selection = (): Selection | string => {
    if (mode === 'all') return { all: true };
    if (mode === 'selected') return selected.size ? { positions: [...selected] } : 'Tick the parked events to replay.';
    return /^\d+$/.test(upTo.trim()) ? { upTo: Number(upTo) } : 'Enter the last position to replay.';
  };

  const prepare = async () => {
    const sel = selection();
    if (typeof sel === 'string') return setError(new Error(sel));
    setError(null);
    const dry = await client.call('subscriptions/replay-parked', { connectionId, name, selection: sel, dryRun: true }).catch((e: unknown) => (setError(e), null));
    if (dry) setPending({ selection: sel, count: dry.count });
  };

  return (
    <div className="subscription">
      <div className="toolbar">
        <strong className="mono">{name}</strong>
        {info && (
          <span className="muted" data-testid="subscription-info">
            checkpoint {info.checkpoint} · {info.parked} parked · parks after {info.maxAttempts} failed attempts
          </span>
        )}
        <span className="spacer" />
        <button
          className="btn primary"
          disabled={busy !== null}
          onClick={() =>
            void act('Catching up', async () => {
              const r = await client.stream('subscriptions/catch-up', { connectionId, name }, { detach: unmounted.current.signal });
              return `Caught up: ${formatCount(r.processed)} events handled, ${r.parked} parked, checkpoint ${r.checkpoint}.`;
            })
          }
        >
          {busy === 'Catching up' ? 'Catching up…' : 'Catch up'}
        </button>
      </div>
      {message && (
        <div className="notice" role="status">
          {message}
        </div>
      )}
      {(error ?? page.error) !== null && (
        <div className="section">
          <ErrorBox error={error ?? page.error} />
        </div>
      )}
      <Suspense fallback={<div className="empty">Loading the code…</div>}>
        <SubscriptionCode connectionId={connectionId} name={name} dark={dark} />
      </Suspense>
      <div className="section">
        <h3>
          Parked events<span className="faint">the subscription gave up on these; nothing is lost</span>
        </h3>
        {parked.length === 0 ? (
          <p className="muted">No parked events.</p>
        ) : (
          <>
            <div className="toolbar replay-bar">
              <label>
                Replay
                <select className="input" aria-label="Replay which" value={mode} onChange={(e) => (setMode(e.target.value as Mode), setPending(null))}>
                  <option value="all">all parked events</option>
                  <option value="selected">the ticked ones</option>
                  <option value="upTo">up to a position</option>
                </select>
              </label>
              {mode === 'upTo' && <input className="input mono" aria-label="Up to position" size={8} value={upTo} onChange={(e) => (setUpTo(e.target.value), setPending(null))} />}
              {!pending ? (
                <button className="btn" onClick={() => void prepare()}>
                  Replay…
                </button>
              ) : (
                <span className="confirm" role="status" data-testid="replay-confirm">
                  {pending.count} parked event{pending.count === 1 ? '' : 's'} will be re-sent to {name}.
                  <button
                    className="btn primary"
                    disabled={busy !== null || pending.count === 0}
                    onClick={() =>
                      void act('Replaying', async () => {
                        const r = await client.call('subscriptions/replay-parked', { connectionId, name, selection: pending.selection, dryRun: false });
                        setPending(null);
                        return `Replayed ${r.replayed} of ${r.count}; ${r.stillParked} still parked.`;
                      })
                    }
                  >
                    Re-send {pending.count}
                  </button>
                  <button className="btn" onClick={() => setPending(null)}>
                    Cancel
                  </button>
                </span>
              )}
            </div>
            <table className="parked" aria-label="Parked events">
              <thead>
                <tr>
                  <th />
                  <th>Position</th>
                  <th>Type</th>
                  <th>Stream</th>
                  <th>Attempts</th>
                  <th>Why it was parked</th>
                  <th>Parked</th>
                </tr>
              </thead>
              <tbody>
                {parked.map((p) => (
                  <tr key={p.position} title={p.data}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select parked event ${p.position}`}
                        checked={selected.has(p.position)}
                        onChange={(e) =>
                          setSelected((s) => {
                            const n = new Set(s);
                            if (e.target.checked) n.add(p.position);
                            else n.delete(p.position);
                            return n;
                          })
                        }
                      />
                    </td>
                    <td className="mono num">{p.position}</td>
                    <td className="mono">{p.type}</td>
                    <td className="mono">{p.streamId}</td>
                    <td className="num">{p.attempts}</td>
                    <td className="mono bad">{p.lastError}</td>
                    <td className="num">{formatTime(p.parkedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </div>
  );
}
