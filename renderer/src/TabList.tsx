import { useEffect, useRef } from 'react';
import type { TabInfo } from './TabBar';

/** Every open tab as a menu, for when the row is too narrow to show them all. */
export function TabList({ tabs, active, onPick, onDismiss }: { tabs: TabInfo[]; active: string | null; onPick(id: string): void; onDismiss(): void }) {
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const items = menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]');
    const current = Array.from(items ?? []).find((el) => el.dataset.id === active) ?? items?.[0];
    current?.focus();
    const away = (e: MouseEvent) => !menu.current?.contains(e.target as Node) && !(e.target as Element).closest?.('.tabs-all') && onDismiss();
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [active, onDismiss]);

  const step = (by: number) => {
    const items = Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const i = items.indexOf(document.activeElement as HTMLElement);
    items[(i + by + items.length) % items.length]?.focus();
  };
  return (
    <div
      className="tab-menu"
      role="menu"
      aria-label="Open tabs"
      ref={menu}
      onKeyDown={(e) => {
        const act = { ArrowDown: () => step(1), ArrowUp: () => step(-1), Escape: onDismiss }[e.key];
        if (act) {
          e.preventDefault();
          act();
        }
      }}
    >
      {tabs.map((t) => (
        <button key={t.id} role="menuitem" data-id={t.id} tabIndex={-1} aria-current={t.id === active ? 'true' : undefined} onClick={() => onPick(t.id)}>
          <span className="mono">{t.title}</span> <span className="faint">{t.subtitle}</span>
        </button>
      ))}
    </div>
  );
}
