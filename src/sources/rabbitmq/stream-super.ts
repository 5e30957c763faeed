import type { Resource } from '../../model/resources';
import type { ManagementBinding, ManagementExchange, ManagementQueue } from './management-client';

export type SuperStream = Extract<Resource, { type: 'rabbit-super-stream' }>;

/**
 * Super streams (partitioned streams) as RabbitMQ makes them: `rabbitmq-streams
 * add_super_stream` and the stream clients declare a direct exchange (type `x-super-stream` on
 * newer brokers) with the argument `x-super-stream: true`, and bind one stream queue per
 * partition to it with the binding argument `x-stream-partition-order`. The broker orders
 * partitions by that argument; so does this list.
 */
export function superStreams(vhost: string, exchanges: ManagementExchange[], bindings: ManagementBinding[], queues: ManagementQueue[]): SuperStream[] {
  const streams = new Map(queues.filter((q) => q.vhost === vhost && q.type === 'stream').map((q) => [q.name, q]));
  const out: SuperStream[] = [];
  for (const x of exchanges) {
    if (x.vhost !== vhost || !isSuperStream(x)) continue;
    const partitions = bindings
      .filter((b) => b.vhost === vhost && b.source === x.name && b.destination_type === 'queue' && streams.has(b.destination))
      .map((b) => {
        const sampled = Math.max(0, streams.get(b.destination)?.messages ?? 0);
        return { queue: b.destination, order: orderOf(b), routingKey: b.routing_key, messages: { value: sampled, exact: false, note: NOTE } };
      })
      // Bindings without an order go last, as the broker leaves them.
      .sort((a, b) => (a.order < 0 ? Number.MAX_SAFE_INTEGER : a.order) - (b.order < 0 ? Number.MAX_SAFE_INTEGER : b.order) || a.queue.localeCompare(b.queue));
    out.push({
      type: 'rabbit-super-stream',
      vhost,
      name: x.name,
      partitions,
      messages: { value: partitions.reduce((n, p) => n + p.messages.value, 0), exact: false, note: NOTE },
    });
  }
  return out;
}

const NOTE = 'Sampled by the management API every few seconds.';

function isSuperStream(x: ManagementExchange): boolean {
  const flag = x.arguments?.['x-super-stream'];
  return x.type === 'x-super-stream' || flag === true || flag === 'true';
}

/** The binding's partition order; -1 when it has none (or one that is not a whole number). */
function orderOf(b: ManagementBinding): number {
  const v = b.arguments?.['x-stream-partition-order'];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isInteger(n) ? n : -1;
}
