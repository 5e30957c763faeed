import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useId, useRef, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';

const ROW = 24;
/** The header row's height (`.thead` in styles.css): it stays on top while the rows scroll under it. */
const HEAD = 26;

/**
 * A virtualized table's rows and keys: arrows, PgUp/PgDn, Home/End move the selection (which
 * stays in view), Ctrl/Cmd+C copies the selected row.
 */
function useTableNavigation(count: number, selected: number, onSelect: (index: number) => void, onCopy: (index: number) => void, onToggle?: (index: number) => void, followEnd = false) {
  const scroller = useRef<HTMLDivElement>(null);
  // The rows start below the sticky header, and a row scrolled into view must not hide under it.
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 20, scrollMargin: HEAD, scrollPaddingStart: HEAD });

  // Rows arriving at the end (a tail) keep the newest in view while the user is at the bottom;
  // scrolled up to read, they stay where they are.
  const before = useRef(count);
  useEffect(() => {
    const el = scroller.current;
    // Where the bottom was before these rows came: every row is ROW high, under the header.
    const wasAtBottom = el !== null && el.scrollTop + el.clientHeight >= before.current * ROW + HEAD - ROW;
    before.current = count;
    if (followEnd && wasAtBottom && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
    // Only when rows arrive.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [count, followEnd]);

  useEffect(() => {
    if (selected >= 0) virtualizer.scrollToIndex(selected);
    // Follow the selection only when it moves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent) => {
    // Keys in a control of the header (a sort button, the pick-all box) are that control's.
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor(((scroller.current?.clientHeight ?? ROW * 10) - HEAD) / ROW) - 1);
    const go = (i: number) => onSelect(Math.max(0, Math.min(count - 1, i)));
    if (e.key === 'ArrowDown') go(selected + 1);
    else if (e.key === 'ArrowUp') go(selected - 1);
    else if (e.key === 'PageDown') go(selected + page);
    else if (e.key === 'PageUp') go(selected - page);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(count - 1);
    else if ((e.ctrlKey || e.metaKey) && e.key === 'c' && selected >= 0 && selected < count) onCopy(selected);
    else if (e.key === ' ' && onToggle && selected >= 0 && selected < count) onToggle(selected);
    else return;
    e.preventDefault();
  };

  return { scroller, virtualizer, onKeyDown };
}

interface Props {
  count: number;
  selected: number;
  onSelect(index: number): void;
  onCopy(index: number): void;
  /** Space on the selected row (picking it for an action). */
  onToggle?(index: number): void;
  label: string;
  /** The column headers (elements with role="columnheader"): they sit inside the grid, above its rows. */
  header: ReactNode;
  /** Extra classes and style (the `--cols` template) for the table. */
  className?: string;
  style?: CSSProperties;
  /** Shown in place of rows when there are none. */
  empty: ReactNode;
  /** The cells of one row. */
  cells(index: number): ReactNode;
  /** Rows are being added at the end (a tail): keep the last one in view while scrolled to the bottom. */
  followEnd?: boolean;
}

/**
 * A whole table: its header row and its body, of which only the visible rows are rendered. The
 * scrolling body is one ARIA grid that holds the header (sticky on top) and the rows, so headers
 * belong to their grid; it takes focus itself, the keys move the selection, and the selected row is
 * announced as the grid's active descendant.
 */
export function VirtualGrid({ count, selected, onSelect, onCopy, onToggle, label, header, className, style, empty, cells, followEnd = false }: Props) {
  const { scroller, virtualizer, onKeyDown } = useTableNavigation(count, selected, onSelect, onCopy, onToggle, followEnd);
  const rowId = useId();
  const items = virtualizer.getVirtualItems();
  const active = selected >= 0 && items.some((item) => item.index === selected) ? `${rowId}-${selected}` : undefined;
  return (
    <div className={className ? `table ${className}` : 'table'} style={style}>
      <div className="tbody" ref={scroller} tabIndex={0} role="grid" aria-label={label} aria-rowcount={count + 1} aria-activedescendant={active} onKeyDown={onKeyDown}>
        <div className="thead" role="row" aria-rowindex={1}>
          {header}
        </div>
        {count === 0 ? (
          <div className="grid-empty">{empty}</div>
        ) : (
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => (
              <GridRow key={item.key} id={`${rowId}-${item.index}`} index={item.index} top={item.start - HEAD} selected={item.index === selected} onSelect={onSelect} cells={cells} />
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * One row. Memoized: while the table scrolls only the rows coming into view render; the rows
 * already on screen keep their place and are left alone (the P7 scroll benchmark's frame budget).
 */
const GridRow = memo(function GridRow({
  id,
  index,
  top,
  selected,
  onSelect,
  cells,
}: {
  id: string;
  index: number;
  top: number;
  selected: boolean;
  onSelect(index: number): void;
  cells(index: number): ReactNode;
}) {
  return (
    <div id={id} className="trow" role="row" aria-rowindex={index + 2} aria-selected={selected} style={{ transform: `translateY(${top}px)` }} onClick={() => onSelect(index)}>
      {cells(index)}
    </div>
  );
});
