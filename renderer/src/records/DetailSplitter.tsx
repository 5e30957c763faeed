import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';

const KEY = 'rewind.detailWidth';
const MIN = 260;
const STEP = 24;

function stored(): number | null {
  const n = Number(localStorage.getItem(KEY));
  return Number.isFinite(n) && n >= MIN ? n : null;
}

/** The detail pane's width, as the user dragged it (kept in this browser; none: 40% of the view). */
export function useDetailWidth(): [number | null, (w: number | null) => void] {
  const [width, setWidth] = useState<number | null>(stored);
  const set = useCallback((w: number | null) => {
    setWidth(w);
    if (w === null) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, String(Math.round(w)));
  }, []);
  return [width, set];
}

/**
 * The line between the table and the detail: drag it, or focus it and press ←/→ (Home puts it
 * back), to give the table or the detail more room.
 */
export function DetailSplitter({ width, onWidth }: { width: number | null; onWidth(w: number | null): void }) {
  const [dragging, setDragging] = useState<{ x: number; from: number; max: number } | null>(null);
  // A focusable separator says its value: the detail's width as drawn.
  const line = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(0);
  useLayoutEffect(() => {
    const detail = line.current?.nextElementSibling;
    if (!detail) return;
    const measure = () => setDrawn(Math.round(detail.getBoundingClientRect().width));
    measure();
    // Browsers have it; a test's DOM may not.
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(detail);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (!dragging) return;
    const move = (e: globalThis.PointerEvent) => onWidth(Math.min(dragging.max, Math.max(MIN, dragging.from + (dragging.x - e.clientX))));
    const up = () => setDragging(null);
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
  }, [dragging, onWidth]);
  const current = (el: HTMLElement) => width ?? (el.nextElementSibling as HTMLElement | null)?.getBoundingClientRect().width ?? 360;
  const maxOf = (el: HTMLElement) => Math.max(MIN, (el.parentElement?.getBoundingClientRect().width ?? 1200) * 0.8);
  return (
    <div
      className={`detail-splitter${dragging ? ' dragging' : ''}`}
      role="separator"
      aria-orientation="vertical"
      aria-label="Detail width"
      ref={line}
      aria-valuenow={drawn}
      aria-valuemin={MIN}
      tabIndex={0}
      title="Drag to resize; ← → with the keyboard; double-click to reset"
      onPointerDown={(e: PointerEvent<HTMLDivElement>) => {
        e.preventDefault();
        setDragging({ x: e.clientX, from: current(e.currentTarget), max: maxOf(e.currentTarget) });
      }}
      onDoubleClick={() => onWidth(null)}
      onKeyDown={(e: KeyboardEvent<HTMLDivElement>) => {
        const el = e.currentTarget;
        if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
          e.preventDefault();
          onWidth(Math.min(maxOf(el), Math.max(MIN, current(el) + (e.key === 'ArrowLeft' ? STEP : -STEP))));
        } else if (e.key === 'Home') onWidth(null);
      }}
    />
  );
}
