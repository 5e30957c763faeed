import type { CSSProperties, ReactNode } from 'react';
import { VirtualGrid } from '../ui/VirtualGrid';
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
      <VirtualGrid
        count={rows.length}
        selected={selected}
        onSelect={onSelect}
        onCopy={(i) => onCopy(rows[i]!)}
        label={label}
        empty={empty}
        cells={(i) =>
          columns.map((c) => (
            <div key={c.id} role="gridcell" className={c.className} title={c.text(rows[i]!)}>
              {c.text(rows[i]!)}
            </div>
          ))
        }
      />
    </div>
  );
}
