import type { CSSProperties, ReactNode } from 'react';
import { VirtualGrid } from '../ui/VirtualGrid';
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
  // The state column holds whole JSON objects: give it the room left over.
  const style = { '--cols': columns.map((c) => (c === 'state' ? 'minmax(200px, 3fr)' : 'minmax(90px, 1fr)')).join(' ') } as CSSProperties;

  return (
    <VirtualGrid
      count={rows.length}
      selected={selected}
      onSelect={onSelect}
      onCopy={(i) => onCopy(rows[i]!)}
      label={label}
      style={style}
      header={columns.map((c, i) => (
        <div key={`${c}-${i}`} role="columnheader" className="th mono">
          {c}
        </div>
      ))}
      empty={empty}
      cells={(i) =>
        rows[i]!.map((v, j) => (
          <div key={j} role="gridcell" className={typeof v === 'number' ? 'num mono' : v === null ? 'faint' : 'mono'} title={text(v)}>
            {v === null ? 'null' : text(v)}
          </div>
        ))
      }
    />
  );
}
