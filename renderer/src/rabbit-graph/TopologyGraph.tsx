import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { buildGraph, displayName, nodeId, type GraphNode, type NodeRef, type RabbitTopologyData } from './graph-model';
import { layoutCached, type Layout, type NodeBox } from './graph-layout';
import { collapseUnbound, deadLetterHighlight, mapHighlight, neighbourhood, routeHighlight, searchNodes, subgraph, type Collapsed, type Highlight, type RoutePath } from './graph-views';
import { EdgeView, Markers, NodeView, testName } from './GraphShapes';
import { GraphToolbar } from './GraphToolbar';
import { useViewport } from './useViewport';

export type { RabbitTopologyData, NodeRef } from './graph-model';

export type TopologyGraphProps = {
  topology: RabbitTopologyData;
  /** Show this node's neighbourhood (FOCUS_HOPS), or the whole vhost when null. */
  focus?: NodeRef | null;
  /** The selected node: its dead-letter path is highlighted. Leave it undefined to let the graph keep its own selection. */
  highlight?: NodeRef | null;
  /** A click, Enter or Space on a node. */
  onSelect?(node: NodeRef): void;
  /** A routing answer's paths (exchange names, then the queue) to highlight. */
  route?: RoutePath[] | null;
};

/** How far a neighbourhood reaches, in edges either way. */
export const FOCUS_HOPS = 2;
/** Below this zoom, edge labels are too small to read and are hidden. */
const FAR = 0.5;
/** Past this many nodes, queues with no binding are drawn as one node. */
export const COLLAPSE_OVER = 150;
/** Past this many nodes a layout takes seconds and the drawing cannot be read: the graph asks for a neighbourhood instead. */
export const MAX_DRAWN = 1500;
const NO_LAYOUT: Layout = { nodes: new Map(), edges: new Map(), width: 0, height: 0, full: true };

const ARROWS: Record<string, { x: number; y: number }> = { ArrowRight: { x: 1, y: 0 }, ArrowLeft: { x: -1, y: 0 }, ArrowDown: { x: 0, y: 1 }, ArrowUp: { x: 0, y: -1 } };

/** The node nearest `from` in a direction (straight ahead counts more than sideways). */
function neighbourIn(from: NodeBox, dir: { x: number; y: number }, boxes: Map<string, NodeBox>, self: string): string | null {
  let best: string | null = null;
  let bestScore = Infinity;
  for (const [id, b] of boxes) {
    if (id === self) continue;
    const ahead = (b.x - from.x) * dir.x + (b.y - from.y) * dir.y;
    if (ahead <= 0) continue;
    const aside = Math.abs((b.x - from.x) * dir.y + (b.y - from.y) * dir.x);
    const score = ahead + aside * 3;
    if (score < bestScore) {
      bestScore = score;
      best = id;
    }
  }
  return best;
}

const union = (parts: Highlight[]): Highlight => ({ nodes: new Set(parts.flatMap((p) => [...p.nodes])), edges: new Set(parts.flatMap((p) => [...p.edges])) });
const sameRef = (a: NodeRef | null | undefined, b: NodeRef | null | undefined) => (a ?? null)?.kind === (b ?? null)?.kind && (a ?? null)?.name === (b ?? null)?.name;

/**
 * A vhost's exchanges and queues as a left-to-right graph (dagre), drawn in SVG: bindings labelled
 * with their keys, exchange-to-exchange bindings, alternates and dead-letter links in their own
 * styles. Pan by dragging, zoom with the wheel or the buttons; search, focus a neighbourhood
 * (double-click), and past COLLAPSE_OVER nodes the unbound queues fold into one node.
 */
