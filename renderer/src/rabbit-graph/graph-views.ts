import { displayName, nodeId, type GraphEdge, type GraphNode, type NodeRef, type TopologyGraphModel } from './graph-model';

/**
 * What the graph shows of a model: a neighbourhood, unbound queues folded into one node, the nodes
 * and edges to highlight, the nodes a search finds. Pure functions over the model.
 */

export type Shown = { nodes: GraphNode[]; edges: GraphEdge[] };
export type Highlight = { nodes: Set<string>; edges: Set<string> };

export const GROUP_ID = 'group:unbound';
const emptyHighlight = (): Highlight => ({ nodes: new Set(), edges: new Set() });

function adjacency(edges: GraphEdge[], directed: boolean, kinds?: ReadonlySet<GraphEdge['kind']>): Map<string, GraphEdge[]> {
  const out = new Map<string, GraphEdge[]>();
  const add = (id: string, e: GraphEdge) => {
    const list = out.get(id);
    if (list) list.push(e);
    else out.set(id, [e]);
  };
  for (const e of edges) {
    if (kinds && !kinds.has(e.kind)) continue;
    add(e.from, e);
    if (!directed) add(e.to, e);
  }
  return out;
}

/** The node ids within `hops` edges of `center`, in either direction. */
export function neighbourhood(model: Shown, center: string, hops: number): Set<string> {
  const adj = adjacency(model.edges, false);
  const seen = new Set<string>([center]);
  let frontier = [center];
  for (let hop = 0; hop < hops && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of adj.get(id) ?? []) {
        const other = e.from === id ? e.to : e.from;
        if (!seen.has(other)) {
          seen.add(other);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

/** Only these nodes and the edges between them. */
export function subgraph(model: Shown, ids: ReadonlySet<string>): Shown {
  return { nodes: model.nodes.filter((n) => ids.has(n.id)), edges: model.edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
}

export type Collapsed = Shown & {
  /** A folded queue's id → the group's id. */
  memberOf: Map<string, string>;
  /** An edge's id → the id of the edge drawn for it. */
  edgeOf: Map<string, string>;
};

/**
 * Past `threshold` nodes, queues that nothing routes to (no binding but the default exchange's) are
 * drawn as one "N unbound queues" node; their own edges (dead-letter links) start at that node.
 * Queues in `keep` stay visible.
 */
export function collapseUnbound(shown: Shown, threshold: number, keep: ReadonlySet<string>): Collapsed {
  const unchanged: Collapsed = { ...shown, memberOf: new Map(), edgeOf: new Map() };
  if (shown.nodes.length <= threshold) return unchanged;
  const fed = new Set(shown.edges.filter((e) => e.kind === 'binding').map((e) => e.to));
  const members = shown.nodes.filter((n) => n.kind === 'queue' && !fed.has(n.id) && !keep.has(n.id)).map((n) => n.id);
  if (members.length < 2) return unchanged;

  const memberOf = new Map(members.map((id) => [id, GROUP_ID]));
  const nodes: GraphNode[] = shown.nodes.filter((n) => !memberOf.has(n.id));
  nodes.push({ id: GROUP_ID, kind: 'group', name: `${members.length} unbound queues`, members });

  const edgeOf = new Map<string, string>();
  const edges = new Map<string, GraphEdge>();
  for (const e of shown.edges) {
    const from = memberOf.get(e.from) ?? e.from;
    const to = memberOf.get(e.to) ?? e.to;
    if (from === e.from && to === e.to) {
      edges.set(e.id, e);
      edgeOf.set(e.id, e.id);
      continue;
    }
    const id = `${e.kind}:${from}->${to}`;
    const merged = edges.get(id) ?? { id, from, to, kind: e.kind, label: '', detail: [] };
    merged.detail.push(...e.detail.map((d) => `${from === GROUP_ID ? e.from.slice(2) : e.to.slice(2)}: ${d}`));
    merged.label = merged.detail.length === 1 ? e.label : `${merged.detail.length} queues`;
    edges.set(id, merged);
    edgeOf.set(e.id, id);
  }
  return { nodes, edges: [...edges.values()], memberOf, edgeOf };
}

/** Nodes and edges on the way from one node to another along routing edges (bindings, exchange bindings, alternates). */
function routingPath(adj: Map<string, GraphEdge[]>, from: string, to: string): GraphEdge[] | null {
  const via = new Map<string, GraphEdge | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (at === to) break;
    for (const e of adj.get(at) ?? []) {
      if (via.has(e.to)) continue;
      via.set(e.to, e);
      queue.push(e.to);
    }
  }
  if (!via.has(to)) return null;
  const path: GraphEdge[] = [];
  for (let e = via.get(to); e; e = via.get(e.from)) path.unshift(e);
  return path;
}

/**
 * A node's dead-letter path: for a queue, where its dead letters go (queue → DLX → the queues the
 * DLX routes them to, and on from there), and the queues whose dead letters arrive in it; for an
 * exchange used as a DLX, every queue dead-lettering into it and the queues it feeds.
 */
export function deadLetterHighlight(model: TopologyGraphModel, ref: NodeRef): Highlight {
  const start = nodeId(ref);
  const h = emptyHighlight();
  if (!model.byId.has(start)) return h;
  h.nodes.add(start);
  const routing = adjacency(model.edges, true, new Set(['binding', 'e2e', 'alternate']));
  const follow = (route: TopologyGraphModel['deadLetters'][number], only?: string) => {
    h.nodes.add(route.from);
    h.nodes.add(route.dlx);
    h.edges.add(`dead-letter:${route.from}->${route.dlx}`);
    for (const target of route.to) {
      if (only !== undefined && target !== only) continue;
      h.nodes.add(target);
      for (const e of routingPath(routing, route.dlx, target) ?? []) {
        h.edges.add(e.id);
        h.nodes.add(e.to);
      }
    }
  };
  if (ref.kind === 'exchange') {
    for (const route of model.deadLetters) if (route.dlx === start) follow(route);
    return h;
  }
  // Onward, as far as dead letters keep going (a cycle stops where it began).
  const done = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const at = pending.pop()!;
    if (done.has(at)) continue;
    done.add(at);
    for (const route of model.deadLetters) {
      if (route.from !== at) continue;
      follow(route);
      pending.push(...route.to);
    }
  }
  // Backward, one step: the queues that dead-letter into this one.
  for (const route of model.deadLetters) if (route.to.includes(start)) follow(route, start);
  return h;
}

export type RoutePath = { queue: string; path: string[]; hops?: { from: string; to: string; toType: 'queue' | 'exchange' }[] };

/** An exchange named in a routing answer's path: `x (alternate)` and `(default exchange)` are how the answer words them. */
function pathExchange(model: TopologyGraphModel, name: string): string {
  const id = nodeId({ kind: 'exchange', name });
  if (model.byId.has(id)) return id;
  if (name === '(default exchange)') return nodeId({ kind: 'exchange', name: '' });
  if (name.endsWith(' (alternate)')) return nodeId({ kind: 'exchange', name: name.slice(0, -' (alternate)'.length) });
  return id;
}

/** A routing answer's paths (exchange names, then the queue; or its hops when given): those nodes and the edges between them. */
export function routeHighlight(model: TopologyGraphModel, routes: RoutePath[]): Highlight {
  const h = emptyHighlight();
  const out = adjacency(model.edges, true);
  for (const route of routes) {
    const steps: [string, string][] = route.hops
      ? route.hops.map((hop) => [nodeId({ kind: 'exchange', name: hop.from }), nodeId({ kind: hop.toType, name: hop.to })])
      : route.path.slice(0, -1).map((name, i, exchanges) => {
          const next = exchanges[i + 1];
          return [pathExchange(model, name), next === undefined ? nodeId({ kind: 'queue', name: route.queue }) : pathExchange(model, next)];
        });
    for (const [from, to] of steps) {
      for (const id of [from, to]) if (model.byId.has(id)) h.nodes.add(id);
      for (const e of out.get(from) ?? []) if (e.to === to && e.kind !== 'dead-letter') h.edges.add(e.id);
    }
  }
  return h;
}

/** Carries a highlight over to the drawn graph (a folded queue lights its group). */
export function mapHighlight(h: Highlight, collapsed: Collapsed): Highlight {
  return {
    nodes: new Set([...h.nodes].map((id) => collapsed.memberOf.get(id) ?? id)),
    edges: new Set([...h.edges].map((id) => collapsed.edgeOf.get(id) ?? id)),
  };
}

/** The drawn nodes whose name contains `query` (case-insensitive); a group matches when one of its queues does. */
export function searchNodes(shown: Shown, model: TopologyGraphModel, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const hit = (n: GraphNode | undefined) => n !== undefined && n.kind !== 'group' && displayName(n).toLowerCase().includes(q);
  return shown.nodes.filter((n) => (n.kind === 'group' ? n.members.some((id) => hit(model.byId.get(id))) : hit(n))).map((n) => n.id);
}
