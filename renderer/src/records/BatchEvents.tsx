import { useState } from 'react';
import type { BatchEvent } from '../../../src/model/envelope';
import { DataTable, type DataColumn } from '../ui/DataTable';
import { formatTime } from '../ui/format';
import { JsonView } from './JsonView';

type Row = BatchEvent & { n: number };

const columns: DataColumn<Row>[] = [
  { id: 'n', label: '#', width: '40px', className: 'num mono', text: (e) => String(e.n) },
  { id: 'id', label: 'Id', width: 'minmax(70px, 1fr)', className: 'mono', text: (e) => e.id ?? 'no id' },
  { id: 'type', label: 'Type', width: 'minmax(90px, 1.4fr)', text: (e) => e.type ?? '' },
  { id: 'source', label: 'Source', width: 'minmax(70px, 1fr)', className: 'mono', text: (e) => e.source ?? '' },
  { id: 'time', label: 'Time', width: '150px', text: (e) => (e.time ? formatTime(e.time) : (e.timeText ?? '')) },
];

/** The events a CloudEvents batch holds, one row each; the picked one's data below. */
export function BatchEvents({ events, total }: { events: BatchEvent[]; total: number }) {
  const [selected, setSelected] = useState(0);
  const rows = events.map((e, i) => ({ ...e, n: i + 1 }));
  const picked = rows[selected];
  return (
    <div className="section" data-testid="batch-events">
      <h3>
        Events in this batch <span className="faint">{total > events.length ? `the first ${events.length} of ${total}` : total}</span>
      </h3>
      <div className="batch-table" style={{ height: Math.min(180, 30 + rows.length * 25) }}>
        <DataTable rows={rows} columns={columns} selected={selected} onSelect={setSelected} label="Events in the batch" empty={<div className="empty">The batch is empty.</div>} />
      </div>
      {picked?.data && <JsonView text={picked.data} />}
    </div>
  );
}
