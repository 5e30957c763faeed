import type { z } from 'zod';
import { formatCount } from '../ui/format';
import type { RabbitTopology } from '../../../src/api/contract-rabbit';

/**
 * A vhost's topology as a graph: exchanges and queues as nodes; bindings, exchange-to-exchange
 * bindings, alternate exchanges and dead-letter links as edges. Pure: no layout, no React.
 */

export type RabbitTopologyData = z.infer<typeof RabbitTopology>;
export type NodeKind = 'queue' | 'exchange';
export type NodeRef = { kind: NodeKind; name: string };
export type EdgeKind = 'binding' | 'e2e' | 'alternate' | 'dead-letter';

export type ExchangeNode = {
  id: string;
  kind: 'exchange';
  name: string;
  type: string;
  internal: boolean;
  /** Some queue dead-letters here. */
  dlx: boolean;
  /** Referenced (as a DLX or an alternate) but not in the listing: `missing` when the listing is complete. */
  absent: 'missing' | 'not-listed' | null;
};
export type QueueNode = {
  id: string;
  kind: 'queue';
  name: string;
  type: 'classic' | 'quorum' | 'stream' | null;
  messages: number | null;
  /** Some queue's dead letters arrive here. */
  dlq: boolean;
  absent: 'not-listed' | null;
};
/** Queues without bindings, drawn as one node until expanded. */
export type GroupNode = { id: string; kind: 'group'; name: string; members: string[] };
export type GraphNode = ExchangeNode | QueueNode | GroupNode;

export type GraphEdge = {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  /** Short text drawn on the edge. */
  label: string;
  /** Everything the edge stands for (each binding's key), for its tooltip. */
  detail: string[];
};

/** A queue's dead letters: the DLX they go to and the queues that DLX routes them to (ids). */
export type DeadLetterRoute = { from: string; dlx: string; to: string[] };

export type TopologyGraphModel = { vhost: string; nodes: GraphNode[]; edges: GraphEdge[]; byId: Map<string, GraphNode>; deadLetters: DeadLetterRoute[] };

export const nodeId = (ref: NodeRef) => `${ref.kind === 'queue' ? 'q' : 'x'}:${ref.name}`;
export const DEFAULT_EXCHANGE_LABEL = '(AMQP default)';
export const displayName = (node: GraphNode) => (node.kind === 'exchange' && node.name === '' ? DEFAULT_EXCHANGE_LABEL : node.name);

