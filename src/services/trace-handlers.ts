import type { Handlers } from '../api/dispatcher';
import { runTrace } from '../trace/run-trace';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type TraceHandlers = Pick<Handlers, 'trace/run'>;

/** Following a conversation across the connections a user picked. */
export function traceHandlers(deps: ConnectionDeps): TraceHandlers {
  return {
    'trace/run': (req, ctx) => runTrace({ connections: () => connectionSummaries(deps), adapter: (id) => deps.pool.get(id) }, req, ctx.signal, (item) => ctx.batch([item]), ctx.progress),
  };
}
