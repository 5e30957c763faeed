import { useState } from 'react';
import { DataTable, type DataColumn } from '../ui/DataTable';
import { argText, type Topology } from './rabbit-queries';

type Exchange = Topology['exchanges'][number];
type Queue = Topology['queues'][number];
type Binding = Topology['bindings'][number];
type Policy = Topology['policies'][number];

const args = (a: Record<string, unknown>) =>
  Object.entries(a)
    .map(([k, v]) => `${k}=${argText(v)}`)
    .join(', ');

const EXCHANGE_COLUMNS: DataColumn<Exchange>[] = [
  { id: 'name', label: 'Exchange', width: 'minmax(160px, 2fr)', className: 'mono', text: (x) => x.name || '(default)' },
  { id: 'type', label: 'Type', width: '80px', text: (x) => x.type },
  { id: 'flags', label: 'Flags', width: '150px', text: (x) => [x.durable ? 'durable' : 'transient', x.autoDelete && 'auto-delete', x.internal && 'internal'].filter(Boolean).join(' · ') },
  { id: 'alt', label: 'Alternate', width: 'minmax(120px, 1fr)', className: 'mono', text: (x) => (x.alternate ? `${x.alternate.name} (${x.alternate.setBy})` : '') },
  { id: 'args', label: 'Arguments', width: 'minmax(160px, 2fr)', className: 'mono', text: (x) => args(x.arguments) },
];

const QUEUE_COLUMNS: DataColumn<Queue>[] = [
  { id: 'name', label: 'Queue', width: 'minmax(160px, 2fr)', className: 'mono', text: (q) => q.name },
  { id: 'type', label: 'Type', width: '70px', text: (q) => q.type },
  { id: 'ready', label: 'Ready', width: '70px', className: 'num', text: (q) => String(q.ready) },
  { id: 'unacked', label: 'Unacked', width: '70px', className: 'num', text: (q) => String(q.unacked) },
  { id: 'consumers', label: 'Consumers', width: '80px', className: 'num', text: (q) => String(q.consumers) },
  { id: 'in', label: 'In/s', width: '60px', className: 'num', text: (q) => (q.publishRate === null ? '' : q.publishRate.toFixed(1)) },
  { id: 'out', label: 'Out/s', width: '60px', className: 'num', text: (q) => (q.deliverRate === null ? '' : q.deliverRate.toFixed(1)) },
  { id: 'policy', label: 'Policy', width: 'minmax(90px, 1fr)', className: 'mono', text: (q) => q.policy ?? '' },
  {
    id: 'effective',
    label: 'Settings (from)',
    width: 'minmax(200px, 3fr)',
    className: 'mono',
    text: (q) => q.effective.map((s) => `${s.key}=${argText(s.value)}${s.source === 'argument' ? '' : ` (${s.source})`}`).join(', '),
  },
];

const BINDING_COLUMNS: DataColumn<Binding>[] = [
  { id: 'source', label: 'From exchange', width: 'minmax(140px, 2fr)', className: 'mono', text: (b) => b.source || '(default)' },
  { id: 'to', label: 'To', width: 'minmax(140px, 2fr)', className: 'mono', text: (b) => `${b.destinationType === 'exchange' ? 'exchange ' : ''}${b.destination}` },
  { id: 'key', label: 'Routing key', width: 'minmax(120px, 2fr)', className: 'mono', text: (b) => b.routingKey },
  { id: 'args', label: 'Arguments', width: 'minmax(140px, 2fr)', className: 'mono', text: (b) => args(b.arguments) },
];

const POLICY_COLUMNS: DataColumn<Policy>[] = [
  { id: 'name', label: 'Policy', width: 'minmax(120px, 1fr)', className: 'mono', text: (p) => `${p.name}${p.operator ? ' (operator)' : ''}` },
  { id: 'pattern', label: 'Pattern', width: 'minmax(100px, 1fr)', className: 'mono', text: (p) => p.pattern },
  { id: 'apply', label: 'Applies to', width: '90px', text: (p) => p.applyTo },
  { id: 'priority', label: 'Priority', width: '70px', className: 'num', text: (p) => String(p.priority) },
  { id: 'def', label: 'Definition', width: 'minmax(200px, 3fr)', className: 'mono', text: (p) => args(p.definition) },
];

/** One of the vhost's lists as a virtualized table; a queue row opens its page. */
export function TopologyTable({ view, topology, onOpenQueue }: { view: 'exchanges' | 'queues' | 'bindings' | 'policies'; topology: Topology; onOpenQueue(name: string): void }) {
  const [selected, setSelected] = useState(-1);
  const empty = <div className="empty">Nothing here{topology.matched.queues < topology.totals.queues ? ' that matches the filter' : ''}.</div>;
  switch (view) {
    case 'exchanges':
      return <DataTable rows={topology.exchanges} columns={EXCHANGE_COLUMNS} selected={selected} onSelect={setSelected} label="Exchanges" empty={empty} />;
    case 'queues':
      return (
        <DataTable
          rows={topology.queues}
          columns={QUEUE_COLUMNS}
          selected={selected}
          onSelect={(i) => {
            setSelected(i);
            const q = topology.queues[i];
            if (q && q.type !== 'stream') onOpenQueue(q.name);
          }}
          label="Queues"
          empty={empty}
        />
      );
    case 'bindings':
      return <DataTable rows={topology.bindings} columns={BINDING_COLUMNS} selected={selected} onSelect={setSelected} label="Bindings" empty={empty} />;
    case 'policies':
      return <DataTable rows={topology.policies} columns={POLICY_COLUMNS} selected={selected} onSelect={setSelected} label="Policies" empty={empty} />;
  }
}
