import type { Handlers } from '../api/dispatcher';
import { RewindError, type ApiError } from '../model/errors';
import type { JobRegistry } from '../jobs/job-registry';

type JobHandlers = Pick<Handlers, 'jobs/list' | 'jobs/get' | 'jobs/watch' | 'jobs/cancel' | 'jobs/dismiss' | 'jobs/attach'>;

/** At most one job list per this many ms to a watcher: a search's progress moves many times a second. */
const WATCH_EVERY_MS = 250;

export function jobHandlers(jobs: JobRegistry): JobHandlers {
  return {
    'jobs/list': async () => jobs.list(),

    'jobs/get': async ({ id }) => {
      const found = jobs.get(id);
      if (!found) throw new RewindError('not_found', 'That job is no longer kept', 'Finished jobs are kept until dismissed or until 100 newer ones have finished.');
      return found;
    },

    'jobs/watch': async (_params, ctx) => {
      ctx.batch([jobs.list()]);
      let timer: NodeJS.Timeout | null = null;
      const off = jobs.onChange(() => {
        timer ??= setTimeout(() => {
          timer = null;
          ctx.batch([jobs.list()]);
        }, WATCH_EVERY_MS);
      });
      await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener('abort', () => resolve(), { once: true })));
      off();
      if (timer) clearTimeout(timer);
      return {};
    },

    'jobs/cancel': async ({ id }) => ({ cancelling: jobs.cancel(id) }),

    'jobs/dismiss': async ({ id }) => {
      jobs.dismiss(id);
      return {};
    },

    'jobs/attach': async ({ id }, ctx) => {
      let finish: (end: { result: unknown } | { error: ApiError }) => void = () => undefined;
      const ended = new Promise<{ result: unknown } | { error: ApiError }>((resolve) => (finish = resolve));
      const method = jobs.list().find((j) => j.id === id)?.method;
      const attached = jobs.attach(id, { items: (items) => ctx.batch(items), progress: (p) => ctx.progress(p), end: (e) => finish(e) });
      if (!attached || !method) throw new RewindError('not_found', 'That job is no longer kept', 'Finished jobs are kept until dismissed or until 100 newer ones have finished.');
      try {
        if (attached.kept.length) ctx.batch(attached.kept);
        ctx.progress(attached.progress);
        const end =
          attached.end ??
          (await Promise.race([ended, new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new RewindError('cancelled', 'Cancelled')), { once: true }))]));
        if ('error' in end) throw new RewindError(end.error.code, end.error.message, end.error.hint);
        return { method, dropped: attached.dropped, result: end.result };
      } finally {
        attached.release();
      }
    },
  };
}
