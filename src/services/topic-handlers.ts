import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../api/errors';
import type { SourceAdapter, TopicAbility } from '../adapters/source-adapter';
import type { ConnectionDeps } from './connection-handlers';

type TopicHandlers = Pick<Handlers, 'topics/page' | 'topics/search' | 'topics/tail'>;

function abilityOf(adapter: SourceAdapter): TopicAbility {
  if (!adapter.topics) throw new RewindError('unsupported', 'This connection has no partitioned topics to read whole');
  return adapter.topics;
}

/** A whole topic across its partitions: pages, searches and a live tail. */
export function topicHandlers({ pool }: ConnectionDeps): TopicHandlers {
  return {
    'topics/page': async (req, ctx) => abilityOf(await pool.get(req.connectionId)).page(req, ctx.signal),
    'topics/search': async (req, ctx) =>
      abilityOf(await pool.get(req.connectionId)).search(req, ctx.signal, {
        hits: (records) => ctx.batch([{ kind: 'hits', records }]),
        progress: (item) => ctx.batch([item]),
      }),
    'topics/tail': async (req, ctx) => {
      await abilityOf(await pool.get(req.connectionId)).tail(req, ctx.signal, (item) => ctx.batch([item]));
      return {};
    },
  };
}
