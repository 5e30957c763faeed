import type { CallContext, Handlers } from '../api/dispatcher';
import { RewindError } from '../model/errors';
import type { ImportSessions } from '../jobs/import-sessions';

type ImportHandlers = Pick<Handlers, 'imports/run' | 'topics/import' | 'store/import'>;

/**
 * Imports as jobs: `imports/run` holds the job open while the window sends the file's chunks,
 * and each chunk that names the session counts towards it and stops when it was cancelled.
 */
export function importHandlers(inner: Pick<Handlers, 'topics/import' | 'store/import'>, sessions: ImportSessions): ImportHandlers {
  const inSession = async <R extends { errors: unknown[] }>(
    session: string | undefined,
    lines: number,
    ctx: CallContext,
    written: (r: R) => number,
    work: (ctx: CallContext) => Promise<R>,
  ): Promise<R> => {
    if (!session) return work(ctx);
    const own = sessions.signalOf(session);
    const signal = AbortSignal.any([ctx.signal, own]);
    try {
      const r = await work({ ...ctx, signal });
      sessions.record(session, lines, written(r), r.errors.length);
      return r;
    } catch (e) {
      if (own.aborted) throw new RewindError('cancelled', 'The import was cancelled');
      throw e;
    }
  };
  return {
    'imports/run': async ({ lines }, ctx) =>
      sessions.run(
        lines,
        ctx.signal,
        (session) => ctx.batch([{ session }]),
        (t) => ctx.progress({ done: t.lines, total: lines, exact: true }),
      ),
    'topics/import': (params, ctx) =>
      inSession(
        params.session,
        params.lines.length,
        ctx,
        (r) => r.produced,
        (c) => inner['topics/import'](params, c),
      ),
    'store/import': (params, ctx) =>
      inSession(
        params.session,
        params.lines.length,
        ctx,
        (r) => r.imported,
        (c) => inner['store/import'](params, c),
      ),
  };
}
