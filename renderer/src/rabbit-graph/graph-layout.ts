import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { displayName, type GraphNode } from './graph-model';
import type { Shown } from './graph-views';

/** Where dagre put each node and edge, left to right. Sizes are estimated from the text (no DOM). */

export type Point = { x: number; y: number };
export type NodeBox = { x: number; y: number; width: number; height: number };
export type EdgeRoute = { points: Point[]; label: Point | null };
export type Layout = { nodes: Map<string, NodeBox>; edges: Map<string, EdgeRoute>; width: number; height: number };

export const NODE_HEIGHT = 38;
const CHAR = 6.8; // 12px system UI, on average
const LABEL_CHAR = 6;
const MIN_WIDTH = 110;
const MAX_WIDTH = 240;

export function nodeWidth(node: GraphNode): number {
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, displayName(node).length * CHAR + 24)));
}

/**
 * Edge labels are placed by dagre as nodes of their own when the graph is small; on a large graph
 * that doubles the ranks and the time, so labels go to the middle of the edge instead.
 */
export function layoutGraph(shown: Shown, options: { labelNodesUpTo?: number } = {}): Layout {
  const labelled = shown.nodes.length <= (options.labelNodesUpTo ?? 250);
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: labelled ? 40 : 70, edgesep: 8, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({ width: 0, height: 0, labelpos: 'c', minlen: 1, weight: 1 }));
  for (const n of shown.nodes) g.setNode(n.id, { width: nodeWidth(n), height: NODE_HEIGHT });
  for (const e of shown.edges) {
    if (e.from === e.to) continue; // a self-loop is drawn by the renderer
    const text = labelled && e.label !== '' ? e.label : '';
    g.setEdge(e.from, e.to, { width: text.length * LABEL_CHAR, height: text ? 14 : 0, labelpos: 'c', minlen: 1, weight: e.kind === 'dead-letter' ? 2 : 1 }, e.id);
  }
  dagre.layout(g);

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
      const top = from.y - from.height / 2;
      const points = [
        { x: from.x + 20, y: top },
        { x: from.x + 30, y: top - 22 },
        { x: from.x - 30, y: top - 22 },
        { x: from.x - 20, y: top },
      ];
      edges.set(e.id, { points, label: { x: from.x, y: top - 28 } });
      continue;
    }
    const at = g.edge({ v: e.from, w: e.to, name: e.id });
    const points = at.points ?? [
      { x: from.x, y: from.y },
      { x: to.x, y: to.y },
    ];
    const label = labelled && at.x !== undefined && at.y !== undefined ? { x: at.x, y: at.y } : midpoint(points);
    edges.set(e.id, { points, label });
  }
  const graph = g.graph();
  return { nodes, edges, width: graph.width ?? 0, height: graph.height ?? 0 };
}

function midpoint(points: Point[]): Point | null {
  if (points.length === 0) return null;
  if (points.length % 2 === 1) return points[(points.length - 1) / 2]!;
  const a = points[points.length / 2 - 1]!;
  const b = points[points.length / 2]!;
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/** A smooth SVG path through dagre's points (straight ends, rounded bends). */
export function edgePath(points: Point[]): string {
  const [first, ...rest] = points;
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
