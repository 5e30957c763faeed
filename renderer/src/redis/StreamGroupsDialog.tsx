import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useClient } from '../api/client-context';
import { queryKeys } from '../api/queries';
import { Dialog } from '../ui/Dialog';
import { DataTable, type DataColumn } from '../ui/DataTable';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import type { DeadLetterMove, GroupPositionPlan, PendingEntry, StreamGroup } from '../api/types';

interface Props {
  connectionId: string;
  stream: string;
  onClose(): void;
  /** Something moved (entries to the DLQ, a group's position): the sidebar's counts change. */
  onChanged(): void;
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

const groupColumns: DataColumn<StreamGroup>[] = [
  { id: 'name', label: 'Group', width: 'minmax(120px, 1fr)', className: 'mono', text: (g) => g.name },
  { id: 'consumers', label: 'Consumers', width: '90px', className: 'num', text: (g) => String(g.consumers.length) },
  { id: 'pending', label: 'Pending', width: '80px', className: 'num', text: (g) => formatCount(g.pending) },
  { id: 'lag', label: 'Lag', width: '80px', className: 'num', text: (g) => (g.lag === null ? 'unknown' : formatCount(g.lag)) },
  { id: 'last', label: 'Last delivered', width: '190px', className: 'mono', text: (g) => g.lastDeliveredId },
];

const pendingColumns: DataColumn<PendingEntry>[] = [
  { id: 'id', label: 'Entry', width: '190px', className: 'mono', text: (e) => e.id },
  { id: 'consumer', label: 'Consumer', width: 'minmax(100px, 1fr)', className: 'mono', text: (e) => e.consumer },
  { id: 'idle', label: 'Idle', width: '80px', className: 'num', text: (e) => seconds(e.idleMs) },
  { id: 'deliveries', label: 'Deliveries', width: '90px', className: 'num', text: (e) => String(e.deliveries) },
];

/**
 * A stream's consumer groups: who reads it and what is stuck. Entries delivered too often without
 * an acknowledgement go to the stream's DLQ (each copied and acknowledged together), or to another
 * consumer; a group's position is set after a preview, and can be undone.
 */
export function StreamGroupsDialog({ connectionId, stream, onClose, onChanged }: Props) {
  const client = useClient();
  const queryClient = useQueryClient();
  const groups = useQuery({ queryKey: ['redis-groups', connectionId, stream], queryFn: ({ signal }) => client.call('redis/stream-groups', { connectionId, stream }, { signal }) });
  const [selected, setSelected] = useState(0);
  const group = groups.data?.groups[selected] ?? null;
  const [minDeliveries, setMinDeliveries] = useState('3');
  const [pending, setPending] = useState<{ entries: PendingEntry[]; total: number; min: number } | null>(null);
  const [pendingRow, setPendingRow] = useState(-1);
  const [reason, setReason] = useState('');
  const [moving, setMoving] = useState<{ done: number; total: number; moved: number } | null>(null);
  const [moved, setMoved] = useState<DeadLetterMove | null>(null);
  const [consumer, setConsumer] = useState('');
  const [position, setPosition] = useState('');
  const [plan, setPlan] = useState<GroupPositionPlan | null>(null);
  const [setResult, setSetResult] = useState<{ from: string; to: string } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const stop = useRef<AbortController | null>(null);

  const refresh = async () => {
    await groups.refetch();
    void queryClient.invalidateQueries({ queryKey: queryKeys.resources(connectionId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.deadLetters });
    onChanged();
  };

  const pick = (i: number) => {
    setSelected(i);
    setPending(null);
    setPlan(null);
    setSetResult(null);
    setMoved(null);
    setNote(null);
  };

  const findPending = async () => {
    if (!group) return;
    const min = Number(minDeliveries);
    if (!Number.isInteger(min) || min < 1) return setError(new Error('Type how many deliveries make an entry a dead letter: a whole number from 1.'));
    setError(null);
    try {
      const r = await client.call('redis/pending', { connectionId, stream, group: group.name, minDeliveries: min, limit: 10_000 });
      setPending({ entries: r.entries, total: r.total, min });
      setReason((old) => old || `delivered ${min} or more times without an acknowledgement`);
      setMoved(null);
    } catch (e) {
      setError(e);
    }
  };

  /** Moves the entries found (or the one picked by hand) to the DLQ. */
  const moveToDlq = async (only?: string) => {
    if (!group || !pending || pending.entries.length === 0) return;
    setError(null);
    const controller = new AbortController();
    stop.current = controller;
    setMoving({ done: 0, total: only ? 1 : pending.entries.length, moved: 0 });
    try {
      const ids = only ? [only] : pending.entries.map((e) => e.id);
      const r = await client.stream(
        'redis/dead-letter',
        { connectionId, stream, group: group.name, selection: { ids }, reason: reason.trim() || `delivered ${pending.min} or more times without an acknowledgement` },
        { signal: controller.signal, onBatch: (items) => setMoving(items.at(-1) ?? null) },
      );
      setMoved(r);
      setPending(null);
      await refresh();
    } catch (e) {
      if (!controller.signal.aborted) setError(e);
    } finally {
      setMoving(null);
      stop.current = null;
    }
  };

  const claim = async () => {
    if (!group || !pending || pending.entries.length === 0 || !consumer.trim()) return;
    setError(null);
    try {
      const r = await client.call('redis/claim', { connectionId, stream, group: group.name, ids: pending.entries.map((e) => e.id), consumer: consumer.trim(), minIdleMs: 0 });
      setNote(`${formatCount(r.claimed.length)} entries now pending for ${consumer.trim()}.`);
      setPending(null);
      await refresh();
    } catch (e) {
      setError(e);
    }
  };

  const preview = async () => {
    if (!group) return;
    const typed = position.trim();
    const target = /^(\d+-\d+|\$|0)$/.test(typed) ? { id: typed } : !Number.isNaN(Date.parse(typed)) ? { time: new Date(typed).toISOString() } : null;
    if (!target) return setError(new Error('Type a stream id (1700000000000-0), $ for the end, 0 for the start, or a time (2026-01-01T10:00:00Z).'));
    setError(null);
    setSetResult(null);
    try {
      setPlan(await client.call('redis/plan-group-position', { connectionId, stream, group: group.name, target }));
    } catch (e) {
      setError(e);
    }
  };

  const applyPosition = async (id: string, expectFrom: string) => {
    if (!group) return;
    setError(null);
    try {
      const r = await client.call('redis/set-group-position', { connectionId, stream, group: group.name, id, expectFrom });
      setSetResult({ from: r.from, to: r.to });
      setPlan(null);
      await refresh();
    } catch (e) {
      setError(e);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pending && pending.entries.length > 0 && !moving) void moveToDlq();
    else void findPending();
  };

  const dlq = groups.data?.dlq ?? `${stream}:dlq`;
  const canMove = pending !== null && pending.entries.length > 0;
  return (
    <Dialog
      title={`Consumer groups of ${stream}`}
      onClose={onClose}
      onSubmit={submit}
      wide
      submitting={moving !== null}
      submitLabel={moving ? `Moving ${formatCount(moving.done)} of ${formatCount(moving.total)}…` : canMove ? `Move ${formatCount(pending.entries.length)} to ${dlq}` : 'Find pending entries'}
      cancelLabel="Close"
      actions={
        moving && (
          <button type="button" className="btn" onClick={() => stop.current?.abort()}>
            Stop
          </button>
        )
      }
    >
      {groups.isPending && <p className="muted">Asking Redis for the groups…</p>}
      {groups.error && <ErrorBox error={groups.error} />}
      {groups.data && groups.data.groups.length === 0 && (
        <p className="muted">
          No consumer group reads this stream. Apps make one with <span className="mono">XGROUP CREATE {stream} &lt;group&gt; $</span>.
        </p>
      )}
      {groups.data && groups.data.groups.length > 0 && (
        <div style={{ height: Math.min(36 + groups.data.groups.length * 24, 160) }}>
          <DataTable rows={groups.data.groups} columns={groupColumns} selected={selected} onSelect={pick} label="Consumer groups" empty={null} />
        </div>
      )}
      {group && (
        <>
          <p className="field-note">
            {group.consumers.length === 0 ? 'No consumers yet.' : group.consumers.map((c) => `${c.name}: ${formatCount(c.pending)} pending, idle ${seconds(c.idleMs)}`).join(' · ')}
          </p>
          <h3>Pending entries of {group.name}</h3>
          <div className="row-count">
            <label className="field">
              <span>Delivered at least (times)</span>
              <input
                className="input mono"
                inputMode="numeric"
                value={minDeliveries}
                onChange={(e) => {
                  setMinDeliveries(e.target.value);
                  setPending(null);
                }}
              />
            </label>
            <label className="field">
              <span>Reason (kept with each dead letter)</span>
              <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="why they are dead letters" />
            </label>
          </div>
          {pending && (
            <>
              <p role="status">
                {formatCount(pending.entries.length)} of {formatCount(pending.total)} pending entries were delivered {pending.min} or more times.
                {pending.entries.length > 0 && ` Moving copies each to ${dlq} and acknowledges it in ${group.name} in one transaction.`}
              </p>
              {pending.entries.length > 0 && (
                <>
                  <div style={{ height: Math.min(36 + pending.entries.length * 24, 200) }}>
                    <DataTable rows={pending.entries} columns={pendingColumns} selected={pendingRow} onSelect={setPendingRow} label="Pending entries" empty={null} />
                  </div>
                  {pendingRow >= 0 && pending.entries[pendingRow] && (
                    <p className="field-note">
                      By hand:{' '}
                      <button type="button" className="btn small" disabled={moving !== null} onClick={() => void moveToDlq(pending.entries[pendingRow]!.id)}>
                        Move {pending.entries[pendingRow]!.id} only
                      </button>
                    </p>
                  )}
                  <div className="row-action">
                    <label className="field">
                      <span>Or give them to consumer</span>
                      <input className="input mono" value={consumer} onChange={(e) => setConsumer(e.target.value)} placeholder="consumer name" />
                    </label>
                    <button type="button" className="btn" disabled={!consumer.trim()} onClick={() => void claim()}>
                      Claim {formatCount(pending.entries.length)}
                    </button>
                  </div>
                </>
              )}
            </>
          )}
          {moved && (
            <p role="status" className={moved.stoppedBy === 'done' ? 'notice' : 'notice warn'}>
              Moved {formatCount(moved.moved)} of {formatCount(moved.looked)} to <span className="mono">{moved.dlq}</span>
              {moved.skipped.length > 0 && `; ${moved.skipped.length} left as they were (${moved.skipped[0]!.reason})`}
              {moved.stoppedBy === 'cancelled' && '; stopped before the rest'}
              {moved.error && `; ${moved.error}`}. Open Dead letters to redrive them.
            </p>
          )}
          {note && <p role="status">{note}</p>}
          <h3>Position of {group.name}</h3>
          <div className="row-action">
            <label className="field">
              <span>Read from (an id, $ for the end, 0 for the start, or a time)</span>
              <input className="input mono" value={position} onChange={(e) => setPosition(e.target.value)} placeholder={group.lastDeliveredId} />
            </label>
            <button type="button" className="btn" onClick={() => void preview()}>
              Preview
            </button>
          </div>
          {plan && (
            <div role="status" className="notice">
              {plan.direction === 'none'
                ? `${group.name} is already at ${plan.to}.`
                : `${group.name} moves ${plan.direction} from ${plan.from} to ${plan.to}: ${plan.direction === 'back' ? 'it reads again' : 'it skips'} ${plan.moved.exact ? '' : 'more than '}${formatCount(plan.moved.value)} entries; ${plan.toRead.exact ? '' : 'more than '}${formatCount(plan.toRead.value)} to read after it.`}{' '}
              {plan.direction !== 'none' && (
                <button type="button" className="btn" onClick={() => void applyPosition(plan.to, plan.from)}>
                  Set position
                </button>
              )}
            </div>
          )}
          {setResult && (
            <div role="status" className="notice">
              {group.name} now reads after {setResult.to} (was {setResult.from}).{' '}
              <button type="button" className="btn" onClick={() => void applyPosition(setResult.from, setResult.to)}>
                Undo
              </button>
            </div>
          )}
        </>
      )}
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
