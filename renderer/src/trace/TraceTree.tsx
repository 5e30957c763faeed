import type { CSSProperties } from 'react';
import { memberTime, type TraceMember } from '../../../src/model/trace';
import { copyText } from '../ui/copy';
import { formatTime } from '../ui/format';
import { VirtualGrid } from '../ui/VirtualGrid';
import { spanText, type TreeRow } from './trace-tree';

const COLUMNS = 'minmax(200px, 1fr) minmax(80px, 120px) minmax(100px, 200px) 156px 72px';

/** The causation tree as a table: each step under its cause, with where it is, when, and the time since its cause. */
export function TraceTree({ rows, members, selected, onSelect, onOpen }: { rows: TreeRow[]; members: TraceMember[]; selected: number; onSelect(row: number): void; onOpen(row: number): void }) {
  return (
    <VirtualGrid
      count={rows.length}
      selected={selected}
      onSelect={onSelect}
      onCopy={(i) => {
        const m = members[rows[i]!.index]!;
        void copyText(`${m.record.type ?? ''}\t${m.record.id ?? ''}\t${m.where.connectionName}\t${m.where.resource}\t${m.record.position}`);
      }}
      label="Causation tree"
      className="trace-tree"
      style={{ '--cols': COLUMNS } as CSSProperties}
      header={
        <>
          <span role="columnheader">Step</span>
          <span role="columnheader">Source</span>
          <span role="columnheader">Where</span>
          <span role="columnheader">Time</span>
          <span role="columnheader" title="Time since the message that caused it">
            After
          </span>
        </>
      }
      empty={<div className="empty">No messages found yet.</div>}
      cells={(i) => {
        const row = rows[i]!;
        const m = members[row.index]!;
        const place = `${m.where.resource}${m.record.partition !== null ? ` [${m.record.partition}]` : ''} @${m.record.position}`;
        return (
          <>
            <div
              role="gridcell"
              className={m.dead ? 'step dead' : 'step'}
              style={{ paddingLeft: 6 + row.depth * 16 }}
              onDoubleClick={() => onOpen(i)}
              title={`${m.record.type ?? '(no type)'} ${m.record.id ?? ''}${row.again ? '\ndelivered again' : ''}${row.orphan ? '\ncause not found' : ''}${m.dead ? `\n${m.dead}` : ''}`}
            >
              {row.depth > 0 && <span className="muted">└ </span>}
              {/* Flags first: a long type or id is cut at the cell's end, never what is wrong with the step. */}
              {m.dead && <span className="badge dead">dead</span>}
              {row.again && <span className="badge warn-badge">delivered again</span>}
              {row.orphan && <span className="badge warn-badge">cause not found</span>}
              {(m.dead || row.again || row.orphan) && ' '}
              <strong>{m.record.type ?? '(no type)'}</strong> <span className="mono muted">{m.record.id ?? 'no id'}</span>
            </div>
            <div role="gridcell" title={m.where.connectionName}>
              {m.where.connectionName}
            </div>
            <div role="gridcell" className="mono" title={place}>
              {place}
            </div>
            <div role="gridcell" title={memberTime(m.record) ?? ''}>
              {formatTime(memberTime(m.record))}
            </div>
            <div role="gridcell" className="num">
              {row.sinceCause === null ? '' : spanText(row.sinceCause)}
            </div>
          </>
        );
      }}
    />
  );
}
