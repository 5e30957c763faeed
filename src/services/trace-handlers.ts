import type { Handlers } from '../api/dispatcher';
import { buildCatalogue } from '../trace/build-catalogue';
import { runTrace } from '../trace/run-trace';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type TraceHandlers = Pick<Handlers, 'trace/run' | 'catalogue/build'>;

/** Following a conversation across the connections a user picked; cataloguing one place's events. */
export function traceHandlers(deps: ConnectionDeps): TraceHandlers {
  return {
    'trace/run': (req, ctx) => runTrace({ connections: () => connectionSummaries(deps), adapter: (id) => deps.pool.get(id) }, req, ctx.signal, (item) => ctx.batch([item]), ctx.progress),
    'catalogue/build': async (req, ctx) => {
      const name = connectionSummaries(deps).find((c) => c.id === req.connectionId)?.name ?? req.connectionId;
      return buildCatalogue(await deps.pool.get(req.connectionId), name, req, ctx.signal, (item) => ctx.batch([item]), ctx.progress);
    },
  };
}
