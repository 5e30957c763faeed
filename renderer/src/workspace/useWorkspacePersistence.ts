import { useCallback, useEffect, useRef, useState } from 'react';
import { saveWorkspace, type SavedTab } from './saved-workspace';

/**
 * Keeps the workspace saved: shortly after any change (typing in a projection included), and at
 * once when the page goes away (a reload, a window closing). A tab saved as null is not kept (a trace: it would run again).
 */
export function useWorkspacePersistence<T extends { id: string }>(tabs: T[], active: string | null, toSaved: (t: T) => SavedTab | null) {
  const [storageProblem, setStorageProblem] = useState<string | null>(null);
  const latest = useRef({ tabs, active, toSaved });
  latest.current = { tabs, active, toSaved };
  const timer = useRef<number | null>(null);

  const flush = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    const { tabs: ts, active: a, toSaved: save } = latest.current;
    setStorageProblem(saveWorkspace({ tabs: ts.map(save).filter((t): t is SavedTab => t !== null), active: a }));
  }, []);

  const schedule = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(flush, 300);
  }, [flush]);

  useEffect(schedule, [tabs, active, schedule]);

  useEffect(() => {
    window.addEventListener('pagehide', flush);
    window.addEventListener('beforeunload', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      window.removeEventListener('beforeunload', flush);
    };
  }, [flush]);

  return { storageProblem, draftChanged: schedule };
}
