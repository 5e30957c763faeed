import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';

const ROW = 24;
export type Cell = string | number | null;

const text = (v: Cell) => (v === null ? '' : String(v));

interface Props {
  columns: string[];
  rows: Cell[][];
  selected: number;
  onSelect(index: number): void;
  onCopy(row: Cell[]): void;
  empty: ReactNode;
  label: string;
}

/** Rows of a query, virtualized; arrows and PgUp/PgDn move, Ctrl+C copies the row. */
export function ResultGrid({ columns, rows, selected, onSelect, onCopy, empty, label }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 20 });
  // The state column holds whole JSON objects: give it the room left over.
  const style = { '--cols': columns.map((c) => (c === 'state' ? 'minmax(200px, 3fr)' : 'minmax(90px, 1fr)')).join(' ') } as CSSProperties;

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
        {columns.map((c, i) => (
          <div key={`${c}-${i}`} role="columnheader" className="th mono">
            {c}
          </div>
        ))}
      </div>
      <div className="tbody" ref={scroller} tabIndex={0} role="grid" aria-label={label} aria-rowcount={rows.length} onKeyDown={onKeyDown}>
        {rows.length === 0 ? (
          empty
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index] as Cell[];
              return (
                <div key={item.key} className="trow" role="row" aria-rowindex={item.index + 1} aria-selected={item.index === selected} style={{ transform: `translateY(${item.start}px)` }} onClick={() => onSelect(item.index)}>
                  {row.map((v, i) => (
                    <div key={i} role="gridcell" className={typeof v === 'number' ? 'num mono' : v === null ? 'faint' : 'mono'} title={text(v)}>
                      {v === null ? 'null' : text(v)}
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
