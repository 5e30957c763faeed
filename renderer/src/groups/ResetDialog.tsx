import { useState } from 'react';
import { useClient } from '../api/client-context';
import type { GroupDetail, ResetPlan } from '../../../src/model/groups';
import { DataTable, type DataColumn } from '../ui/DataTable';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { TimeField } from '../ui/TimeField';
import { STRATEGY_LABELS, strategyOf, type StrategyKind } from './reset-strategy';

export interface Applied {
  auditId: number;
  description: string;
  before: { topic: string; partition: number; offset: string | null }[];
}

interface Props {
  connectionId: string;
  group: GroupDetail;
  onClose(): void;
  onApplied(applied: Applied): void;
}

type Row = ResetPlan['rows'][number];

const columns: DataColumn<Row>[] = [
  { id: 'topic', label: 'Topic', width: 'minmax(100px, 1fr)', className: 'mono', text: (r) => r.topic },
  { id: 'partition', label: 'P', width: '40px', className: 'num mono', text: (r) => String(r.partition) },
  { id: 'current', label: 'Current', width: '90px', className: 'num mono', text: (r) => r.current ?? '–' },
  { id: 'next', label: 'New', width: '90px', className: 'num mono', text: (r) => r.next },
  { id: 'delta', label: 'Read again', width: '96px', className: 'num', text: (r) => (r.delta === null ? '–' : r.delta >= 0 ? formatCount(r.delta) : `skips ${formatCount(-r.delta)}`) },
  { id: 'note', label: 'Note', width: 'minmax(100px, 1fr)', text: (r) => r.note ?? '' },
];

/** Reset a group's offsets: choose, preview per partition, then apply; the broker refuses while members run. */
export function ResetDialog({ connectionId, group, onClose, onApplied }: Props) {
  const client = useClient();
  const topics = [...new Set([...group.topics, ...group.partitions.map((p) => p.topic)])].sort();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(topics));
  const [kind, setKind] = useState<StrategyKind>('time');
  const [text, setText] = useState('');
  const [plan, setPlan] = useState<{ plan: ResetPlan; description: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState(-1);

  const changed = () => {
    setPlan(null);
    setError(null);
  };

  const preview = async () => {
    const parsed = strategyOf(
      kind,
      text,
      group.partitions.filter((p) => chosen.has(p.topic)),
    );
    if ('error' in parsed) return setError(new Error(parsed.error));
    if (chosen.size === 0) return setError(new Error('Choose at least one topic.'));
    setBusy(true);
    setError(null);
    try {
      const p = await client.call('groups/plan-reset', { connectionId, groupId: group.groupId, strategy: parsed.strategy, topics: [...chosen].map((topic) => ({ topic })) });
      setPlan({ plan: p, description: parsed.description });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!plan) return;
    setBusy(true);
    setError(null);
    try {
      const offsets = plan.plan.rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.next }));
      const r = await client.call('groups/reset', { connectionId, groupId: group.groupId, offsets, description: plan.description });
      onApplied({ auditId: r.auditId, before: r.before, description: plan.description });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const blocked = plan?.plan.blockedBy ?? null;
  return (
    <Dialog
      title={`Reset offsets of ${group.groupId}`}
      onClose={onClose}
      onSubmit={(e) => {
        e.preventDefault();
        void (plan && !blocked ? apply() : preview());
      }}
      submitLabel={plan ? (blocked ? 'Preview again' : `Apply to ${plan.plan.rows.length} partition${plan.plan.rows.length === 1 ? '' : 's'}`) : 'Preview'}
      submitting={busy}
      wide
    >
      <div className="field">
        <span>Topics</span>
        <div>
          {topics.map((t) => (
            <label key={t} className="check">
              <input
                type="checkbox"
                checked={chosen.has(t)}
                onChange={() => {
                  setChosen((s) => {
                    const n = new Set(s);
                    if (n.has(t)) n.delete(t);
                    else n.add(t);
                    return n;
                  });
                  changed();
                }}
              />
              <span className="mono">{t}</span>
            </label>
          ))}
        </div>
      </div>
      <div className="field">
        <span>Reset</span>
        <select className="input" style={{ alignSelf: 'flex-start' }} aria-label="Reset strategy" value={kind} onChange={(e) => (setKind(e.target.value as StrategyKind), changed())}>
          {(Object.keys(STRATEGY_LABELS) as StrategyKind[]).map((k) => (
            <option key={k} value={k}>
              {STRATEGY_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      {kind === 'time' && (
        <div className="field">
          <span>Time (your zone)</span>
          <TimeField label="Reset time" value={text} onChange={(v) => (setText(v), changed())} autoFocus />
        </div>
      )}
      {(kind === 'shift' || kind === 'offsets') && (
        <label className="field">
          <span>{kind === 'shift' ? 'Shift by (−N reads N again)' : 'Offset (every chosen partition)'}</span>
          <input className="input mono" aria-label={kind === 'shift' ? 'Shift by' : 'Offset'} value={text} onChange={(e) => (setText(e.target.value), changed())} autoFocus />
        </label>
      )}
      {plan && (
        <div data-testid="reset-preview">
          <p className="plan-total" role="status">
            {plan.plan.rereads > 0 && `The group will read ${formatCount(plan.plan.rereads)} record${plan.plan.rereads === 1 ? '' : 's'} again`}
            {plan.plan.rereads > 0 && plan.plan.skips > 0 && ' and '}
            {plan.plan.skips > 0 && `skip ${formatCount(plan.plan.skips)} record${plan.plan.skips === 1 ? '' : 's'}`}
            {plan.plan.rereads === 0 && plan.plan.skips === 0 && 'Nothing changes: the group is already there.'} ({plan.description}).
          </p>
          <div style={{ height: Math.min(260, 28 + plan.plan.rows.length * 24), display: 'flex' }}>
            <DataTable rows={plan.plan.rows} columns={columns} selected={selected} onSelect={setSelected} label="Reset preview" empty={<div className="empty">No partitions.</div>} />
          </div>
          {blocked && (
            <div className="notice warn" role="alert">
              The group has {blocked.length} active member{blocked.length === 1 ? '' : 's'}, and Kafka refuses to move offsets under running consumers:{' '}
              {blocked.map((m) => `${m.clientId} on ${m.host}`).join(', ')}. Stop them, then preview again.
            </div>
          )}
        </div>
      )}
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
