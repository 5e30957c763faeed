/**
 * Where RabbitMQ would route a message, worked out from the topology without sending anything:
 * the default exchange, direct, fanout, topic and headers exchanges, exchange-to-exchange
 * bindings, alternate exchanges, and the CC/BCC headers, as the broker does it.
 */

export interface TopologyExchange {
  name: string;
  type: string;
  internal?: boolean;
  /** From the `alternate-exchange` argument or policy. */
  alternate?: string | null;
}

export interface TopologyBinding {
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: Record<string, unknown>;
}

export interface Topology {
  exchanges: TopologyExchange[];
  queues: string[];
  bindings: TopologyBinding[];
}

export interface Publish {
  exchange: string;
  routingKey: string;
  headers?: Record<string, unknown>;
}

/** One step of a message's way: through a binding, or handed to an alternate exchange. */
export interface Hop {
  from: string;
  to: string;
  toType: 'queue' | 'exchange';
  via: 'binding' | 'alternate' | 'default-exchange';
  /** The binding's key (or header arguments) that matched; absent for an alternate exchange. */
  bindingKey?: string;
  bindingArguments?: Record<string, unknown>;
}

export interface Route {
  queue: string;
  /** Exchanges passed through, then the queue: e.g. ["orders", "orders.audit (e2e)", "audit-log"]. */
  path: string[];
}

/** A route with the same way step by step, and the binding that matched at each step. */
export interface ExplainedRoute extends Route {
  hops: Hop[];
}

export type Routing<R extends Route = Route> =
  | {
      ok: true;
      routes: R[];
      /** Exchanges on the way whose type (a plugin's) is not simulated: what they would route is unknown. */
      unsupported?: string[];
    }
  | { ok: false; error: string };

/** Lookups built once per topology: a big vhost has thousands of queues and tens of thousands of bindings. */
interface Prepared {
  exchanges: Map<string, TopologyExchange>;
  queues: Set<string>;
  bySource: Map<string, TopologyBinding[]>;
  byQueue: Map<string, TopologyBinding[]>;
}
const prepared = new WeakMap<Topology, Prepared>();
function prepare(topology: Topology): Prepared {
  const known = prepared.get(topology);
  if (known) return known;
  const group = (key: (b: TopologyBinding) => string | null) => {
    const index = new Map<string, TopologyBinding[]>();
    for (const b of topology.bindings) {
      const k = key(b);
      if (k === null) continue;
      const list = index.get(k);
      if (list) list.push(b);
      else index.set(k, [b]);
    }
    return index;
  };
  const p: Prepared = {
    exchanges: new Map(topology.exchanges.map((e) => [e.name, e])),
    queues: new Set(topology.queues),
    bySource: group((b) => b.source),
    byQueue: group((b) => (b.destinationType === 'queue' ? b.destination : null)),
  };
  prepared.set(topology, p);
  return p;
}

export const exchangeOf = (topology: Topology, name: string): TopologyExchange | undefined => prepare(topology).exchanges.get(name);
export const bindingsFrom = (topology: Topology, source: string): TopologyBinding[] => prepare(topology).bySource.get(source) ?? [];
export const bindingsInto = (topology: Topology, queue: string): TopologyBinding[] => prepare(topology).byQueue.get(queue) ?? [];

