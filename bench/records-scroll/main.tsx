import { useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { columnsFor } from '../../renderer/src/records/columns';
import { RecordsTable } from '../../renderer/src/records/RecordsTable';
import '../../renderer/src/styles.css';
import { lazyRows, ordersTopic, syntheticRecord } from './rows';

const COUNT = Number(new URLSearchParams(location.search).get('rows') ?? 1_000_000);

/** The app's records table over a million in-memory records, laid out as in a topic tab. */
function Bench() {
  const rows = useMemo(() => lazyRows(COUNT, syntheticRecord), []);
  const columns = useMemo(() => columnsFor(ordersTopic), []);
  const [selected, setSelected] = useState(-1);
  return (
    <div className="records" style={{ height: '100%' }}>
      <div className="table-wrap">
        <RecordsTable
          rows={rows}
          columns={columns}
          selected={selected}
          onSelect={setSelected}
          sort={null}
          onSort={() => undefined}
          onCopy={() => undefined}
          empty={<p>No records</p>}
          label="orders records"
        />
      </div>
      <div className="detail" />
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<Bench />);
