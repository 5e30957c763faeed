import type { CSSProperties, ReactNode } from 'react';
import { useTableNavigation } from '../ui/useTableNavigation';
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
  const { scroller, virtualizer, onKeyDown } = useTableNavigation(rows.length, selected, onSelect, (i) => onCopy(rows[i]!));
  // The state column holds whole JSON objects: give it the room left over.
  const style = { '--cols': columns.map((c) => (c === 'state' ? 'minmax(200px, 3fr)' : 'minmax(90px, 1fr)')).join(' ') } as CSSProperties;

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
