import type { RabbitTopologyData } from '../../renderer/src/rabbit-graph/graph-model';

type Queue = RabbitTopologyData['queues'][number];
type Exchange = RabbitTopologyData['exchanges'][number];

/** An exchange as `rabbit/topology` reports one, with RabbitMQ's defaults unless told otherwise. */
export const exchange = (name: string, type = 'direct', extra: Partial<Exchange> = {}): Exchange => ({
  name,
  type,
  durable: true,
  autoDelete: false,
  internal: false,
  alternate: null,
  policy: null,
  arguments: {},
  ...extra,
});

/** A queue as `rabbit/topology` reports one: no arguments, no policy, nothing unacknowledged. */
export const queue = (name: string, type: Queue['type'] = 'classic', messages = 0, extra: Partial<Queue> = {}): Queue => ({
  name,
  type,
  durable: true,
  autoDelete: false,
  exclusive: false,
  messages,
  ready: messages,
  unacked: 0,
  consumers: 0,
  publishRate: null,
  deliverRate: null,
  arguments: {},
  policy: null,
  operatorPolicy: null,
  effective: [],
  ...extra,
});
