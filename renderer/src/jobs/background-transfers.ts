import { useCallback, useEffect, useSyncExternalStore } from 'react';

/** An export or import as its view shows it: progress while it runs, then what came of it. */
export interface TransferState<Outcome> {
  kind: 'export' | 'import';
  running: boolean;
  done: number;
  total: number | null;
  outcome: Outcome | null;
  error: unknown;
}

interface Entry {
  state: TransferState<unknown>;
  controller: AbortController;
  /** What the view's first line says when it ended unseen: "Export of orders: 1,000 records…". */
  title: string;
}

/**
 * Exports and imports run here, outside the tab that started them: closing the tab neither
 * stops one nor loses its file or outcome (the tab shows it again when reopened), and one that
 * ends while no tab shows it leaves a notice in the jobs panel. A reload still ends them: the
 * file being written or read lives in this page.
 */
const entries = new Map<string, Entry>();
const viewers = new Map<string, number>();
const listeners = new Set<() => void>();
let notices: { id: string; text: string }[] = [];
const noticeListeners = new Set<() => void>();

const changed = () => listeners.forEach((l) => l());

function set(key: string, patch: Partial<TransferState<unknown>>): void {
  const e = entries.get(key);
  if (!e) return;
  e.state = { ...e.state, ...patch };
  changed();
}

export function startTransfer<Outcome>(
  key: string,
  kind: 'export' | 'import',
  title: string,
  work: (t: { signal: AbortSignal; progress(done: number, total: number | null): void }) => Promise<Outcome>,
  describe: (o: Outcome) => string,
): void {
  if (entries.get(key)?.state.running) return;
  const controller = new AbortController();
  entries.set(key, { state: { kind, running: true, done: 0, total: null, outcome: null, error: null }, controller, title });
  changed();
  void work({ signal: controller.signal, progress: (done, total) => set(key, { done, total }) }).then(
    (outcome) => {
      set(key, { running: false, outcome });
      if (!viewers.get(key)) notify(`${title}: ${describe(outcome)}`);
    },
    (error: unknown) => {
      const cancelled = controller.signal.aborted;
      set(key, { running: false, error: cancelled ? null : error, outcome: null });
      if (!viewers.get(key)) notify(`${title}: ${cancelled ? 'cancelled' : `failed — ${error instanceof Error ? error.message : String(error)}`}`);
    },
  );
}

function notify(text: string): void {
  notices = [...notices, { id: `transfer-${Date.now()}-${notices.length}`, text }];
  noticeListeners.forEach((l) => l());
}

/** One tab's transfer: follows it while shown; the tab closing leaves it running. */
export function useTransfer<Outcome>(key: string) {
  const state = useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => entries.get(key)?.state ?? null,
  ) as TransferState<Outcome> | null;
  useEffect(() => {
    viewers.set(key, (viewers.get(key) ?? 0) + 1);
    return () => void viewers.set(key, (viewers.get(key) ?? 1) - 1);
  }, [key]);
  const cancel = useCallback(() => entries.get(key)?.controller.abort(), [key]);
  const dismiss = useCallback(() => {
    if (entries.get(key)?.state.running) return;
    entries.delete(key);
    changed();
  }, [key]);
  return { state, cancel, dismiss };
}

/** Notices of transfers that ended while their tab was closed. */
export function useTransferNotices(): { notices: { id: string; text: string }[]; dismiss(id: string): void } {
  const list = useSyncExternalStore(
    (l) => (noticeListeners.add(l), () => noticeListeners.delete(l)),
    () => notices,
  );
  return {
    notices: list,
    dismiss: (id) => {
      notices = notices.filter((n) => n.id !== id);
      noticeListeners.forEach((l) => l());
    },
  };
}
