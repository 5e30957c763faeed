import { useMemo, useState } from 'react';
import { useClient } from '../api/client-context';
import type { GroupDetail, GroupSummary } from '../../../src/model/groups';
import { DataTable, type DataColumn } from '../ui/DataTable';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { DeleteGroupDialog } from './DeleteGroupDialog';
import { ResetDialog, type Applied } from './ResetDialog';
import { REFRESH_MS, useGroups } from './useGroups';

interface Props {
  connectionId: string;
  connectionName: string;
}

const lagText = (lag: number | null) => (lag === null ? '–' : formatCount(lag));

const groupColumns: DataColumn<GroupSummary>[] = [
  { id: 'group', label: 'Group', width: 'minmax(160px, 1fr)', className: 'mono', text: (g) => g.groupId },
  { id: 'state', label: 'State', width: '130px', text: (g) => g.state },
  { id: 'members', label: 'Members', width: '76px', className: 'num', text: (g) => String(g.members) },
  { id: 'protocol', label: 'Assignor', width: '110px', text: (g) => g.protocol },
  { id: 'topics', label: 'Topics', width: 'minmax(120px, 1fr)', className: 'mono', text: (g) => g.topics.join(', ') },
  { id: 'lag', label: 'Lag', width: '90px', className: 'num', text: (g) => lagText(g.lag) },
];

type Part = GroupDetail['partitions'][number];
const partitionColumns: DataColumn<Part>[] = [
  { id: 'topic', label: 'Topic', width: 'minmax(120px, 1fr)', className: 'mono', text: (p) => p.topic },
  { id: 'partition', label: 'P', width: '40px', className: 'num mono', text: (p) => String(p.partition) },
  { id: 'committed', label: 'Committed', width: '100px', className: 'num mono', text: (p) => p.committed ?? '–' },
  { id: 'end', label: 'Log end', width: '100px', className: 'num mono', text: (p) => p.logEnd },
  { id: 'lag', label: 'Lag', width: '80px', className: 'num', text: (p) => lagText(p.lag) },
  { id: 'client', label: 'Consumer', width: 'minmax(120px, 1fr)', className: 'mono', text: (p) => (p.clientId ? `${p.clientId} (${p.host ?? ''})` : '–') },
];

