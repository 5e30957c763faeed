import { randomUUID } from 'node:crypto';
import type { ApiError } from '../model/errors';
import type { Job } from '../model/jobs';
import { JOB_KINDS } from '../model/job-kinds';

/**
 * Items a job keeps for a view that attaches later (search hits, a read's records): as many as a
 * read may ask for, within a memory budget; the oldest go first and are counted as dropped.
 */
const KEPT_ITEMS = 100_000;
const KEPT_BYTES = 64 * 1024 * 1024;
/** Finished jobs kept for the panel; the oldest go first. */
const KEPT_JOBS = 100;

export interface JobEvents {
  items(items: unknown[]): void;
  progress(p: { done: number; total: number | null; exact: boolean }): void;
  end(outcome: { result: unknown } | { error: ApiError }): void;
}

interface Entry {
  job: Job;
  /** What the job was asked, as the contract validated it: a reopened view shows it (a search's form). */
  params: Record<string, unknown>;
  controller: AbortController;
  items: unknown[];
  /** Estimated bytes of each kept batch (its JSON length), oldest first. */
  sizes: number[];
  bytes: number;
  dropped: number;
  end: { result: unknown } | { error: ApiError } | null;
  watchers: Set<JobEvents>;
  startedMs: number;
}

/**
 * Every long operation of the app, whoever started it. A job outlives the request that started it
 * when its kind says so: its items and result stay here for a view to attach to later.
 */
export class JobRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();

  /**
   * `forget` frees what a finished job's result holds in the core (a projection run's workers)
   * when the job is dismissed or pruned while no view holds it.
   */
  constructor(private readonly forget: (method: string, result: unknown) => void = () => undefined) {}

  begin(method: string, params: Record<string, unknown>, parent: AbortSignal): { id: string; signal: AbortSignal; events: JobEvents } {
    const kind = JOB_KINDS[method]!;
    const id = randomUUID();
    const controller = new AbortController();
    const onParent = () => controller.abort();
    parent.addEventListener('abort', onParent, { once: true });
    const now = Date.now();
    const entry: Entry = {
      job: {
        id,
        method,
        title: kind.title(params),
        place: kind.place(params),
        state: 'running',
        survivesClose: kind.survivesClose,
        detached: false,
        done: 0,
        total: null,
        exact: false,
        rate: null,
        etaMs: null,
        startedAt: new Date(now).toISOString(),
        endedAt: null,
        outcome: null,
      },
      params,
      controller,
      items: [],
      sizes: [],
      bytes: 0,
      dropped: 0,
      end: null,
      watchers: new Set(),
      startedMs: now,
    };
    this.entries.set(id, entry);
    this.prune();
    this.changed();
    const events: JobEvents = {
      items: (items) => {
        // Only a job that outlives its view keeps items (search hits) for a later attach.
        if (!kind.survivesClose) return;
        const size = JSON.stringify(items).length;
        for (const item of items) entry.items.push(item);
        for (let i = 0; i < items.length; i++) entry.sizes.push(size / items.length);
        entry.bytes += size;
        let over = 0;
        while (entry.items.length - over > KEPT_ITEMS || (entry.bytes > KEPT_BYTES && over < entry.items.length - 1)) entry.bytes -= entry.sizes[over++]!;
        if (over > 0) {
          entry.dropped += over;
          entry.items.splice(0, over);
          entry.sizes.splice(0, over);
        }
        for (const w of entry.watchers) w.items(items);
      },
      progress: (p) => {
        const elapsed = (Date.now() - entry.startedMs) / 1000;
        const rate = elapsed >= 0.5 && p.done > 0 ? p.done / elapsed : null;
        const etaMs = rate && p.total !== null && p.total > p.done ? ((p.total - p.done) / rate) * 1000 : null;
        entry.job = { ...entry.job, done: p.done, total: p.total, exact: p.exact, rate, etaMs };
        for (const w of entry.watchers) w.progress(p);
        this.changed();
      },
      end: (outcome) => {
        parent.removeEventListener('abort', onParent);
        entry.end = outcome;
        const cancelled = 'error' in outcome && outcome.error.code === 'cancelled';
        entry.job = {
          ...entry.job,
          state: 'result' in outcome ? 'done' : cancelled ? 'cancelled' : 'failed',
          endedAt: new Date().toISOString(),
          etaMs: null,
          outcome:
            'result' in outcome
              ? kind.outcome((outcome.result ?? {}) as Record<string, unknown>, params)
              : cancelled
                ? `Cancelled after ${entry.job.done.toLocaleString('en-US')}${entry.job.total !== null ? ` of ${entry.job.total.toLocaleString('en-US')}` : ''}`
                : outcome.error.message,
        };
        for (const w of entry.watchers) w.end(outcome);
        entry.watchers.clear();
        this.changed();
      },
    };
    return { id, signal: controller.signal, events };
  }

  get(id: string): { job: Job; params: Record<string, unknown> } | null {
    const e = this.entries.get(id);
    return e ? { job: e.job, params: e.params } : null;
  }

  list(): Job[] {
    return [...this.entries.values()].map((e) => e.job).reverse();
  }

  cancel(id: string): boolean {
    const e = this.entries.get(id);
    if (!e || e.job.state !== 'running') return false;
    e.controller.abort();
    return true;
  }

  /** Forgets a finished job (the panel's Dismiss). */
  dismiss(id: string): void {
    const e = this.entries.get(id);
    if (e && e.job.state !== 'running') {
      this.entries.delete(id);
      this.release(e);
      this.changed();
    }
  }

  /** The view that started it went away; the job goes on by itself. */
  detach(id: string): void {
    const e = this.entries.get(id);
    if (e && !e.job.detached) {
      e.job = { ...e.job, detached: true };
      this.changed();
    }
  }

  /** A view takes a job back: what it kept so far, then what comes, then its end. */
  attach(id: string, watcher: JobEvents): { kept: unknown[]; dropped: number; end: Entry['end']; progress: { done: number; total: number | null; exact: boolean }; release(): void } | null {
    const e = this.entries.get(id);
    if (!e) return null;
    if (e.job.detached) {
      e.job = { ...e.job, detached: false };
      this.changed();
    }
    if (!e.end) e.watchers.add(watcher);
    return {
      kept: [...e.items],
      dropped: e.dropped,
      end: e.end,
      progress: { done: e.job.done, total: e.job.total, exact: e.job.exact },
      release: () => {
        e.watchers.delete(watcher);
        if (!e.end && e.watchers.size === 0) this.detach(id);
      },
    };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every running job (the app is closing). */
  cancelAll(): void {
    for (const e of this.entries.values()) if (e.job.state === 'running') e.controller.abort();
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private prune(): void {
    const finished = [...this.entries.values()].filter((e) => e.job.state !== 'running');
    for (const e of finished.slice(0, Math.max(0, finished.length - KEPT_JOBS))) {
      this.entries.delete(e.job.id);
      this.release(e);
    }
  }

  private release(e: Entry): void {
    if (e.job.detached && e.end && 'result' in e.end) this.forget(e.job.method, e.end.result);
  }
}
