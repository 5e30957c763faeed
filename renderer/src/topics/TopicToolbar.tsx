import { ReadButton } from '../ui/ReadButton';
import { offsetRange } from '../ui/format';
import type { ReactNode } from 'react';
import type { Resource } from '../api/types';
import { TimeField } from '../ui/TimeField';
import { FROM_LABELS, type TopicFromMode } from './topic-from';

type Topic = Extract<Resource, { type: 'kafka-topic' }>;

interface Props {
  topic: Topic;
  /** null: all partitions. */
  partition: number | null;
  onPartition(p: number | null): void;
  fromMode: TopicFromMode;
  onFromMode(m: TopicFromMode): void;
  fromText: string;
  onFromText(v: string): void;
  pageSize: number;
  onPageSize(n: number): void;
  loading: boolean;
  onRead(): void;
  onCancel(): void;
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
  actions: ReactNode;
}

/** Which partitions, from where, how many: then Read, and Previous / Next from the page's edges. */
export function TopicToolbar(p: Props) {
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        p.onRead();
      }}
    >
      <label>
        Partition
        <select className="input" aria-label="Partition" value={p.partition ?? 'all'} onChange={(e) => p.onPartition(e.target.value === 'all' ? null : Number(e.target.value))}>
          <option value="all">All {p.topic.partitions.length}</option>
          {p.topic.partitions.map((x) => (
            <option key={x.partition} value={x.partition}>
              {x.partition} · {offsetRange(x.low, x.high)}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <select className="input" aria-label="Start from" value={p.fromMode} onChange={(e) => p.onFromMode(e.target.value as TopicFromMode)}>
          {(Object.keys(FROM_LABELS) as TopicFromMode[]).map((m) => (
            <option key={m} value={m}>
              {FROM_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      {p.fromMode === 'time' && <TimeField label="Start time" value={p.fromText} onChange={p.onFromText} />}
      {p.fromMode === 'offset' && (
        <input className="input mono" aria-label="Offset" placeholder={p.partition === null ? '1200 or 0:1200, 2:80' : '1200'} value={p.fromText} onChange={(e) => p.onFromText(e.target.value)} />
      )}
      {p.fromMode === 'last' && (
        <input className="input mono" aria-label="Records per partition" inputMode="numeric" placeholder="20" value={p.fromText} onChange={(e) => p.onFromText(e.target.value)} />
      )}
      <label>
        Show
        <select className="input" aria-label="Page size" value={p.pageSize} onChange={(e) => p.onPageSize(Number(e.target.value))}>
          {[100, 500, 1000, 5000].map((n) => (
            <option key={n} value={n}>
              {n.toLocaleString('en-US')}
            </option>
          ))}
        </select>
      </label>
      <ReadButton busy={p.loading} onCancel={p.onCancel} />
      <button type="button" className="btn" disabled={!p.onPrevious || p.loading} onClick={() => p.onPrevious?.()} title="The records just before this page (Alt+←)">
        ‹ Previous
      </button>
      <button type="button" className="btn" disabled={!p.onNext || p.loading} onClick={() => p.onNext?.()} title="The records just after this page (Alt+→)">
        Next ›
      </button>
      <div className="spacer" />
      {p.actions}
    </form>
  );
}
