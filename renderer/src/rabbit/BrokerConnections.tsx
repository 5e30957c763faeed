import { useState } from 'react';
import { DataTable, type DataColumn } from '../ui/DataTable';
import { ErrorBox } from '../ui/ErrorBox';
import { argText, useBrokerConnections, type Connection } from './rabbit-queries';

const COLUMNS: DataColumn<Connection>[] = [
  { id: 'client', label: 'Client', width: 'minmax(140px, 2fr)', className: 'mono', text: (c) => c.clientName ?? argText(c.clientProperties['product'] ?? '') },
  { id: 'user', label: 'User', width: '90px', text: (c) => c.user ?? '' },
  { id: 'vhost', label: 'Vhost', width: '80px', className: 'mono', text: (c) => c.vhost ?? '' },
  { id: 'peer', label: 'From', width: 'minmax(120px, 1fr)', className: 'mono', text: (c) => c.peer ?? '' },
  { id: 'channels', label: 'Channels', width: '80px', className: 'num', text: (c) => (c.channels === null ? '' : String(c.channels)) },
  { id: 'state', label: 'State', width: '80px', text: (c) => c.state ?? '' },
  { id: 'protocol', label: 'Protocol', width: '110px', text: (c) => c.protocol ?? '' },
  { id: 'since', label: 'Connected', width: '160px', className: 'num', text: (c) => c.connectedAt ?? '' },
];

/** The broker's client connections: "who is eating my messages?" */
export function BrokerConnections({ connectionId }: { connectionId: string }) {
  const q = useBrokerConnections(connectionId, true);
  const [selected, setSelected] = useState(-1);
  if (q.error) return <ErrorBox error={q.error} />;
  return (
    <>
      {q.data && q.data.missing.length > 0 && (
        <div className="notice" role="status">
          Not shown, for lack of permission: {q.data.missing.join('; ')}
        </div>
      )}
      <DataTable
        rows={q.data?.connections ?? []}
        columns={COLUMNS}
        selected={selected}
        onSelect={setSelected}
        label="Connections"
        empty={<div className="empty">{q.isPending ? 'Listing connections…' : 'No client is connected.'}</div>}
      />
    </>
  );
}
