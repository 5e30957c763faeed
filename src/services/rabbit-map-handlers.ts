import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../model/errors';
import type { SourceAdapter } from '../sources/source-adapter';
import type { RabbitMap } from '../sources/rabbitmq/rabbit-map';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type RabbitMapHandlers = Pick<Handlers, 'rabbit/topology' | 'rabbit/route' | 'rabbit/queue' | 'rabbit/connections' | 'rabbit/purge-queue' | 'rabbit/delete-queue' | 'rabbit/delete-exchange'>;

/** The map is an ability a source offers (RabbitMQ's adapter does), found at run time. */
function mapOf(adapter: SourceAdapter): RabbitMap {
  const map = adapter.rabbitMap;
  if (!map) throw new RewindError('unsupported', 'This connection has no exchanges and queues to map; pick a RabbitMQ connection');
  return map;
}

function confirmed(kind: string, name: string, confirm: string): void {
  if (confirm !== name) throw new RewindError('invalid_input', `Type the ${kind}'s name (${name}) to confirm; "${confirm}" does not match`);
}

/** RabbitMQ as a map, and the queue tools; purges and deletions go to the audit log. */
export function rabbitMapHandlers(deps: ConnectionDeps): RabbitMapHandlers {
  const { pool, store } = deps;
  const nameOf = (id: string) => connectionSummaries(deps).find((c) => c.id === id)?.name ?? id;
  const map = async (connectionId: string) => mapOf(await pool.get(connectionId));
  return {
    'rabbit/topology': async ({ connectionId, vhost, filter, page, includeDefaultBindings }, { signal }) =>
      (await map(connectionId)).topology({ vhost, filter, offset: page.offset, limit: page.limit, includeDefaultBindings }, signal),
    'rabbit/route': async ({ connectionId, vhost, exchange, routingKey, headers }, { signal }) => (await map(connectionId)).route(vhost, exchange, routingKey, headers ?? {}, signal),
    'rabbit/queue': async ({ connectionId, vhost, queue }, { signal }) => (await map(connectionId)).queue(vhost, queue, signal),
    'rabbit/connections': async ({ connectionId }, { signal }) => (await map(connectionId)).connections(signal),
    'rabbit/purge-queue': async ({ connectionId, vhost, queue, confirm }) => {
      confirmed('queue', queue, confirm);
      const r = await (await map(connectionId)).purge(vhost, queue);
      store.audit('purge-queue', {
        connectionId,
        connectionName: nameOf(connectionId),
        vhost,
        queue,
        purged: r.purged,
        summary: `purged ${queue} in vhost ${vhost} (${r.purged.toLocaleString('en-US')} messages)`,
      });
      return r;
    },
    'rabbit/delete-queue': async ({ connectionId, vhost, queue, confirm }) => {
      confirmed('queue', queue, confirm);
      const r = await (await map(connectionId)).deleteQueue(vhost, queue);
      store.audit('delete-queue', {
        connectionId,
        connectionName: nameOf(connectionId),
        vhost,
        queue,
        messages: r.messages,
        summary: `deleted queue ${queue} in vhost ${vhost} (${r.messages.toLocaleString('en-US')} messages)`,
      });
      return r;
    },
    'rabbit/delete-exchange': async ({ connectionId, vhost, exchange, confirm }) => {
      confirmed('exchange', exchange, confirm);
      await (await map(connectionId)).deleteExchange(vhost, exchange);
      store.audit('delete-exchange', { connectionId, connectionName: nameOf(connectionId), vhost, exchange, summary: `deleted exchange ${exchange} in vhost ${vhost}` });
      return {};
    },
  };
}
