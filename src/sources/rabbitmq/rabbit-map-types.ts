import type { EffectiveSetting, JsonValue } from './effective-settings';
import type { Hop } from './routing';
import type { DeadLetterTarget, QueueProblem } from './queue-checks';

/** What the RabbitMQ map shows, in the shapes the API sends (see src/api/contract-rabbit.ts). */

export interface MapExchange {
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  alternate: { name: string; setBy: 'argument' | 'policy' } | null;
  policy: string | null;
  arguments: Record<string, JsonValue>;
}

export interface MapQueue {
  name: string;
  type: 'classic' | 'quorum' | 'stream';
  durable: boolean;
  autoDelete: boolean;
  exclusive: boolean;
  /** Sampled by the management API every few seconds. */
  messages: number;
  ready: number;
  unacked: number;
  consumers: number;
  /** Messages per second, or null when the broker keeps no rate (no traffic yet, stats off). */
  publishRate: number | null;
  deliverRate: number | null;
  arguments: Record<string, JsonValue>;
  policy: string | null;
  operatorPolicy: string | null;
  /** Every effective setting with where it comes from. */
  effective: EffectiveSetting[];
}

export interface MapPolicy {
  name: string;
  pattern: string;
  applyTo: string;
  priority: number;
  definition: Record<string, JsonValue>;
  operator: boolean;
}

export interface MapBinding {
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: Record<string, JsonValue>;
}

export interface MapDeadLetterLink extends DeadLetterTarget {
  from: string;
}

export interface TopologyPage {
  vhost: string;
  exchanges: MapExchange[];
  queues: MapQueue[];
  bindings: MapBinding[];
  policies: MapPolicy[];
  deadLetterLinks: MapDeadLetterLink[];
  totals: { exchanges: number; queues: number; bindings: number };
  matched: { exchanges: number; queues: number; bindings: number };
  /** Some list has more matches after this page. */
  more: boolean;
  /** What the user may not read (e.g. operator policies), said plainly; the rest is complete. */
  missing: string[];
  elapsedMs: number;
}

export interface TopologyQuery {
  vhost: string;
  filter?: string | undefined;
  offset: number;
  limit: number;
  includeDefaultBindings: boolean;
}

export interface RouteAnswer {
  routes: { queue: string; path: string[]; hops: (Omit<Hop, 'bindingArguments'> & { bindingArguments?: Record<string, JsonValue> })[] }[];
  unroutable: boolean;
  /** Said when nothing matches, or when a plugin exchange type on the way cannot be simulated. */
  note: string | null;
  unsupported: string[];
}

export interface MapConsumer {
  tag: string;
  channel: string;
  connection: string;
  user: string | null;
  prefetch: number;
  ackMode: 'manual' | 'automatic';
  exclusive: boolean;
  active: boolean;
  /** The client's own description (product, version, connection_name), or null when the user may not read it. */
  clientProperties: Record<string, JsonValue> | null;
}

export interface QueueFacts {
  queue: MapQueue;
  consumers: MapConsumer[];
  feeds: {
    /** Bindings into this queue. */
    bindings: MapBinding[];
    /** Exchanges upstream of those: bound to them, or using them as alternate exchange. */
    upstream: { exchange: string; to: string; via: 'binding' | 'alternate'; routingKey: string | null }[];
  };
  deadLetters: {
    to: DeadLetterTarget | null;
    /** Queues whose dead letters arrive here. */
    from: MapDeadLetterLink[];
  };
  problems: QueueProblem[];
  missing: string[];
}

export interface BrokerConnection {
  name: string;
  /** The name the client gave itself (`connection_name`), or null. */
  clientName: string | null;
  user: string | null;
  vhost: string | null;
  state: string | null;
  channels: number | null;
  peer: string | null;
  protocol: string | null;
  connectedAt: string | null;
  clientProperties: Record<string, JsonValue>;
}
