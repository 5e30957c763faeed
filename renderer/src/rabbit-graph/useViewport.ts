import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';

/** Pan (drag the background) and zoom (wheel, buttons, fit) for an SVG drawing: one transform, `translate(x, y) scale(k)`. */

export type View = { x: number; y: number; k: number };
export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 3;
const clampZoom = (k: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

/** The drawing area's size; jsdom (and a hidden tab) has none, so assume a usual one. */
function sizeOf(el: Element | null): { width: number; height: number } {
  const width = el?.clientWidth || 800;
  const height = el?.clientHeight || 480;
  return { width, height };
}

export function useViewport(svgRef: RefObject<SVGSVGElement | null>) {
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const drag = useRef<{ pointer: number; x: number; y: number } | null>(null);

  const zoomBy = useCallback(
    (factor: number, around?: { x: number; y: number }) =>
      setView((v) => {
        const k = clampZoom(v.k * factor);
        const at = around ?? { x: sizeOf(svgRef.current).width / 2, y: sizeOf(svgRef.current).height / 2 };
        // Keep the point under the cursor (or the centre) where it is.
        return { k, x: at.x - ((at.x - v.x) * k) / v.k, y: at.y - ((at.y - v.y) * k) / v.k };
      }),
    [svgRef],
  );

  /** Shows the whole drawing, never larger than 1:1. */
  const fit = useCallback(
    (box: { width: number; height: number }) => {
      const { width, height } = sizeOf(svgRef.current);
      const k = clampZoom(Math.min(1, width / Math.max(box.width, 1), height / Math.max(box.height, 1)));
      setView({ k, x: (width - box.width * k) / 2, y: (height - box.height * k) / 2 });
    },
    [svgRef],
  );

  /** Moves a point of the drawing to the middle, at a zoom where text reads. */
  const centreOn = useCallback(
    (p: { x: number; y: number }) =>
      setView((v) => {
        const { width, height } = sizeOf(svgRef.current);
        const k = Math.max(v.k, 0.8);
        return { k, x: width / 2 - p.x * k, y: height / 2 - p.y * k };
      }),
    [svgRef],
  );

  /** Pans just enough to bring a box into view. */
  const reveal = useCallback(
    (b: { x: number; y: number; width: number; height: number }) =>
      setView((v) => {
        const { width, height } = sizeOf(svgRef.current);
        const left = (b.x - b.width / 2) * v.k + v.x;
        const right = (b.x + b.width / 2) * v.k + v.x;
        const top = (b.y - b.height / 2) * v.k + v.y;
        const bottom = (b.y + b.height / 2) * v.k + v.y;
        const dx = left < 8 ? 8 - left : right > width - 8 ? width - 8 - right : 0;
        const dy = top < 8 ? 8 - top : bottom > height - 8 ? height - 8 - bottom : 0;
        return dx === 0 && dy === 0 ? v : { ...v, x: v.x + dx, y: v.y + dy };
      }),
    [svgRef],
  );

  // React's wheel listener is passive: attach one that may keep the page from scrolling.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = svg.getBoundingClientRect();
      zoomBy(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), { x: e.clientX - rect.left, y: e.clientY - rect.top });
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [svgRef, zoomBy]);

  const pointer = {
    onPointerDown(e: ReactPointerEvent<SVGSVGElement>) {
      // Nodes take their own clicks; the background drags.
      if (e.button !== 0 || (e.target as Element).closest('[data-node-id]')) return;
      drag.current = { pointer: e.pointerId, x: e.clientX, y: e.clientY };
      e.currentTarget.setPointerCapture?.(e.pointerId);
    },
    onPointerMove(e: ReactPointerEvent<SVGSVGElement>) {
      const d = drag.current;
      if (!d || d.pointer !== e.pointerId) return;
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      drag.current = { ...d, x: e.clientX, y: e.clientY };
      setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
    },
    onPointerUp(e: ReactPointerEvent<SVGSVGElement>) {
      if (drag.current?.pointer === e.pointerId) drag.current = null;
    },
  };
  const pointerHandlers = { ...pointer, onPointerCancel: pointer.onPointerUp };

  return { view, zoomBy, fit, centreOn, reveal, pointer: pointerHandlers };
}
