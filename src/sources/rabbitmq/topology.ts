import type { ManagementBinding, ManagementExchange, ManagementPolicy, ManagementQueue } from './management-client';
import { linearRegex, type LinearRegex } from '../../model/linear-regex';
import { filterInSlices, mapInSlices, nextSlice, sliceDue } from '../time-slices';
import { bindingsFrom, route, type Topology } from './routing';

/** Where one queue's dead letters go: its dead-letter exchange, the key, and the queues that receive them. */
export interface DeadLetterLink {
  vhost: string;
  /** The work queue whose messages die. */
  from: string;
  exchange: string;
  /** null: dead letters keep their original routing keys. */
  routingKey: string | null;
  /** Where the DLX sends them now, from its bindings. */
  to: string[];
  /** Whether the queue argument or a policy set it. */
  setBy: 'argument' | 'policy';
}

const stringArg = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A policy's definition as it applies to a queue (RabbitMQ reports the effective one). */
function effective(q: ManagementQueue): Record<string, unknown> {
  const d = q.effective_policy_definition;
  return d && !Array.isArray(d) ? d : {};
}

/** The policy that applies to an exchange: the highest priority whose pattern matches and applies to exchanges. */
function exchangePolicy(x: ManagementExchange, policies: ManagementPolicy[]): Record<string, unknown> {
  const applies = policies
    .filter((p) => p.vhost === x.vhost && (p['apply-to'] === 'all' || p['apply-to'] === 'exchanges') && safeRegex(p.pattern)?.test(x.name))
    .sort((a, b) => b.priority - a.priority);
  return applies[0]?.definition ?? {};
}

/** A policy's pattern, matched in linear time whatever its shape (a pattern RE2 refuses matches nothing here). */
function safeRegex(pattern: string): LinearRegex | null {
  try {
    return linearRegex(pattern);
  } catch {
    return null;
  }
}

/**
 * A vhost's exchanges, queues and bindings in the routing simulator's terms. In slices (see
 * time-slices.ts): a vhost may hold thousands of exchanges, each matched against every policy.
 */
export async function toTopology(vhost: string, exchanges: ManagementExchange[], queues: ManagementQueue[], bindings: ManagementBinding[], policies: ManagementPolicy[]): Promise<Topology> {
  const ours = <T extends { vhost: string }>(list: T[]) => filterInSlices(list, (x) => x.vhost === vhost);
  return {
    exchanges: await mapInSlices(await ours(exchanges), (x) => ({
      name: x.name,
      type: x.type,
      internal: x.internal ?? false,
      // The argument wins over a policy, as in RabbitMQ.
      alternate: stringArg(x.arguments?.['alternate-exchange']) ?? stringArg(exchangePolicy(x, policies)['alternate-exchange']),
    })),
    queues: (await ours(queues)).map((q) => q.name),
    bindings: await mapInSlices(await filterInSlices(bindings, (b) => b.vhost === vhost && b.source !== ''), (b) => ({
      source: b.source,
      destination: b.destination,
      destinationType: b.destination_type,
      routingKey: b.routing_key,
      arguments: b.arguments ?? {},
    })),
  };
}

/**
 * Every queue's dead-letter link: from `x-dead-letter-exchange` (argument) or a policy's
 * `dead-letter-exchange`, with the queues that DLX feeds for the key its dead letters carry.
 */
export async function deadLetterLinks(vhost: string, queues: ManagementQueue[], topology: Topology): Promise<DeadLetterLink[]> {
  const links: DeadLetterLink[] = [];
  for (const q of queues) {
    if (q.vhost !== vhost) continue;
    if (sliceDue()) await nextSlice();
    const policy = effective(q);
    const byArg = stringArg(q.arguments?.['x-dead-letter-exchange']);
    const exchange = byArg ?? stringArg(policy['dead-letter-exchange']);
    if (exchange === null) continue;
    const routingKey = stringArg(q.arguments?.['x-dead-letter-routing-key']) ?? stringArg(policy['dead-letter-routing-key']);
    let to: string[];
    if (routingKey !== null) {
      const r = route(topology, { exchange, routingKey });
      to = r.ok ? r.routes.map((x) => x.queue) : [];
    } else if (exchange === '') {
      // The default exchange with the message's own key: back to a queue of that name.
      to = [];
    } else {
      // Dead letters keep their original keys: every queue the DLX is bound to may receive some.
      const seen = new Set<string>();
      const walk = (name: string) => {
        for (const b of bindingsFrom(topology, name)) {
          if (b.destinationType === 'queue') seen.add(b.destination);
          else if (!seen.has(`exchange:${b.destination}`)) {
            seen.add(`exchange:${b.destination}`);
            walk(b.destination);
          }
        }
      };
      walk(exchange);
      to = [...seen].filter((x) => !x.startsWith('exchange:'));
    }
    links.push({ vhost, from: q.name, exchange, routingKey, to, setBy: byArg !== null ? 'argument' : 'policy' });
  }
  return links;
}
