import type { CSSProperties, KeyboardEvent, ReactNode } from 'react';
import { useTraceActions } from '../trace/trace-launch';
import { useClient } from '../api/client-context';
import type { Envelope, ReadTarget } from '../api/types';
import { copyText } from '../ui/copy';
import type { Column, Sort } from './columns';
import { nextSort } from './columns';
import { DetailPane } from './DetailPane';
import { RecordsTable, type Picks } from './RecordsTable';
import { copyWhole, sourceFor } from './whole-payload';
import { DetailSplitter, useDetailWidth } from './DetailSplitter';

interface Props {
  connectionId: string;
  /** What the rows were read from, when a whole payload is read again by it (a page of a stream or the store). */
  target: ReadTarget | null;
  rows: Envelope[];
  columns: Column[];
  selected: number;
  onSelect(i: number): void;
  sort: Sort;
  onSort(sort: Sort): void;
  label: string;
  empty: ReactNode;
  noun: string;
  positionLabel: string;
  /** Under the table: what was read, and how to read more. */
  foot?: ReactNode;
  /** Above the detail of the selected row (why a dead letter died). */
  aboveDetail?: ReactNode;
  picks?: Picks;
  followEnd?: boolean;
}

/** The table of records and the selected one's detail, as every records view shows them. */
export function RecordsPanel(p: Props) {
  const client = useClient();
  const traces = useTraceActions();
  const current = p.rows[p.selected] ?? null;
  // T on the table traces the selected message's conversation, as the detail pane's button does.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 't' || e.ctrlKey || e.metaKey || e.altKey || !current || !traces || (e.target as HTMLElement).getAttribute('role') !== 'grid') return;
    e.preventDefault();
    traces.start({ connectionId: p.connectionId, record: current, target: sourceFor(p.connectionId, current, p.target)?.target ?? null });
  };
  const [width, setWidth] = useDetailWidth();
  const detail = <DetailPane envelope={current} noun={p.noun} positionLabel={p.positionLabel} source={current ? sourceFor(p.connectionId, current, p.target) : null} connectionId={p.connectionId} />;
  return (
    <div className="records resizable" style={width === null ? undefined : ({ '--detail-width': `${width}px` } as CSSProperties)}>
      <div className="table-wrap" onKeyDown={onKeyDown}>
        <RecordsTable
          rows={p.rows}
          columns={p.columns}
          selected={p.selected}
          onSelect={p.onSelect}
          sort={p.sort}
          onSort={(column) => p.onSort(nextSort(p.sort, column))}
          onCopy={(e) => void copyWhole(client, e, sourceFor(p.connectionId, e, p.target), copyText)}
          empty={p.empty}
          label={p.label}
          {...(p.picks ? { picks: p.picks } : {})}
          followEnd={p.followEnd ?? false}
        />
        {p.foot}
      </div>
      <DetailSplitter width={width} onWidth={setWidth} />
      {p.aboveDetail ? (
        <div className="detail-stack">
          {p.aboveDetail}
          {detail}
        </div>
      ) : (
        detail
      )}
    </div>
  );
}
