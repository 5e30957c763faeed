import { useEffect, useState } from 'react';
import { useClient } from '../api/client-context';
import type { TopicDetail } from '../../../src/model/topic-scan';
import { DataTable, type DataColumn } from '../ui/DataTable';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';

interface Props {
  connectionId: string;
  topic: string;
  onClose(): void;
  onDeleted(): void;
}

type Part = TopicDetail['partitions'][number];
type Config = TopicDetail['configs'][number];

const partColumns: DataColumn<Part>[] = [
  { id: 'p', label: 'Partition', width: '76px', className: 'num mono', text: (p) => String(p.partition) },
  { id: 'leader', label: 'Leader', width: '64px', className: 'num mono', text: (p) => (p.leader < 0 ? 'none' : String(p.leader)) },
  { id: 'replicas', label: 'Replicas', width: '1fr', className: 'mono', text: (p) => p.replicas.join(', ') },
  { id: 'isr', label: 'In sync', width: '1fr', className: 'mono', text: (p) => p.isr.join(', ') },
  { id: 'low', label: 'Low', width: '90px', className: 'num mono', text: (p) => p.low },
  { id: 'high', label: 'High', width: '90px', className: 'num mono', text: (p) => p.high },
];

const configColumns: DataColumn<Config>[] = [
  { id: 'name', label: 'Config', width: 'minmax(180px, 1fr)', className: 'mono', text: (c) => `${c.isDefault ? '' : '● '}${c.name}` },
  { id: 'value', label: 'Value', width: 'minmax(120px, 1fr)', className: 'mono', text: (c) => (c.sensitive ? '(hidden)' : (c.value ?? '')) },
  { id: 'source', label: 'Set by', width: '150px', text: (c) => (c.isDefault ? 'default' : c.source) },
];

/** Partitions with leaders, replicas and watermarks; configs with the ones set on purpose first; delete. */
export function TopicDetailsDialog({ connectionId, topic, onClose, onDeleted }: Props) {
  const client = useClient();
  const [detail, setDetail] = useState<TopicDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sel, setSel] = useState(-1);
  const [cfgSel, setCfgSel] = useState(-1);

  useEffect(() => {
    client.call('topics/describe', { connectionId, topic }).then(setDetail, setError);
  }, [client, connectionId, topic]);

  const records = detail?.partitions.reduce((n, p) => n + (Number(p.high) - Number(p.low)), 0) ?? 0;
  const underReplicated = detail?.partitions.filter((p) => p.isr.length < p.replicas.length).length ?? 0;
  return (
    <Dialog
      title={`Topic ${topic}`}
      wide
      onClose={onClose}
      submitLabel={confirm === null ? 'Close' : 'Delete topic'}
      submitting={busy || (confirm !== null && confirm !== topic)}
      onSubmit={(e) => {
        e.preventDefault();
        if (confirm === null) return onClose();
        setBusy(true);
        client.call('topics/delete', { connectionId, topic, confirm }).then(onDeleted, (err: unknown) => {
          setError(err);
          setBusy(false);
        });
      }}
      actions={
        // Offered once the details say the topic is not one of Kafka's own (the core refuses those anyway).
        confirm === null &&
        detail &&
        !detail.internal && (
          <button type="button" className="btn danger" onClick={() => setConfirm('')}>
            Delete topic…
          </button>
        )
      }
    >
      {detail ? (
        <>
          <p className="muted">
            {detail.partitions.length} partitions · {formatCount(records)} offsets · replication {detail.partitions[0]?.replicas.length ?? 0}
            {underReplicated > 0 && <span className="err"> · {underReplicated} under-replicated</span>}
          </p>
          {detail.internal && (
            <p className="muted" data-testid="internal-topic">
              One of Kafka&apos;s internal topics: Rewind does not delete it.
            </p>
          )}
          <div style={{ height: Math.min(200, 28 + detail.partitions.length * 24), display: 'flex' }}>
            <DataTable rows={detail.partitions} columns={partColumns} selected={sel} onSelect={setSel} label="Partitions" empty={null} />
          </div>
          <p className="muted">Configs: ● marks the ones set for this topic or its brokers rather than Kafka's defaults.</p>
          <div style={{ height: 220, display: 'flex' }}>
            <DataTable
              rows={detail.configs}
              columns={configColumns}
              selected={cfgSel}
              onSelect={setCfgSel}
              label="Configs"
              empty={<div className="empty">No configs readable (DescribeConfigs is not allowed).</div>}
            />
          </div>
        </>
      ) : error === null ? (
        <p>Loading…</p>
      ) : null}
      {confirm !== null && (
        <label className="field">
          <span>
            Deleting removes every record of every partition, for every consumer. Type <strong className="mono">{topic}</strong> to confirm.
          </span>
          <input className="input mono" aria-label="Topic name to confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoFocus />
        </label>
      )}
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
