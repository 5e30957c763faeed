import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import type { Envelope } from '../api/types';
import type { Column, Sort } from './columns';

const ROW = 24;

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
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 20 });
  const style = { '--cols': columns.map((c) => c.width).join(' ') } as CSSProperties;

  useEffect(() => {
    if (selected >= 0) virtualizer.scrollToIndex(selected);
    // Follow the selection only when it moves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW * 10) / ROW) - 1);
    const go = (i: number) => onSelect(Math.max(0, Math.min(rows.length - 1, i)));
    if (e.key === 'ArrowDown') go(selected + 1);
    else if (e.key === 'ArrowUp') go(selected - 1);
    else if (e.key === 'PageDown') go(selected + page);
    else if (e.key === 'PageUp') go(selected - page);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(rows.length - 1);
    else if ((e.ctrlKey || e.metaKey) && e.key === 'c' && rows[selected]) onCopy(rows[selected]);
    else return;
    e.preventDefault();
  };

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
