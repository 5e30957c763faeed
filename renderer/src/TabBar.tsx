export interface TabInfo {
  id: string;
  title: string;
  subtitle: string;
}

export function TabBar({ tabs, active, onSelect, onClose }: { tabs: TabInfo[]; active: string | null; onSelect(id: string): void; onClose(id: string): void }) {
  if (tabs.length === 0) return null;
  return (
    <div className="tabbar" role="tablist" aria-label="Open resources">
      {tabs.map((t) => (
        <div
          key={t.id}
          role="tab"
          tabIndex={t.id === active ? 0 : -1}
          aria-selected={t.id === active}
          className="tab"
          title={`${t.subtitle} · ${t.title}`}
          onClick={() => onSelect(t.id)}
          onAuxClick={(e) => e.button === 1 && onClose(t.id)}
          onKeyDown={(e) => {
            const i = tabs.findIndex((x) => x.id === t.id);
            if (e.key === 'ArrowRight') onSelect(tabs[(i + 1) % tabs.length]!.id);
            if (e.key === 'ArrowLeft') onSelect(tabs[(i - 1 + tabs.length) % tabs.length]!.id);
            if (e.key === 'Delete') onClose(t.id);
          }}
        >
          <span className="title mono">{t.title}</span>
          <span className="faint">{t.subtitle}</span>
          <button className="icon-btn" aria-label={`Close ${t.title}`} onClick={(e) => (e.stopPropagation(), onClose(t.id))}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
