import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { matchItems, type PaletteItem } from './palette-items';

const ROW = 30;

/**
 * Ctrl/Cmd+K: type part of any name, arrows to move, Enter to go, Escape to close. The list is
 * virtualized and capped, so it stays quick with thousands of topics.
 */
export function CommandPalette({ items, loading, onClose }: { items: PaletteItem[]; loading: boolean; onClose(): void }) {
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const list = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const matches = useMemo(() => matchItems(query, items), [query, items]);
  const virtual = useVirtualizer({ count: matches.length, getScrollElement: () => list.current, estimateSize: () => ROW, overscan: 8 });
  const opener = useRef<Element | null>(document.activeElement);

  // Where focus goes after: back to where it was when the palette was dismissed; into the view
  // that opened (its table, its editor) when an item was chosen.
  const chosen = useRef(false);
  useEffect(() => {
    input.current?.focus();
    const back = opener.current;
    return () => {
      if (chosen.current) {
        window.setTimeout(focusActiveView, 50);
        return;
      }
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
  }, []);
  useEffect(() => setIndex(0), [query]);
  // Prepare every name for matching while the user starts typing, not on the first key: the first
  // match over thousands of names costs most of its time in that preparation.
  useEffect(() => {
    const warm = window.setTimeout(() => matchItems('a', items, 1), 0);
    return () => window.clearTimeout(warm);
  }, [items]);
  useEffect(() => virtual.scrollToIndex(index, { align: 'auto' }), [index, virtual]);

  const choose = (i: number) => {
    const m = matches[i];
    if (!m) return;
    chosen.current = true;
    onClose();
    m.item.run();
  };

  return (
    <div className="backdrop palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          ref={input}
          className="input palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={matches[index] ? `${listId}-${index}` : undefined}
          aria-label="Go to or run"
          placeholder="Go to a topic, queue, stream, subscription, read model… or run an action"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            const last = matches.length - 1;
            const keys: Record<string, () => void> = {
              ArrowDown: () => setIndex((i) => Math.min(last, i + 1)),
              ArrowUp: () => setIndex((i) => Math.max(0, i - 1)),
              PageDown: () => setIndex((i) => Math.min(last, i + 10)),
              PageUp: () => setIndex((i) => Math.max(0, i - 10)),
              Enter: () => choose(index),
              Escape: onClose,
              // Focus stays in the palette: it is modal.
              Tab: () => undefined,
            };
            const act = keys[e.key];
            if (act) {
              e.preventDefault();
              act();
            }
          }}
        />
        <div className="palette-list" ref={list} id={listId} role="listbox" aria-label="Matches">
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((v) => {
              const { item, ranges } = matches[v.index]!;
              return (
                <div
                  key={item.id}
                  id={`${listId}-${v.index}`}
                  role="option"
                  aria-selected={v.index === index}
                  className="palette-option"
                  style={{ transform: `translateY(${v.start}px)`, height: ROW }}
                  onMouseMove={() => v.index !== index && setIndex(v.index)}
                  onClick={() => choose(v.index)}
                >
                  <span className="palette-label mono">{highlight(item.label, ranges)}</span>
                  <span className="faint">{item.detail}</span>
                </div>
              );
            })}
          </div>
        </div>
        <div className="palette-foot faint" data-testid="palette-count">
          {matches.length === 0 ? (loading ? 'Loading names…' : 'Nothing matches') : `${matches.length >= 500 ? '500+' : matches.length} of ${items.length}${loading ? ' · loading more…' : ''}`}
          <span className="spacer" />
          <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> go · <kbd>Esc</kbd> close
        </div>
      </div>
    </div>
  );
}

function highlight(text: string, ranges: [number, number][]) {
  if (ranges.length === 0) return text;
  const out: ReactNode[] = [];
  let at = 0;
  for (const [a, b] of ranges) {
    if (a > at) out.push(text.slice(at, a));
    out.push(<mark key={a}>{text.slice(a, b)}</mark>);
    at = b;
  }
  out.push(text.slice(at));
  return out;
}

/** Focus the visible tab's main control: its records grid or its code editor. */
function focusActiveView() {
  const panel = document.querySelector<HTMLElement>('[role="tabpanel"]:not([hidden])');
  const target = panel?.querySelector<HTMLElement>('.cm-content, [role="grid"]');
  if (target && !(document.activeElement instanceof HTMLInputElement)) target.focus();
}
