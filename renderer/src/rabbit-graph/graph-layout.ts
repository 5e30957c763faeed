import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { displayName, nodeSubline, type GraphEdge, type GraphNode } from './graph-model';
import type { Shown } from './graph-views';

/** Where dagre put each node and edge, left to right. Sizes are estimated from the text (no DOM). */

export type Point = { x: number; y: number };
export type NodeBox = { x: number; y: number; width: number; height: number };
/** `cubic`: the points are one cubic Bézier's ends and controls, not a polyline. */
export type EdgeRoute = { points: Point[]; label: Point | null; cubic?: boolean };
/** `full`: dagre placed every edge; otherwise only the skeleton. */
export type Layout = { nodes: Map<string, NodeBox>; edges: Map<string, EdgeRoute>; width: number; height: number; full: boolean };

export const NODE_HEIGHT = 38;
const CHAR = 6.8; // 12px semibold system UI, on average
const SUB_CHAR = 5.9; // 11px
const LABEL_CHAR = 6;
const MIN_WIDTH = 110;
const MAX_WIDTH = 240;

export function nodeWidth(node: GraphNode): number {
  const text = Math.max(displayName(node).length * CHAR, nodeSubline(node).length * SUB_CHAR);
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, text + 24)));
}

/** Up to this many edges dagre places every edge and its label (about 250 ms for a dense graph on a laptop core). */
export const FULL_LAYOUT_EDGES = 160;

const PRIORITY: Record<GraphEdge['kind'], number> = { 'dead-letter': 0, e2e: 1, alternate: 2, binding: 3 };

/**
 * Each node's one incoming edge that places it (a dead-letter link before an exchange binding,
 * an alternate, a binding): a forest, which dagre lays out in a fraction of the time of the whole
 * graph and without crossings of its own.
 */
export function skeleton(edges: GraphEdge[]): Set<string> {
  const best = new Map<string, GraphEdge>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    const had = best.get(e.to);
    if (!had || PRIORITY[e.kind] < PRIORITY[had.kind]) best.set(e.to, e);
  }
  return new Set([...best.values()].map((e) => e.id));
}

/**
 * Small graphs: dagre places every edge and its label. Larger ones: dagre places the skeleton
 * (left to right, no order search: a forest has no crossings to remove) and the other edges are
 * drawn as curves from the source's right side to the target's left side, labels at their middle.
 */
export function layoutGraph(shown: Shown, options: { fullUpTo?: number } = {}): Layout {
  const full = shown.edges.length <= (options.fullUpTo ?? FULL_LAYOUT_EDGES);
  const placed = full ? null : skeleton(shown.edges);
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: full ? 40 : 90, edgesep: 8, marginx: 16, marginy: 16, ranker: full ? 'network-simplex' : 'tight-tree' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of shown.nodes) g.setNode(n.id, { width: nodeWidth(n), height: NODE_HEIGHT });
  for (const e of shown.edges) {
    if (e.from === e.to || (placed && !placed.has(e.id))) continue; // self-loops and curves are drawn here
    const text = full ? e.label : '';
    g.setEdge(e.from, e.to, { width: text.length * LABEL_CHAR, height: text ? 14 : 0, labelpos: 'c', weight: e.kind === 'dead-letter' ? 2 : 1 }, e.id);
  }
  dagre.layout(g, full ? {} : { disableOptimalOrderHeuristic: true });

  const nodes = new Map<string, NodeBox>();
  for (const n of shown.nodes) {
    const at = g.node(n.id);
    nodes.set(n.id, { x: at.x ?? 0, y: at.y ?? 0, width: at.width, height: at.height });
  }
  const edges = new Map<string, EdgeRoute>();
  for (const e of shown.edges) {
    const from = nodes.get(e.from);
    const to = nodes.get(e.to);
    if (!from || !to) continue;
    if (e.from === e.to) {
      edges.set(e.id, selfLoop(from));
      continue;
    }
    if (placed && !placed.has(e.id)) {
      edges.set(e.id, curve(from, to));
      continue;
    }
    const at = g.edge({ v: e.from, w: e.to, name: e.id });
    const points = at.points ?? [
      { x: from.x, y: from.y },
      { x: to.x, y: to.y },
    ];
    const label = full && at.x !== undefined && at.y !== undefined ? { x: at.x, y: at.y } : midpoint(points);
    edges.set(e.id, { points, label });
  }
  const graph = g.graph();
  return { nodes, edges, width: graph.width ?? 0, height: graph.height ?? 0, full };
}

/**
 * The last few layouts by the graph's shape (node ids, edge ids and labels): a topology polled
 * again with new message counts keeps its layout instead of paying for it again.
 */
const recent = new Map<string, Layout>();
export function layoutCached(shown: Shown): Layout {
  const key = `${shown.nodes.map((n) => n.id).join('\n')}\u0000${shown.edges.map((e) => `${e.id}\u0001${e.label}`).join('\n')}`;
  const hit = recent.get(key);
  if (hit) {
    recent.delete(key);
    recent.set(key, hit);
    return hit;
  }
  const made = layoutGraph(shown);
  recent.set(key, made);
  if (recent.size > 6) recent.delete(recent.keys().next().value!);
  return made;
}

function selfLoop(box: NodeBox): EdgeRoute {
  const top = box.y - box.height / 2;
  const points = [
    { x: box.x + 20, y: top },
    { x: box.x + 30, y: top - 22 },
    { x: box.x - 30, y: top - 22 },
    { x: box.x - 20, y: top },
  ];
  return { points, label: { x: box.x, y: top - 28 }, cubic: true };
}

/** A cubic curve from the right side of one box to the left side of another. */
function curve(from: NodeBox, to: NodeBox): EdgeRoute {
  const a = { x: from.x + from.width / 2, y: from.y };
  const b = { x: to.x - to.width / 2, y: to.y };
  const bend = Math.max(40, Math.abs(b.x - a.x) / 2);
  const c1 = { x: a.x + bend, y: a.y };
  const c2 = { x: b.x - bend, y: b.y };
  return { points: [a, c1, c2, b], label: { x: (a.x + 3 * c1.x + 3 * c2.x + b.x) / 8, y: (a.y + 3 * c1.y + 3 * c2.y + b.y) / 8 }, cubic: true };
}

function midpoint(points: Point[]): Point | null {
  if (points.length === 0) return null;
  if (points.length % 2 === 1) return points[(points.length - 1) / 2]!;
  const a = points[points.length / 2 - 1]!;
  const b = points[points.length / 2]!;
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/** A smooth SVG path through dagre's points (straight ends, rounded bends). */
export function edgePath(route: EdgeRoute): string {
  const { points } = route;
  const [first, ...rest] = points;
  if (route.cubic && points.length === 4) return `M${first!.x},${first!.y}C${rest.map((p) => `${p.x},${p.y}`).join(' ')}`;
  if (!first) return '';
  if (rest.length <= 1) return `M${first.x},${first.y}` + rest.map((p) => `L${p.x},${p.y}`).join('');
  let d = `M${first.x},${first.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const next = points[i + 1]!;
    const mid = i === points.length - 2 ? next : { x: (p.x + next.x) / 2, y: (p.y + next.y) / 2 };
    d += `Q${p.x},${p.y} ${mid.x},${mid.y}`;
  }
  return d;
}
