import { useEffect, useRef, useState } from 'react';
import { TabList } from './TabList';

export interface TabInfo {
  id: string;
  title: string;
  subtitle: string;
}

interface Props {
  tabs: TabInfo[];
  active: string | null;
  onSelect(id: string): void;
  onClose(id: string): void;
}

/**
 * The open tabs in one scrolling row: the active tab is always scrolled into view, arrow keys move
 * focus along the row, and "All open tabs" lists every tab when they do not fit.
 */
export function TabBar({ tabs, active, onSelect, onClose }: Props) {
  const row = useRef<HTMLDivElement>(null);
  const [listing, setListing] = useState(false);
  /** Delete closed the focused tab: focus goes to the tab that takes its place, not to the page. */
  const refocus = useRef(false);

  useEffect(() => {
    const el = row.current?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]');
    if (!el) {
      // The last tab closed: the tree, where the next one is opened from.
      if (refocus.current && tabs.length === 0) document.querySelector<HTMLElement>('[role="tree"]')?.focus();
      refocus.current = false;
      return;
    }
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    // A keyboard move along the row takes focus with it.
    if (refocus.current || (row.current?.contains(document.activeElement) && document.activeElement !== el)) el.focus();
    refocus.current = false;
  }, [active, tabs.length]);

  if (tabs.length === 0) return null;
  const move = (from: string, by: number | 'first' | 'last') => {
    const i = tabs.findIndex((x) => x.id === from);
    const next = by === 'first' ? 0 : by === 'last' ? tabs.length - 1 : (i + by + tabs.length) % tabs.length;
    onSelect(tabs[next]!.id);
  };
  return (
    <div className="tabbar-wrap">
      <div className="tabbar" role="tablist" aria-label="Open resources" ref={row}>
        {tabs.map((t) => (
          <div
            key={t.id}
            role="tab"
            tabIndex={t.id === active ? 0 : -1}
            aria-selected={t.id === active}
            aria-keyshortcuts="Delete"
            className="tab"
            title={`${t.subtitle} · ${t.title}`}
            onClick={() => onSelect(t.id)}
            onAuxClick={(e) => e.button === 1 && onClose(t.id)}
            onKeyDown={(e) => {
              const by = { ArrowRight: 1, ArrowLeft: -1, Home: 'first', End: 'last' } as const;
              if (e.key in by) {
                e.preventDefault();
                move(t.id, by[e.key as keyof typeof by]);
              }
              if (e.key === 'Delete') {
                refocus.current = true;
                onClose(t.id);
              }
            }}
          >
            <span className="title mono">{t.title}</span>
            <span className="faint">{t.subtitle}</span>
            {/* Not a button: a control inside the tab hides from screen readers (axe nested-interactive); Delete closes the focused tab. */}
            <span className="icon-btn tab-close" aria-hidden="true" title={`Close ${t.title}`} onClick={(e) => (e.stopPropagation(), onClose(t.id))}>
              ✕
            </span>
          </div>
        ))}
      </div>
      <button className="icon-btn tabs-all" aria-haspopup="menu" aria-expanded={listing} title={`All ${tabs.length} open tabs`} onClick={() => setListing((l) => !l)}>
        {/* Named by its (offscreen) words, not an aria-label the visible count would contradict. */}
        <span className="tabs-all-mark" aria-hidden="true">
          ▾<span className="faint">{tabs.length}</span>
        </span>
        <span className="offscreen">All open tabs ({tabs.length})</span>
      </button>
      {listing && (
        <TabList
          tabs={tabs}
          active={active}
          onPick={(id) => {
            setListing(false);
            onSelect(id);
          }}
          onDismiss={() => setListing(false)}
        />
      )}
    </div>
  );
}