const LABEL_MAX = 32;
const clip = (s: string, max = LABEL_MAX) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** `x-match any: format=pdf, type=report` for a headers binding. */
export function headersSummary(args: Record<string, unknown>): string {
  const match = typeof args['x-match'] === 'string' ? args['x-match'] : 'all';
  const pairs = Object.entries(args)
    .filter(([k]) => k !== 'x-match')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${match}: ${pairs.join(', ') || '(no headers)'}`;
}

function bindingText(sourceType: string | undefined, routingKey: string, args: Record<string, unknown>): string {
  if (sourceType === 'headers') return headersSummary(args);
  if (sourceType === 'fanout') return '';
  return routingKey === '' ? '(empty key)' : routingKey;
}

function mergedLabel(detail: string[]): string {
  const shown = detail.filter((d) => d !== '');
  if (shown.length === 0) return '';
  const first = clip(shown[0]!);
  return shown.length === 1 ? first : `${first} +${shown.length - 1}`;
}

/** Builds the graph. The default exchange's implicit bindings are left out; it appears only when it is a DLX or an alternate. */
export function buildGraph(topology: RabbitTopologyData): TopologyGraphModel {
  const byId = new Map<string, GraphNode>();
  const exchangesComplete = !topology.more && topology.matched.exchanges >= topology.totals.exchanges;

  for (const x of topology.exchanges) {
    if (x.name === '') continue;
    byId.set(nodeId({ kind: 'exchange', name: x.name }), {
      id: nodeId({ kind: 'exchange', name: x.name }),
      kind: 'exchange',
      name: x.name,
      type: x.type,
      internal: x.internal,
      dlx: false,
      absent: null,
    });
  }
  for (const q of topology.queues) {
    const id = nodeId({ kind: 'queue', name: q.name });
    byId.set(id, { id, kind: 'queue', name: q.name, type: q.type, messages: q.messages, dlq: false, absent: null });
  }
  const exchangeType = new Map(topology.exchanges.map((x) => [x.name, x.type]));
  exchangeType.set('', 'direct');

  const exchange = (name: string): ExchangeNode => {
    const id = nodeId({ kind: 'exchange', name });
    const found = byId.get(id);
    if (found?.kind === 'exchange') return found;
    const made: ExchangeNode = {
      id,
      kind: 'exchange',
      name,
      type: name === '' ? 'direct' : '?',
      internal: false,
      dlx: false,
      absent: name === '' ? null : exchangesComplete ? 'missing' : 'not-listed',
    };
    byId.set(id, made);
    return made;
  };
  const queue = (name: string): QueueNode => {
    const id = nodeId({ kind: 'queue', name });
    const found = byId.get(id);
    if (found?.kind === 'queue') return found;
    const made: QueueNode = { id, kind: 'queue', name, type: null, messages: null, dlq: false, absent: 'not-listed' };
    byId.set(id, made);
    return made;
  };

  // Parallel edges of one kind between the same two nodes become one edge listing every key.
  const edges = new Map<string, GraphEdge>();
  const addEdge = (from: string, to: string, kind: EdgeKind, text: string) => {
    const id = `${kind}:${from}->${to}`;
    const edge = edges.get(id) ?? { id, from, to, kind, label: '', detail: [] };
    if (!edge.detail.includes(text)) edge.detail.push(text);
    edge.label = kind === 'alternate' ? 'alternate' : mergedLabel(edge.detail);
    edges.set(id, edge);
  };

  for (const b of topology.bindings) {
    if (b.source === '') continue;
    const from = exchange(b.source).id;
    const to = b.destinationType === 'queue' ? queue(b.destination).id : exchange(b.destination).id;
    addEdge(from, to, b.destinationType === 'queue' ? 'binding' : 'e2e', bindingText(exchangeType.get(b.source), b.routingKey, b.arguments));
  }
  for (const x of topology.exchanges) {
    if (x.alternate && x.name !== '') addEdge(exchange(x.name).id, exchange(x.alternate.name).id, 'alternate', `alternate exchange (set by ${x.alternate.setBy})`);
  }
  const deadLetters: DeadLetterRoute[] = [];
  for (const link of topology.deadLetterLinks) {
    const dlx = exchange(link.exchange);
    dlx.dlx = true;
    const from = queue(link.from).id;
    addEdge(from, dlx.id, 'dead-letter', link.routingKey ?? '(original key)');
    deadLetters.push({ from, dlx: dlx.id, to: link.to.map((name) => nodeId({ kind: 'queue', name })) });
    for (const target of link.to) {
      const q = queue(target);
      q.dlq = true;
      // The default exchange routes by queue name: draw its implicit binding for the queues it feeds.
      if (link.exchange === '') addEdge(dlx.id, q.id, 'binding', link.routingKey ?? '(original key)');
    }
  }
  return { vhost: topology.vhost, nodes: [...byId.values()], edges: [...edges.values()], byId, deadLetters };
}

/** The words a screen reader says for a node. */
export function nodeAriaLabel(node: GraphNode): string {
  if (node.kind === 'group') return `${node.members.length} unbound queues, grouped; press Enter to show them`;
  if (node.kind === 'exchange') {
    const parts = [`exchange ${displayName(node)}`, node.type];
    if (node.internal) parts.push('internal');
    if (node.dlx) parts.push('dead-letter exchange');
    if (node.absent === 'missing') parts.push('missing: not declared');
    if (node.absent === 'not-listed') parts.push('not in this listing');
    return parts.join(', ');
  }
  const parts = [`queue ${node.name}`];
  if (node.type) parts.push(node.type);
  if (node.messages !== null) parts.push(`${node.messages} ${node.messages === 1 ? 'message' : 'messages'}`);
  if (node.dlq) parts.push('receives dead letters');
  if (node.absent) parts.push('not in this listing');
  return parts.join(', ');
}

/** The second line of a node: type, message count, the DLX and DLQ marks. */
export function nodeSubline(node: GraphNode): string {
  if (node.kind === 'group') return 'press to show them';
  if (node.kind === 'exchange') {
    if (node.absent === 'missing') return 'missing: not declared';
    const parts = [node.absent === 'not-listed' ? 'not listed' : node.type];
    if (node.internal) parts.push('internal');
    if (node.dlx) parts.push('DLX');
    return parts.join(' · ');
  }
  if (node.absent) return 'not listed';
  const parts: string[] = [node.type ?? 'queue'];
  if (node.messages !== null) parts.push(`${formatCount(node.messages)} msg${node.messages === 1 ? '' : 's'}`);
  if (node.dlq) parts.push('DLQ');
  return parts.join(' · ');
}
