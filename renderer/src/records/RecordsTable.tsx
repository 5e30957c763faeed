import type { CSSProperties, ReactNode } from 'react';
import { VirtualGrid } from '../ui/VirtualGrid';
import type { Envelope } from '../api/types';
import type { Column, Sort } from './columns';

export interface Picks {
  isPicked(index: number): boolean;
  toggle(index: number): void;
  allPicked: boolean;
  toggleAll(): void;
}

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
  /** Rows picked for an action (a redrive): a checkbox column; Space toggles the selected row. */
  picks?: Picks;
  /** Rows arrive at the end (a tail): the newest stays in view while the user is at the bottom. */
  followEnd?: boolean;
}

export function RecordsTable({ rows, columns, selected, onSelect, sort, onSort, onCopy, empty, label, picks, followEnd = false }: Props) {
  const style = { '--cols': [...(picks ? ['28px'] : []), ...columns.map((c) => c.width)].join(' ') } as CSSProperties;

  return (
    <VirtualGrid
      count={rows.length}
      selected={selected}
      onSelect={onSelect}
      onCopy={(i) => onCopy(rows[i]!)}
      {...(picks ? { onToggle: picks.toggle } : {})}
      label={label}
      followEnd={followEnd}
      style={style}
      header={
        <>
          {picks && (
            <span role="columnheader" className="pick">
              <input type="checkbox" aria-label="Pick all" checked={picks.allPicked} onChange={picks.toggleAll} />
            </span>
          )}
          {columns.map((c) => (
            <span key={c.id} role="columnheader" aria-sort={sort?.column === c.id ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
              <button type="button" onClick={() => onSort(c.id)} title={`Sort by ${c.label}`}>
                {c.label}
                {sort?.column === c.id ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
              </button>
            </span>
          ))}
        </>
      }
      empty={empty}
      cells={(i) => [
        ...(picks
          ? [
              <div key="pick" role="gridcell" className="pick" onClick={(e) => (e.stopPropagation(), picks.toggle(i))}>
                <input type="checkbox" aria-label={`Pick row ${i + 1}`} checked={picks.isPicked(i)} readOnly tabIndex={-1} />
              </div>,
            ]
          : []),
        ...columns.map((c) => (
          <div key={c.id} role="gridcell" className={c.className} title={c.text(rows[i]!)}>
            {c.text(rows[i]!)}
          </div>
        )),
      ]}
    />
  );
}
