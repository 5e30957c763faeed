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

export interface Route {
  queue: string;
  /** Exchanges passed through, then the queue: e.g. ["orders", "orders.audit (e2e)", "audit-log"]. */
  path: string[];
}

export type Routing = { ok: true; routes: Route[] } | { ok: false; error: string };

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
  const exchanges = new Map(topology.exchanges.map((e) => [e.name, e]));
  const queues = new Set(topology.queues);
  const headers = publish.headers ?? {};
  // The sender's CC and BCC headers add routing keys on the same exchange.
  const routingKeys = [publish.routingKey, ...keysOf(headers.CC), ...keysOf(headers.BCC)];
  if (publish.exchange === '') {
    const routes = [...new Set(routingKeys)].filter((k) => queues.has(k)).map((k) => ({ queue: k, path: ['(default exchange)', k] }));
    return { ok: true, routes };
  }
  const start = exchanges.get(publish.exchange);
  if (!start) return { ok: false, error: `exchange ${publish.exchange} does not exist` };
  if (start.internal) return { ok: false, error: `exchange ${publish.exchange} is internal: clients cannot publish to it` };

  const found = new Map<string, Route>();
  // As rabbit_exchange:route does it: each exchange is visited once; an exchange whose own
  // bindings give no destination at all (queue or exchange) hands the message to its alternate.
  // One walk with all routing keys at once (the publish's key and its CC/BCC keys), as the broker does.
  const keys = [...new Set(routingKeys)];
  const seen = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const ex = exchanges.get(name);
    if (!ex) return;
    const matched = topology.bindings.filter((b) => b.source === name && keys.some((k) => matches(ex.type, b, k, headers)));
    if (matched.length === 0 && ex.alternate) visit(ex.alternate, [...path, `${ex.alternate} (alternate)`]);
    for (const b of matched) {
      if (b.destinationType === 'exchange') visit(b.destination, [...path, b.destination]);
      else if (queues.has(b.destination) && !found.has(b.destination)) found.set(b.destination, { queue: b.destination, path: [...path, b.destination] });
    }
  };
  visit(publish.exchange, [publish.exchange]);
  return { ok: true, routes: [...found.values()] };
}
