import { z } from 'zod';

/**
 * RabbitMQ as a map: a vhost's topology, "where would this go?", a queue's page, the broker's
 * connections, and purge/delete behind a typed name. Spread into `contract` (contract.ts).
 */

const call = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R) => ({ kind: 'call' as const, params, result });

const Connection = z.object({ connectionId: z.string().min(1) });
const Vhost = z.string().min(1, { message: 'Pick a vhost' });
const Json = z.json();
const Args = z.record(z.string(), Json);

export const EffectiveSetting = z.object({
  /** The policy key (`dead-letter-exchange`); the queue argument is the same with `x-` in front. */
  key: z.string(),
  value: Json,
  source: z.enum(['argument', 'policy', 'operator-policy']),
  /** Both set it: what each said and the broker's rule for this queue type. */
  overridden: z.object({ argument: Json, policy: Json, rule: z.enum(['lower wins', 'argument wins', 'policy wins']) }).optional(),
});

export const RabbitExchange = z.object({
  name: z.string(),
  type: z.string(),
  durable: z.boolean(),
  autoDelete: z.boolean(),
  internal: z.boolean(),
  alternate: z.object({ name: z.string(), setBy: z.enum(['argument', 'policy']) }).nullable(),
  policy: z.string().nullable(),
  arguments: Args,
});

export const RabbitQueue = z.object({
  name: z.string(),
  type: z.enum(['classic', 'quorum', 'stream']),
  durable: z.boolean(),
  autoDelete: z.boolean(),
  exclusive: z.boolean(),
  /** Sampled by the management API every few seconds. */
  messages: z.number(),
  ready: z.number(),
  unacked: z.number(),
  consumers: z.number(),
  /** Messages per second; null when the broker keeps no rate for it. */
  publishRate: z.number().nullable(),
  deliverRate: z.number().nullable(),
  arguments: Args,
  policy: z.string().nullable(),
  operatorPolicy: z.string().nullable(),
  effective: z.array(EffectiveSetting),
});

export const RabbitPolicy = z.object({ name: z.string(), pattern: z.string(), applyTo: z.string(), priority: z.number(), definition: Args, operator: z.boolean() });

export const RabbitBinding = z.object({
  source: z.string(),
  destination: z.string(),
  destinationType: z.enum(['queue', 'exchange']),
  routingKey: z.string(),
  arguments: Args,
});

export const DeadLetterTarget = z.object({
  exchange: z.string(),
  /** null: dead letters keep the routing keys they were published with. */
  routingKey: z.string().nullable(),
  setBy: z.enum(['argument', 'policy', 'operator-policy']),
  to: z.array(z.string()),
});
export const DeadLetterLinkSchema = DeadLetterTarget.extend({ from: z.string() });

const Counts = z.object({ exchanges: z.number().int(), queues: z.number().int(), bindings: z.number().int() });

export const RabbitTopology = z.object({
  vhost: z.string(),
  exchanges: z.array(RabbitExchange),
  queues: z.array(RabbitQueue),
  bindings: z.array(RabbitBinding),
  policies: z.array(RabbitPolicy),
  /** Links of the queues that match the filter (or whose DLX or target does), not paged. */
  deadLetterLinks: z.array(DeadLetterLinkSchema),
  totals: Counts,
  matched: Counts,
  more: z.boolean(),
  /** What this user may not read, said plainly; everything else is complete. */
  missing: z.array(z.string()),
  elapsedMs: z.number(),
});

export const RouteHop = z.object({
  from: z.string(),
  to: z.string(),
  toType: z.enum(['queue', 'exchange']),
  via: z.enum(['binding', 'alternate', 'default-exchange']),
  bindingKey: z.string().optional(),
  bindingArguments: Args.optional(),
});

export const RouteAnswer = z.object({
  routes: z.array(z.object({ queue: z.string(), path: z.array(z.string()), hops: z.array(RouteHop) })),
  unroutable: z.boolean(),
  note: z.string().nullable(),
  unsupported: z.array(z.string()),
});

export const QueueProblem = z.object({ code: z.enum(['dlx-missing', 'dlx-no-match', 'ttl-without-dlx', 'dead-letter-cycle']), message: z.string() });

export const RabbitConsumer = z.object({
  tag: z.string(),
  channel: z.string(),
  connection: z.string(),
  user: z.string().nullable(),
  prefetch: z.number(),
  ackMode: z.enum(['manual', 'automatic']),
  exclusive: z.boolean(),
  active: z.boolean(),
  clientProperties: Args.nullable(),
});

export const QueueFacts = z.object({
  queue: RabbitQueue,
  consumers: z.array(RabbitConsumer),
  feeds: z.object({
    bindings: z.array(RabbitBinding),
    upstream: z.array(z.object({ exchange: z.string(), to: z.string(), via: z.enum(['binding', 'alternate']), routingKey: z.string().nullable() })),
  }),
  deadLetters: z.object({ to: DeadLetterTarget.nullable(), from: z.array(DeadLetterLinkSchema) }),
  problems: z.array(QueueProblem),
  missing: z.array(z.string()),
});

export const BrokerConnection = z.object({
  name: z.string(),
  clientName: z.string().nullable(),
  user: z.string().nullable(),
  vhost: z.string().nullable(),
  state: z.string().nullable(),
  channels: z.number().nullable(),
  peer: z.string().nullable(),
  protocol: z.string().nullable(),
  connectedAt: z.string().nullable(),
  clientProperties: Args,
});

export const rabbitContract = {
  /** A vhost's exchanges, queues (with effective settings and their sources), bindings, policies and dead-letter links; filtered by name, paged. */
  'rabbit/topology': call(
    Connection.extend({
      vhost: Vhost,
      /** Case-insensitive part of a name; a binding matches when either end does. */
      filter: z.string().max(500).optional(),
      /** Each list (exchanges, queues, bindings) is cut to the same window. */
      page: z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(50_000) }).default({ offset: 0, limit: 1000 }),
      /** The default exchange's implicit binding to every queue, as `rabbitmqctl list_bindings` shows them. */
      includeDefaultBindings: z.boolean().default(false),
    }),
    RabbitTopology,
  ),
  /** Every queue a publish would reach and by which way; nothing is sent. */
  'rabbit/route': call(Connection.extend({ vhost: Vhost, exchange: z.string(), routingKey: z.string().max(255), headers: z.record(z.string(), Json).optional() }), RouteAnswer),
  /** One queue's page: facts, consumers, who feeds it, where its dead letters go, and the classic mistakes. */
  'rabbit/queue': call(Connection.extend({ vhost: Vhost, queue: z.string().min(1) }), QueueFacts),
  /** The broker's client connections: "who is eating my messages?". */
  'rabbit/connections': call(Connection, z.object({ connections: z.array(BrokerConnection), missing: z.array(z.string()) })),
  /** Removes every ready message; `confirm` is the queue's name typed again. Audited. */
  'rabbit/purge-queue': call(Connection.extend({ vhost: Vhost, queue: z.string().min(1), confirm: z.string() }), z.object({ purged: z.number().int() })),
  /** Deletes a queue and its messages; `confirm` is its name typed again. Audited. */
  'rabbit/delete-queue': call(Connection.extend({ vhost: Vhost, queue: z.string().min(1), confirm: z.string() }), z.object({ messages: z.number().int() })),
  /** Deletes an exchange and its bindings; `confirm` is its name typed again. Audited. */
  'rabbit/delete-exchange': call(Connection.extend({ vhost: Vhost, exchange: z.string().min(1), confirm: z.string() }), z.object({})),
} as const;
