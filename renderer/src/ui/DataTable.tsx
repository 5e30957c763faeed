import type { CSSProperties, ReactNode } from 'react';
import { copyText } from './copy';
import { VirtualGrid } from './VirtualGrid';

export interface DataColumn<T> {
  id: string;
  label: string;
  width: string;
  className?: string;
  text(row: T): string;
}

interface Props<T> {
  rows: T[];
  columns: DataColumn<T>[];
  selected: number;
  onSelect(index: number): void;
  label: string;
  empty: ReactNode;
}

/** A plain virtualized table of any rows: header, keyboard selection, Ctrl+C copies the row as text. */
export function DataTable<T>({ rows, columns, selected, onSelect, label, empty }: Props<T>) {
  const style = { '--cols': columns.map((c) => c.width).join(' ') } as CSSProperties;
  return (
    <VirtualGrid
      count={rows.length}
      selected={selected}
      onSelect={onSelect}
      onCopy={(i) => void copyText(columns.map((c) => c.text(rows[i]!)).join('\t'))}
      label={label}
      style={style}
      header={columns.map((c) => (
        <span key={c.id} role="columnheader" className={c.className}>
          {c.label}
        </span>
      ))}
      empty={empty}
      cells={(i) =>
        columns.map((c) => (
          <div key={c.id} role="gridcell" className={c.className} title={c.text(rows[i]!)}>
            {c.text(rows[i]!)}
          </div>
        ))
      }
    />
  );
}
