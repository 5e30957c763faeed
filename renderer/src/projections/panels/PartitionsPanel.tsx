import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { useClient } from '../../api/client-context';
import { copyText } from '../../ui/copy';
import { ErrorBox } from '../../ui/ErrorBox';
import { VirtualGrid } from '../../ui/VirtualGrid';
import { JsonTree } from '../JsonTree';
import type { Summary } from '../useRebuild';

type Row = { key: string; state: unknown };
const cell = (v: unknown) => (v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** One row per partition, with the state's top-level fields as columns; pick one (click, or the arrow keys) to focus on it. */
export function PartitionsPanel({ summary }: { summary: Summary }) {
  const client = useClient();
  const rows: Row[] = useMemo(
    () => (summary.state && typeof summary.state === 'object' && !Array.isArray(summary.state) ? Object.entries(summary.state).map(([key, state]) => ({ key, state })) : []),
    [summary],
  );
  const fields = useMemo(() => {
    const set = new Set<string>();
    for (const r of rows.slice(0, 50)) if (r.state && typeof r.state === 'object' && !Array.isArray(r.state)) Object.keys(r.state).forEach((k) => set.add(k));
    return [...set].slice(0, 6);
  }, [rows]);
  const [sort, setSort] = useState<{ field: string; dir: 1 | -1 }>({ field: '(key)', dir: 1 });
  const sorted = useMemo(() => {
    const get = (r: Row) => (sort.field === '(key)' ? r.key : (r.state as Record<string, unknown> | null)?.[sort.field]);
    return [...rows].sort((a, b) => {
      const x = get(a) as number | string;
      const y = get(b) as number | string;
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
    });
  }, [rows, sort]);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<{ state: unknown; positions: number[]; truncated: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const selectedIndex = useMemo(() => (selected === null ? -1 : sorted.findIndex((r) => r.key === selected)), [sorted, selected]);

  useEffect(() => {
    setDetail(null);
    if (selected === null) return;
    // A broker run's events are read again for this: the answer for an earlier pick must not win.
    const controller = new AbortController();
    setError(null);
    client.call('projections/partition', { runId: summary.runId, key: selected, limit: 2000 }, { signal: controller.signal }).then(setDetail, (e: unknown) => {
      if (!controller.signal.aborted) setError(e);
    });
    return () => controller.abort();
  }, [client, selected, summary.runId]);

  if (!summary.partitioned) {
    return (
      <div className="empty">
        <div>
          <h3>One state, no partitions</h3>
          <p>
            Add <span className="mono">partitionBy: (e) =&gt; e.data.accountId</span> to keep a state per key.
          </p>
        </div>
      </div>
    );
  }
  const columns = ['(key)', ...fields];
  const style = { '--cols': `minmax(120px, 1.2fr) ${fields.map(() => 'minmax(80px, 1fr)').join(' ')}` } as CSSProperties;
  return (
    <div className="split">
      <div className="table-wrap">
        <VirtualGrid
          count={sorted.length}
          selected={selectedIndex}
          onSelect={(i) => setSelected(sorted[i]?.key ?? null)}
          onCopy={(i) => void copyText(JSON.stringify({ key: sorted[i]!.key, state: sorted[i]!.state }, null, 2))}
          label="Partitions"
          style={style}
          header={columns.map((c) => (
            <span key={c} role="columnheader" aria-sort={sort.field === c ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
              <button type="button" onClick={() => setSort((s) => ({ field: c, dir: s.field === c ? (-s.dir as 1 | -1) : 1 }))}>
                {c === '(key)' ? 'Partition' : c}
                {sort.field === c ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
              </button>
            </span>
          ))}
          empty={<div className="empty">No partitions yet.</div>}
          cells={(i) => {
            const r = sorted[i]!;
            return (
              <>
                <div role="gridcell" className="mono">
                  {r.key}
                </div>
                {fields.map((f) => (
                  <div key={f} role="gridcell" className="mono num">
                    {cell((r.state as Record<string, unknown> | null)?.[f])}
                  </div>
                ))}
              </>
            );
          }}
        />
        <div className="toolbar table-foot muted">{rows.length} partitions</div>
      </div>
      <div className="panel-scroll">
        {error !== null && <ErrorBox error={error} />}
        {!selected && <div className="empty">Pick a partition to see its state and the events that touched it.</div>}
        {selected && !detail && error === null && <div className="empty">Finding the events that touched {selected}…</div>}
        {selected && detail && (
          <>
            <div className="section">
              <h3>Partition {selected}</h3>
              <div className="mono">
                <JsonTree value={detail.state} openDepth={2} />
              </div>
            </div>
            <div className="section">
              <h3>Events that touched it</h3>
              <p className="mono" data-testid="partition-positions">
                {detail.truncated ? `The first ${detail.positions.length}` : detail.positions.length} events at positions {detail.positions.slice(0, 200).join(', ')}
                {detail.positions.length > 200 || detail.truncated ? ' …' : ''}
              </p>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
