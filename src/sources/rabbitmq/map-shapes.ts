import { effectiveSettings, queueKind, toJson } from './effective-settings';
import type { ManagementBinding, ManagementExchange, ManagementMapQueue, ManagementPolicy } from './management-client';
import type { MapBinding, MapExchange, MapPolicy, MapQueue } from './rabbit-map-types';
import { exchangeOf, type Topology } from './routing';

/** The management API's answers turned into the map's shapes. */

/** One vhost as the management API lists it, read in one parallel round. */
export interface VhostSnapshot {
  vhost: string;
  exchanges: ManagementExchange[];
  queues: ManagementMapQueue[];
  bindings: ManagementBinding[];
  policies: ManagementPolicy[];
  operatorPolicies: ManagementPolicy[] | null;
  missing: string[];
  topology: Topology;
}

const record = (v: Record<string, unknown> | undefined): Record<string, ReturnType<typeof toJson>> => Object.fromEntries(Object.entries(v ?? {}).map(([k, x]) => [k, toJson(x)]));
const policyDefinition = (q: ManagementMapQueue): Record<string, unknown> => {
  const d = q.effective_policy_definition;
  return d && !Array.isArray(d) ? d : {};
};

export function mapQueue(q: ManagementMapQueue, operatorPolicies: ManagementPolicy[] | null): MapQueue {
  const operator = operatorPolicies?.find((p) => p.name === q.operator_policy)?.definition ?? null;
  return {
    name: q.name,
    type: queueKind(q.type),
    durable: q.durable ?? true,
    autoDelete: q.auto_delete ?? false,
    exclusive: q.exclusive ?? false,
    messages: Math.max(0, q.messages ?? 0),
    ready: Math.max(0, q.messages_ready ?? 0),
    unacked: Math.max(0, q.messages_unacknowledged ?? 0),
    consumers: q.consumers ?? 0,
    publishRate: q.message_stats?.publish_details?.rate ?? null,
    deliverRate: q.message_stats?.deliver_get_details?.rate ?? null,
    arguments: record(q.arguments),
    policy: q.policy ?? null,
    operatorPolicy: q.operator_policy ?? null,
    effective: effectiveSettings(q.type, q.arguments ?? {}, policyDefinition(q), operator),
  };
}

export function mapExchange(x: ManagementExchange, topology: Topology): MapExchange {
  const alternate = exchangeOf(topology, x.name)?.alternate ?? null;
  const byArg = typeof x.arguments?.['alternate-exchange'] === 'string';
  return {
    name: x.name,
    type: x.type,
    durable: x.durable ?? true,
    autoDelete: x.auto_delete ?? false,
    internal: x.internal ?? false,
    alternate: alternate ? { name: alternate, setBy: byArg ? 'argument' : 'policy' } : null,
    policy: x.policy ?? null,
    arguments: record(x.arguments),
  };
}

export const mapBinding = (b: ManagementBinding): MapBinding => ({
  source: b.source,
  destination: b.destination,
  destinationType: b.destination_type,
  routingKey: b.routing_key,
  arguments: record(b.arguments),
});

export const mapPolicy = (p: ManagementPolicy, operator: boolean): MapPolicy => ({
  name: p.name,
  pattern: p.pattern,
  applyTo: p['apply-to'],
  priority: p.priority,
  definition: record(p.definition),
  operator,
});