export function TopologyGraph(props: TopologyGraphProps) {
  const { topology, onSelect } = props;
  const model = useMemo(() => buildGraph(topology), [topology]);

  // A double-click focuses a neighbourhood until the caller's focus changes or "Show all".
  const [localFocus, setLocalFocus] = useState<{ ref: NodeRef | null; over: NodeRef | null | undefined } | null>(null);
  const focus = localFocus && sameRef(localFocus.over, props.focus) ? localFocus.ref : (props.focus ?? null);
  const focusId = focus && model.byId.has(nodeId(focus)) ? nodeId(focus) : null;

  const [ownSelection, setOwnSelection] = useState<NodeRef | null>(null);
  const selected = props.highlight !== undefined ? props.highlight : ownSelection;
  const selectedId = selected ? nodeId(selected) : null;

  const [expanded, setExpanded] = useState(false);
  const [query, setQuery] = useState('');
  const [matchAt, setMatchAt] = useState(0);

  const visible = useMemo(() => (focusId ? subgraph(model, neighbourhood(model, focusId, FOCUS_HOPS)) : model), [model, focusId]);
  const drawn: Collapsed = useMemo(() => {
    const keep = new Set(focusId ? [focusId] : []);
    return expanded ? { ...visible, memberOf: new Map(), edgeOf: new Map() } : collapseUnbound(visible, COLLAPSE_OVER, keep);
  }, [visible, expanded, focusId]);
  const grouped = useMemo(() => collapseUnbound(visible, COLLAPSE_OVER, new Set(focusId ? [focusId] : [])).memberOf.size > 0, [visible, focusId]);
  const drawnById = useMemo(() => new Map(drawn.nodes.map((n) => [n.id, n])), [drawn]);
  const tooMany = drawn.nodes.length > MAX_DRAWN;
  const layout = useMemo(() => (tooMany ? NO_LAYOUT : layoutCached(drawn)), [drawn, tooMany]);
  const order = useMemo(
    () => [...drawn.nodes].sort((a, b) => (layout.nodes.get(a.id)?.x ?? 0) - (layout.nodes.get(b.id)?.x ?? 0) || (layout.nodes.get(a.id)?.y ?? 0) - (layout.nodes.get(b.id)?.y ?? 0)),
    [drawn, layout],
  );

  const { route } = props;
  const lit = useMemo(() => {
    const parts: Highlight[] = [];
    if (selected) parts.push(deadLetterHighlight(model, selected));
    if (route && route.length > 0) parts.push(routeHighlight(model, route));
    return mapHighlight(union(parts), drawn);
  }, [model, drawn, selected, route]);

  const matches = useMemo(() => searchNodes(drawn, model, query), [drawn, model, query]);
  const current = matches.length > 0 ? matches[((matchAt % matches.length) + matches.length) % matches.length]! : null;
  const matchSet = useMemo(() => new Set(matches), [matches]);

  const svgRef = useRef<SVGSVGElement>(null);
  const { view, zoomBy, fit, centreOn, reveal, pointer } = useViewport(svgRef);
  const nodeEls = useRef(new Map<string, SVGGElement>());
  const prefix = `tg${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;

  // Fit when the set of drawn nodes changes (a new vhost, a focus, a group opened), not on every refresh.
  const fittedFor = useRef<string | null>(null);
  const signature = useMemo(() => drawn.nodes.map((n) => n.id).join('\n'), [drawn]);
  useLayoutEffect(() => {
    if (fittedFor.current === signature) return;
    fittedFor.current = signature;
    fit(layout);
  }, [signature, layout, fit]);

  // The search's current match goes to the middle.
  useEffect(() => {
    const box = current ? layout.nodes.get(current) : undefined;
    if (box) centreOn(box);
  }, [current, layout, centreOn]);

  const select = (node: GraphNode) => {
    if (node.kind === 'group') {
      setExpanded(true);
      return;
    }
    const ref: NodeRef = { kind: node.kind, name: node.name };
    if (props.highlight === undefined) setOwnSelection(ref);
    onSelect?.(ref);
  };
  const focusOn = (node: GraphNode) => {
    if (node.kind === 'group') return;
    setLocalFocus({ ref: { kind: node.kind, name: node.name }, over: props.focus ?? null });
  };
  const onNodeKey = (node: GraphNode, e: KeyboardEvent<SVGGElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      select(node);
      return;
    }
    const dir = ARROWS[e.key];
    const box = layout.nodes.get(node.id);
    if (!dir || !box) return;
    e.preventDefault();
    const to = neighbourIn(box, dir, layout.nodes, node.id);
    const target = to ? layout.nodes.get(to) : undefined;
    if (!to || !target) return;
    nodeEls.current.get(to)?.focus();
    reveal(target);
  };

  const exchanges = drawn.nodes.filter((n) => n.kind === 'exchange').length;
  const queues = drawn.nodes.length - exchanges;
  const counts = `${exchanges} exchange${exchanges === 1 ? '' : 's'} · ${queues} queue${queues === 1 ? '' : 's'}${topology.more ? ' (first page)' : ''}`;
  const focusNode = focusId ? model.byId.get(focusId) : undefined;

  return (
    <div className={`tg${lit.nodes.size > 0 ? ' has-highlight' : ''}${view.k < FAR ? ' is-far' : ''}`}>
      <GraphToolbar
        query={query}
        onQuery={(q) => {
          setQuery(q);
          setMatchAt(0);
        }}
        matches={matches.length}
        current={matches.length > 0 ? ((matchAt % matches.length) + matches.length) % matches.length : 0}
        onNextMatch={(step) => {
          const node = current ? drawnById.get(current) : undefined;
          if (tooMany && node) focusOn(node);
          else setMatchAt((i) => i + step);
        }}
        onZoom={(f) => zoomBy(f)}
        onFit={() => fit(layout)}
        focusLabel={focusNode ? `${focusNode.kind} ${displayName(focusNode)}` : null}
        onShowAll={() => setLocalFocus({ ref: null, over: props.focus ?? null })}
        canRegroup={expanded && grouped}
        onRegroup={() => setExpanded(false)}
        counts={counts}
      />
      {tooMany && (
        <div className="tg-notice" role="status">
          <p>
            {drawn.nodes.length.toLocaleString()} nodes are more than a graph can show readably ({MAX_DRAWN.toLocaleString()}). Find a queue or exchange and press Enter to see its neighbourhood.
          </p>
          {matches.length > 0 && (
            <ul>
              {matches.slice(0, 12).map((id) => {
                const node = drawnById.get(id);
                if (!node || node.kind === 'group') return null;
                return (
                  <li key={id}>
                    <button type="button" className="btn small" onClick={() => focusOn(node)}>
                      Show around {node.kind} {displayName(node)}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
      {drawn.nodes.length === 0 && <p className="tg-empty muted">No exchanges or queues in {topology.vhost} (the default exchange&apos;s bindings are not drawn).</p>}
      <svg ref={svgRef} className="tg-canvas" role="group" aria-label={`Topology of ${topology.vhost}`} {...pointer}>
        <Markers prefix={prefix} />
        <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
          <g className="tg-edges">
            {drawn.edges.map((e) => {
              const routeOf = layout.edges.get(e.id);
              const from = drawnById.get(e.from);
              const to = drawnById.get(e.to);
              if (!routeOf || !from || !to) return null;
              return <EdgeView key={e.id} edge={e} route={routeOf} fromName={testName(from)} toName={testName(to)} highlighted={lit.edges.has(e.id)} prefix={prefix} />;
            })}
          </g>
          <g className="tg-nodes">
            {order.map((n) => {
              const box = layout.nodes.get(n.id);
              if (!box) return null;
              return (
                <NodeView
                  key={n.id}
                  node={n}
                  box={box}
                  highlighted={lit.nodes.has(n.id)}
                  selected={n.id === selectedId}
                  match={matchSet.has(n.id)}
                  current={n.id === current}
                  nodeRef={(el) => {
                    if (el) nodeEls.current.set(n.id, el);
                    else nodeEls.current.delete(n.id);
                  }}
                  onClick={() => select(n)}
                  onDoubleClick={() => focusOn(n)}
                  onKeyDown={(e) => onNodeKey(n, e)}
                />
              );
            })}
          </g>
        </g>
      </svg>
    </div>
  );
}
