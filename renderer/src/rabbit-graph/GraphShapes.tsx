import type { KeyboardEvent, MouseEvent } from 'react';
import { displayName, nodeAriaLabel, nodeSubline, type EdgeKind, type GraphEdge, type GraphNode } from './graph-model';
import { edgePath, type EdgeRoute, type NodeBox } from './graph-layout';

/** The SVG for one node, one edge, the arrowheads and the legend. No state. */

export const EDGE_KINDS: { kind: EdgeKind; label: string }[] = [
  { kind: 'binding', label: 'binding' },
  { kind: 'e2e', label: 'exchange → exchange' },
  { kind: 'alternate', label: 'alternate' },
  { kind: 'dead-letter', label: 'dead letters' },
];

/** The name tests and people find a node by: the unbound-queues group is `unbound`. */
export const testName = (node: GraphNode) => (node.kind === 'group' ? 'unbound' : node.name);

/** 11px monospace: about 6.6px a character, plus a little air. */
const labelWidth = (text: string) => text.length * 6.6 + 6;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s);

export function Markers({ prefix }: { prefix: string }) {
  return (
    <defs>
      {[...EDGE_KINDS.map((k) => k.kind), 'highlighted'].map((kind) => (
        <marker key={kind} id={`${prefix}-arrow-${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
          <path d="M0,1 L10,5 L0,9 z" className={`tg-arrow tg-arrow-${kind}`} />
        </marker>
      ))}
    </defs>
  );
}

export function NodeView(props: {
  node: GraphNode;
  box: NodeBox;
  highlighted: boolean;
  selected: boolean;
  match: boolean;
  current: boolean;
  nodeRef(el: SVGGElement | null): void;
  onClick(e: MouseEvent<SVGGElement>): void;
  onDoubleClick(e: MouseEvent<SVGGElement>): void;
  onKeyDown(e: KeyboardEvent<SVGGElement>): void;
}) {
  const { node, box } = props;
  const absent = node.kind !== 'group' && node.absent !== null;
  const classes = ['tg-node', `tg-${node.kind}`];
  if (node.kind === 'exchange' && node.dlx) classes.push('is-dlx');
  if (node.kind === 'queue' && node.dlq) classes.push('is-dlq');
  if (absent) classes.push('is-absent');
  if (props.highlighted) classes.push('is-highlighted');
  if (props.selected) classes.push('is-selected');
  if (props.match) classes.push('is-match');
  if (props.current) classes.push('is-current');
  const chars = Math.floor((box.width - 20) / 6.8);
  return (
    <g
      ref={props.nodeRef}
      className={classes.join(' ')}
      transform={`translate(${box.x - box.width / 2},${box.y - box.height / 2})`}
      data-node-id={node.id}
      data-testid={`graph-node-${node.kind}-${testName(node)}`}
      data-highlighted={props.highlighted ? 'true' : undefined}
      data-match={props.match ? 'true' : undefined}
      role="button"
      tabIndex={0}
      aria-label={nodeAriaLabel(node)}
      aria-pressed={node.kind === 'group' ? undefined : props.selected}
      onClick={props.onClick}
      onDoubleClick={props.onDoubleClick}
      onKeyDown={props.onKeyDown}
    >
      <title>{node.kind === 'group' ? node.name : `${node.kind} ${displayName(node)}`}</title>
      <rect className="tg-box" width={box.width} height={box.height} rx={node.kind === 'exchange' ? 12 : 3} />
      {node.kind === 'exchange' && <rect className="tg-stripe" x={0} y={8} width={3} height={box.height - 16} rx={1.5} />}
      <text className="tg-name" x={10} y={16}>
        {clip(displayName(node), chars)}
      </text>
      <text className="tg-sub" x={10} y={30}>
        {clip(nodeSubline(node), Math.floor((box.width - 20) / 5.9))}
      </text>
    </g>
  );
}

export function EdgeView(props: { edge: GraphEdge; route: EdgeRoute; fromName: string; toName: string; highlighted: boolean; prefix: string }) {
  const { edge, route } = props;
  const classes = ['tg-edge', `tg-edge-${edge.kind}`];
  if (props.highlighted) classes.push('is-highlighted');
  return (
    <g className={classes.join(' ')} data-testid={`graph-edge-${props.fromName}->${props.toName}`} data-kind={edge.kind} data-highlighted={props.highlighted ? 'true' : undefined}>
      <title>{`${edge.kind === 'dead-letter' ? 'dead letters' : edge.kind === 'e2e' ? 'exchange binding' : edge.kind}: ${edge.detail.join('; ') || '(any key)'}`}</title>
      <path className="tg-line" d={edgePath(route)} markerEnd={`url(#${props.prefix}-arrow-${props.highlighted ? 'highlighted' : edge.kind})`} />
      {edge.label !== '' && route.label && (
        <>
          <rect className="tg-label-bg" x={route.label.x - labelWidth(edge.label) / 2} y={route.label.y - 7} width={labelWidth(edge.label)} height={14} rx={3} />
          <text className="tg-label" x={route.label.x} y={route.label.y} textAnchor="middle" dominantBaseline="central">
            {edge.label}
          </text>
        </>
      )}
    </g>
  );
}

export function Legend() {
  return (
    <ul className="tg-legend" aria-label="Edge styles">
      {EDGE_KINDS.map(({ kind, label }) => (
        <li key={kind}>
          <svg width="22" height="8" aria-hidden="true" className={`tg-edge tg-edge-${kind}`}>
            <line className="tg-line" x1="1" y1="4" x2="21" y2="4" />
          </svg>
          {label}
        </li>
      ))}
    </ul>
  );
}
