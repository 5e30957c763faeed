import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

const ROW = 24;

/**
 * A virtualized table's rows and keys: arrows, PgUp/PgDn, Home/End move the selection (which
 * stays in view), Ctrl/Cmd+C copies the selected row.
 */
function useTableNavigation(count: number, selected: number, onSelect: (index: number) => void, onCopy: (index: number) => void, onToggle?: (index: number) => void) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 20 });

  useEffect(() => {
    if (selected >= 0) virtualizer.scrollToIndex(selected);
    // Follow the selection only when it moves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW * 10) / ROW) - 1);
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
  /** Shown in place of rows when there are none. */
  empty: ReactNode;
  /** The cells of one row. */
  cells(index: number): ReactNode;
}

/** The body of a table: only the visible rows are rendered, the selection moves with the keys. */
export function VirtualGrid({ count, selected, onSelect, onCopy, onToggle, label, empty, cells }: Props) {
  const { scroller, virtualizer, onKeyDown } = useTableNavigation(count, selected, onSelect, onCopy, onToggle);
  return (
    <div className="tbody" ref={scroller} tabIndex={0} role="grid" aria-label={label} aria-rowcount={count} onKeyDown={onKeyDown}>
      {count === 0 ? (
        empty
      ) : (
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => (
            <div
              key={item.key}
              className="trow"
              role="row"
              aria-rowindex={item.index + 1}
              aria-selected={item.index === selected}
              style={{ transform: `translateY(${item.start}px)` }}
              onClick={() => onSelect(item.index)}
            >
              {cells(item.index)}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