/** Topic matching: words split on ".", "*" matches one word, "#" zero or more. */
export function topicMatches(pattern: string, key: string): boolean {
  // An empty key or pattern has no words at all (so "#" matches "" and "*" does not).
  const p = pattern === '' ? [] : pattern.split('.');
  const k = key === '' ? [] : key.split('.');
  const memo = new Map<string, boolean>();
  const match = (i: number, j: number): boolean => {
    const id = `${i},${j}`;
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    let out: boolean;
    if (i === p.length) out = j === k.length;
    else if (p[i] === '#') out = match(i + 1, j) || (j < k.length && match(i, j + 1));
    else out = j < k.length && (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
    memo.set(id, out);
    return out;
  };
  return match(0, 0);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The headers exchange: x-match all (default), any, all-with-x, any-with-x. */
export function headersMatch(bindingArgs: Record<string, unknown>, headers: Record<string, unknown>): boolean {
  const mode = String(bindingArgs['x-match'] ?? 'all');
  const withX = mode.endsWith('-with-x');
  const keys = Object.keys(bindingArgs).filter((k) => k !== 'x-match' && (withX || !k.startsWith('x-')));
  const hits = keys.map((k) => Object.prototype.hasOwnProperty.call(headers, k) && (bindingArgs[k] === null || bindingArgs[k] === undefined || sameValue(bindingArgs[k], headers[k])));
  if (mode.startsWith('any')) return hits.some(Boolean);
  return hits.every(Boolean);
}

const SIMULATED = new Set(['fanout', 'direct', 'topic', 'headers']);

function matches(type: string, b: TopologyBinding, key: string, headers: Record<string, unknown>): boolean {
  switch (type) {
    case 'fanout':
      return true;
    case 'direct':
      return b.routingKey === key;
    case 'topic':
      return topicMatches(b.routingKey, key);
    case 'headers':
      return headersMatch(b.arguments, headers);
    default:
      // Plugin exchange types (consistent hash, delayed…) are not simulated.
      return false;
  }
}

const keysOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((k): k is string => typeof k === 'string') : typeof value === 'string' ? [value] : []);

export function route(topology: Topology, publish: Publish): Routing {
  const r = explainRoute(topology, publish);
  if (!r.ok) return r;
  return { ...r, routes: r.routes.map(({ queue, path }) => ({ queue, path })) };
}

/** Where a publish goes, with each step's binding (see `route`). */
export function explainRoute(topology: Topology, publish: Publish): Routing<ExplainedRoute> {
  const { exchanges, queues } = prepare(topology);
  const headers = publish.headers ?? {};
  // The sender's CC and BCC headers add routing keys on the same exchange.
  const routingKeys = [publish.routingKey, ...keysOf(headers.CC), ...keysOf(headers.BCC)];
  if (publish.exchange === '') {
    const routes = [...new Set(routingKeys)]
      .filter((k) => queues.has(k))
      .map((k) => ({ queue: k, path: ['(default exchange)', k], hops: [{ from: '', to: k, toType: 'queue' as const, via: 'default-exchange' as const, bindingKey: k }] }));
    return { ok: true, routes };
  }
  const start = exchanges.get(publish.exchange);
  if (!start) return { ok: false, error: `exchange ${publish.exchange} does not exist` };
  if (start.internal) return { ok: false, error: `exchange ${publish.exchange} is internal: clients cannot publish to it` };

  const found = new Map<string, ExplainedRoute>();
  const unsupported = new Set<string>();
  // As rabbit_exchange:route1 does it (v3.10.8 deps/rabbit/src/rabbit_exchange.erl): each exchange
  // is visited once; an exchange whose own bindings give no destination at all (queue or exchange)
  // hands the message to its alternate (process_alternate). One walk with all routing keys at
  // once (the publish's key and its CC/BCC keys), as the broker does.
  const keys = [...new Set(routingKeys)];
  const seen = new Set<string>();
  const visit = (name: string, path: string[], hops: Hop[]): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const ex = exchanges.get(name);
    if (!ex) return;
    if (!SIMULATED.has(ex.type)) unsupported.add(name);
    const matched = bindingsFrom(topology, name).filter((b) => keys.some((k) => matches(ex.type, b, k, headers)));
    if (matched.length === 0 && ex.alternate && SIMULATED.has(ex.type)) {
      visit(ex.alternate, [...path, `${ex.alternate} (alternate)`], [...hops, { from: name, to: ex.alternate, toType: 'exchange', via: 'alternate' }]);
    }
    for (const b of matched) {
      const hop: Hop = {
        from: name,
        to: b.destination,
        toType: b.destinationType,
        via: 'binding',
        bindingKey: b.routingKey,
        ...(Object.keys(b.arguments).length > 0 ? { bindingArguments: b.arguments } : {}),
      };
      if (b.destinationType === 'exchange') visit(b.destination, [...path, b.destination], [...hops, hop]);
      else if (queues.has(b.destination) && !found.has(b.destination)) found.set(b.destination, { queue: b.destination, path: [...path, b.destination], hops: [...hops, hop] });
    }
  };
  visit(publish.exchange, [publish.exchange], []);
  return { ok: true, routes: [...found.values()], ...(unsupported.size > 0 ? { unsupported: [...unsupported] } : {}) };
}
