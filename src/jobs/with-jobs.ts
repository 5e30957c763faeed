import type { Handlers, StreamContext } from '../api/dispatcher';
import { toApiError } from '../model/errors';
import { JOB_KINDS } from '../model/job-kinds';
import type { JobRegistry } from './job-registry';

type AnyHandler = (params: Record<string, unknown>, ctx: StreamContext<unknown>) => Promise<unknown>;

/**
 * Makes each long operation a job in the registry: its progress and result feed the jobs panel,
 * Cancel there stops it, and one that survives its view keeps its items for a later attach.
 */
export function withJobs(handlers: Handlers, jobs: JobRegistry): Handlers {
  const wrapped: Record<string, AnyHandler> = { ...(handlers as unknown as Record<string, AnyHandler>) };
  for (const method of Object.keys(JOB_KINDS)) {
    const inner = wrapped[method];
    if (!inner) continue;
    const when = JOB_KINDS[method]?.when;
    wrapped[method] = async (params, ctx) => {
      if (when && !when(params)) return inner(params, ctx);
      const job = jobs.begin(method, params, ctx.signal);
      ctx.onDetach?.(() => jobs.detach(job.id));
      const noop = () => undefined;
      const jobCtx: StreamContext<unknown> = {
        signal: job.signal,
        jobId: job.id,
        batch: (items) => {
          job.events.items(items);
          (ctx.batch ?? noop)(items);
        },
        progress: (p) => {
          job.events.progress(p);
          (ctx.progress ?? noop)(p);
        },
      };
      try {
        const result = await inner(params, jobCtx);
        job.events.end({ result });
        return result;
      } catch (e) {
        job.events.end({ error: job.signal.aborted ? { code: 'cancelled', message: 'Cancelled' } : toApiError(e) });
        throw e;
      }
    };
  }
  return wrapped as unknown as Handlers;
}
