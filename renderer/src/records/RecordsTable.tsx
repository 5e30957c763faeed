import type { CSSProperties, ReactNode } from 'react';
import { useTableNavigation } from '../ui/useTableNavigation';
import type { Envelope } from '../api/types';
import type { Column, Sort } from './columns';

interface Props {
  rows: Envelope[];
  columns: Column[];
  selected: number;
  onSelect(index: number): void;
  sort: Sort;
  onSort(column: string): void;
  onCopy(e: Envelope): void;
  empty: ReactNode;
  label: string;
}

export function RecordsTable({ rows, columns, selected, onSelect, sort, onSort, onCopy, empty, label }: Props) {
  const { scroller, virtualizer, onKeyDown } = useTableNavigation(rows.length, selected, onSelect, (i) => onCopy(rows[i]!));
  const style = { '--cols': columns.map((c) => c.width).join(' ') } as CSSProperties;

  return (
    <div className="table" style={style}>
      <div className="thead" role="row">
        {columns.map((c) => (
          <button key={c.id} role="columnheader" aria-sort={sort?.column === c.id ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'} onClick={() => onSort(c.id)} title={`Sort by ${c.label}`}>
            {c.label}
            {sort?.column === c.id ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
          </button>
        ))}
      </div>
      <div className="tbody" ref={scroller} tabIndex={0} role="grid" aria-label={label} aria-rowcount={rows.length} onKeyDown={onKeyDown}>
        {rows.length === 0 ? (
          empty
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const e = rows[item.index] as Envelope;
              return (
                <div
                  key={item.key}
                  className="trow"
                  role="row"
                  aria-rowindex={item.index + 1}
                  aria-selected={item.index === selected}
                  style={{ transform: `translateY(${item.start}px)` }}
                  onClick={() => onSelect(item.index)}
                >
                  {columns.map((c) => (
                    <div key={c.id} role="gridcell" className={c.className} title={c.text(e)}>
                      {c.text(e)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