/** A Kafka connection's consumer groups: state, members, lag per partition; reset offsets, undo, delete. */
export function GroupsTab({ connectionId, connectionName }: Props) {
  const client = useClient();
  const [selectedIndex, setSelectedIndex] = useState(-1);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [auto, setAuto] = useState(true);
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<'reset' | 'delete' | null>(null);
  const [applied, setApplied] = useState<(Applied & { groupId: string }) | null>(null);
  const [undo, setUndo] = useState<{ busy: boolean; error: unknown; done: boolean }>({ busy: false, error: null, done: false });
  const [partSelected, setPartSelected] = useState(-1);
  const { groups, detail, error, detailError, loading, refreshedAt, refresh } = useGroups(connectionId, groupId, auto);
  const shown = useMemo(() => (groups ?? []).filter((g) => g.groupId.toLowerCase().includes(filter.trim().toLowerCase())), [groups, filter]);

  const undoReset = async () => {
    if (!applied) return;
    const offsets = applied.before.filter((b): b is { topic: string; partition: number; offset: string } => b.offset !== null);
    setUndo({ busy: true, error: null, done: false });
    try {
      await client.call('groups/reset', { connectionId, groupId: applied.groupId, offsets, description: `undo: back to the offsets before audit entry ${applied.auditId}` });
      setUndo({ busy: false, error: null, done: true });
      void refresh();
    } catch (e) {
      setUndo({ busy: false, error: e, done: false });
    }
  };

  return (
    <>
      <div className="toolbar">
        <strong>Consumer groups</strong>
        <span className="muted">on {connectionName}</span>
        <input className="input" aria-label="Filter groups" placeholder="Filter groups…" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <button className="btn" onClick={() => void refresh()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
        <label className="check" title={`Refresh every ${REFRESH_MS / 1000} s while this tab is open`}>
          <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} />
          Every {REFRESH_MS / 1000} s
        </label>
        <div className="spacer" />
        {refreshedAt && <span className="muted small">updated {new Date(refreshedAt).toLocaleTimeString()}</span>}
      </div>
      {error !== null && (
        <div className="section">
          <ErrorBox error={error} />
        </div>
      )}
      {applied && (
        <div className="notice" role="status" data-testid="reset-applied">
          {undo.done ? `Reset back to the offsets before on ${applied.groupId}.` : `Reset ${applied.groupId}: ${applied.description}. Written to the audit log (entry ${applied.auditId}).`}{' '}
          {!undo.done && (
            <button className="btn small" disabled={undo.busy} onClick={() => void undoReset()} title="Set every partition back to the committed offset it had before this reset">
              {undo.busy ? 'Resetting back…' : 'Reset back to the offsets before'}
            </button>
          )}
          {undo.error !== null && <ErrorBox error={undo.error} />}
        </div>
      )}
      <div className="groups">
        <DataTable
          rows={shown}
          columns={groupColumns}
          selected={selectedIndex}
          onSelect={(i) => {
            setSelectedIndex(i);
            setGroupId(shown[i]?.groupId ?? null);
            setPartSelected(-1);
          }}
          label="Consumer groups"
          empty={<div className="empty">{groups === null ? (loading ? 'Loading…' : '') : filter ? `No group matches “${filter}”.` : 'No consumer groups on this cluster yet.'}</div>}
        />
        <div className="group-detail">
          {detail ? (
            <>
              <div className="toolbar">
                <strong className="mono">{detail.groupId}</strong>
                <span className="badge">{detail.state}</span>
                <span className="muted">
                  lag {lagText(detail.lag)}
                  {Object.keys(detail.lagByTopic).length > 1 &&
                    ` (${Object.entries(detail.lagByTopic)
                      .map(([t, l]) => `${t} ${formatCount(l)}`)
                      .join(', ')})`}
                </span>
                <div className="spacer" />
                <button className="btn" onClick={() => setDialog('reset')}>
                  Reset offsets…
                </button>
                <button
                  className="btn danger"
                  onClick={() => setDialog('delete')}
                  disabled={detail.members > 0}
                  title={detail.members > 0 ? 'Only an empty group can be deleted: stop its consumers first' : 'Delete this group and its committed offsets'}
                >
                  Delete group…
                </button>
              </div>
              {detail.memberList.length > 0 && (
                <div className="members" aria-label="Members">
                  {detail.memberList.map((m) => (
                    <span key={m.memberId} className="member mono" title={m.memberId}>
                      {m.clientId} · {m.host} · {m.assignment.map((a) => `${a.topic} [${a.partitions.join(',')}]`).join(' ') || 'no partitions'}
                    </span>
                  ))}
                </div>
              )}
              <DataTable
                rows={detail.partitions}
                columns={partitionColumns}
                selected={partSelected}
                onSelect={setPartSelected}
                label={`Partitions of ${detail.groupId}`}
                empty={<div className="empty">This group has no committed offsets.</div>}
              />
            </>
          ) : detailError !== null ? (
            <div className="section">
              <ErrorBox error={detailError} />
            </div>
          ) : (
            <div className="empty">{groupId ? 'Loading…' : 'Pick a group to see its partitions, lag and members.'}</div>
          )}
        </div>
      </div>
      {dialog === 'reset' && detail && (
        <ResetDialog
          connectionId={connectionId}
          group={detail}
          onClose={() => setDialog(null)}
          onApplied={(a) => {
            setDialog(null);
            setApplied({ ...a, groupId: detail.groupId });
            setUndo({ busy: false, error: null, done: false });
            void refresh();
          }}
        />
      )}
      {dialog === 'delete' && detail && (
        <DeleteGroupDialog
          connectionId={connectionId}
          groupId={detail.groupId}
          onClose={() => setDialog(null)}
          onDeleted={() => {
            setDialog(null);
            setGroupId(null);
            setSelectedIndex(-1);
            void refresh();
          }}
        />
      )}
    </>
  );
}
