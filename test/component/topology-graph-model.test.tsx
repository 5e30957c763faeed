import { describe, expect, it } from 'vitest';
import { buildGraph, headersSummary, nodeAriaLabel, type RabbitTopologyData } from '../../renderer/src/rabbit-graph/graph-model';
import { edgePath, layoutGraph, skeleton } from '../../renderer/src/rabbit-graph/graph-layout';
import { exchange, queue } from './rabbit-topology-parts';
import { GROUP_ID, collapseUnbound, deadLetterHighlight, mapHighlight, neighbourhood, routeHighlight, searchNodes, subgraph } from '../../renderer/src/rabbit-graph/graph-views';

/** The pure half of the graph: the model built from a topology, its views and the layout. */

type Parts = Partial<Pick<RabbitTopologyData, 'exchanges' | 'queues' | 'bindings' | 'deadLetterLinks' | 'more'>>;
const x = (name: string, type = 'direct', alternate: string | null = null) => exchange(name, type, { alternate: alternate ? { name: alternate, setBy: 'policy' } : null });
const q = (name: string, messages = 0) => queue(name, 'classic', messages);
const b = (source: string, destination: string, routingKey = '', destinationType: 'queue' | 'exchange' = 'queue') => ({ source, destination, destinationType, routingKey, arguments: {} });
const dl = (from: string, exchange: string, to: string[], routingKey: string | null = null) => ({ from, exchange, routingKey, setBy: 'argument' as const, to });
function topology(parts: Parts): RabbitTopologyData {
  const exchanges = parts.exchanges ?? [];
  const queues = parts.queues ?? [];
  const bindings = parts.bindings ?? [];
  const n = { exchanges: exchanges.length, queues: queues.length, bindings: bindings.length };
  return { vhost: '/', exchanges, queues, bindings, policies: [], deadLetterLinks: parts.deadLetterLinks ?? [], totals: n, matched: n, more: parts.more ?? false, missing: [], elapsedMs: 1 };
}

describe('buildGraph', () => {
  it('makes a node per exchange and queue, one edge per pair and kind, and leaves out the default exchange', () => {
    const m = buildGraph(
      topology({
        exchanges: [x(''), x('orders', 'topic', 'unrouted'), x('unrouted', 'fanout'), x('in', 'topic')],
        queues: [q('work', 2), q('all')],
        bindings: [
          b('', 'work', 'work'),
          b('orders', 'work', 'a.*'),
          b('orders', 'work', 'b.#'),
          b('orders', 'work', 'a.*'),
          b('unrouted', 'all', 'ignored'),
          b('in', 'orders', '#', 'exchange'),
          b('orders', 'all', ''),
        ],
      }),
    );
    expect(m.nodes.map((n) => n.id).sort()).toEqual(['q:all', 'q:work', 'x:in', 'x:orders', 'x:unrouted']);
    const byId = Object.fromEntries(m.edges.map((e) => [e.id, e]));
    expect(Object.keys(byId).sort()).toEqual(['alternate:x:orders->x:unrouted', 'binding:x:orders->q:all', 'binding:x:orders->q:work', 'binding:x:unrouted->q:all', 'e2e:x:in->x:orders']);
    expect(byId['binding:x:orders->q:work']).toMatchObject({ label: 'a.* +1', detail: ['a.*', 'b.#'] });
    expect(byId['binding:x:unrouted->q:all']!.label).toBe(''); // a fanout ignores keys
    expect(byId['binding:x:orders->q:all']!.label).toBe('(empty key)');
    expect(byId['alternate:x:orders->x:unrouted']).toMatchObject({ label: 'alternate', detail: ['alternate exchange (set by policy)'] });
  });

  it('summarises a headers binding by its x-match and headers', () => {
    expect(headersSummary({ 'x-match': 'any', format: 'pdf', size: 3 })).toBe('any: format=pdf, size=3');
    expect(headersSummary({})).toBe('all: (no headers)');
    const m = buildGraph(topology({ exchanges: [x('h', 'headers')], queues: [q('pdf')], bindings: [{ ...b('h', 'pdf'), arguments: { 'x-match': 'all-with-x', format: 'pdf' } }] }));
    expect(m.edges[0]!.label).toBe('all-with-x: format=pdf');
  });

  it('draws dead-letter links, marks DLX and DLQ, and shows a missing DLX as missing', () => {
    const m = buildGraph(
      topology({
        exchanges: [x('dlx', 'fanout')],
        queues: [q('work'), q('dlq', 3), q('lost')],
        bindings: [b('dlx', 'dlq')],
        deadLetterLinks: [dl('work', 'dlx', ['dlq'], 'failed'), dl('lost', 'nowhere', [])],
      }),
    );
    expect(m.edges.find((e) => e.id === 'dead-letter:q:work->x:dlx')).toMatchObject({ kind: 'dead-letter', label: 'failed' });
    expect(m.byId.get('x:dlx')).toMatchObject({ dlx: true, absent: null });
    expect(m.byId.get('q:dlq')).toMatchObject({ dlq: true });
    expect(m.byId.get('x:nowhere')).toMatchObject({ kind: 'exchange', absent: 'missing' });
    expect(nodeAriaLabel(m.byId.get('x:nowhere')!)).toBe('exchange nowhere, ?, dead-letter exchange, missing: not declared');
    expect(nodeAriaLabel(m.byId.get('q:dlq')!)).toBe('queue dlq, classic, 3 messages, receives dead letters');
    // A listing cut to a page cannot tell a missing exchange from one on another page.
    expect(buildGraph(topology({ queues: [q('lost')], deadLetterLinks: [dl('lost', 'nowhere', [])], more: true })).byId.get('x:nowhere')).toMatchObject({ absent: 'not-listed' });
  });

  it('draws the default exchange as a DLX, with its implicit binding to the queue it dead-letters to', () => {
    const m = buildGraph(
      topology({ exchanges: [x('')], queues: [q('work'), q('parked')], bindings: [b('', 'work', 'work'), b('', 'parked', 'parked')], deadLetterLinks: [dl('work', '', ['parked'], 'parked')] }),
    );
    expect(m.edges.map((e) => e.id).sort()).toEqual(['binding:x:->q:parked', 'dead-letter:q:work->x:']);
    expect(nodeAriaLabel(m.byId.get('x:')!)).toBe('exchange (AMQP default), direct, dead-letter exchange');
  });
});

describe('views of the model', () => {
  // in → orders → work ⇢ dlx → dlq ⇢ dlx2 → parking; other → lone
  const m = buildGraph(
    topology({
      exchanges: [x('in', 'topic'), x('orders', 'topic'), x('dlx', 'fanout'), x('dlx2', 'fanout'), x('other')],
      queues: [q('work'), q('dlq'), q('parking'), q('lone'), q('quiet')],
      bindings: [b('in', 'orders', '#', 'exchange'), b('orders', 'work', 'order.*'), b('dlx', 'dlq'), b('dlx2', 'parking'), b('other', 'lone', 'x')],
      deadLetterLinks: [dl('work', 'dlx', ['dlq']), dl('dlq', 'dlx2', ['parking'])],
    }),
  );

  it('a neighbourhood reaches N edges either way', () => {
    expect([...neighbourhood(m, 'q:dlq', 1)].sort()).toEqual(['q:dlq', 'x:dlx', 'x:dlx2']);
    expect([...neighbourhood(m, 'q:dlq', 2)].sort()).toEqual(['q:dlq', 'q:parking', 'q:work', 'x:dlx', 'x:dlx2']);
    const shown = subgraph(m, neighbourhood(m, 'q:dlq', 1));
    expect(shown.edges.map((e) => e.id).sort()).toEqual(['binding:x:dlx->q:dlq', 'dead-letter:q:dlq->x:dlx2']);
  });

  it('a queue’s dead-letter path goes on as far as dead letters go, and one step back', () => {
    const h = deadLetterHighlight(m, { kind: 'queue', name: 'work' });
    expect([...h.nodes].sort()).toEqual(['q:dlq', 'q:parking', 'q:work', 'x:dlx', 'x:dlx2']);
    expect([...h.edges].sort()).toEqual(['binding:x:dlx->q:dlq', 'binding:x:dlx2->q:parking', 'dead-letter:q:dlq->x:dlx2', 'dead-letter:q:work->x:dlx']);
    const fromDlq = deadLetterHighlight(m, { kind: 'queue', name: 'dlq' });
    expect([...fromDlq.nodes].sort()).toEqual(['q:dlq', 'q:parking', 'q:work', 'x:dlx', 'x:dlx2']);
    const dlx = deadLetterHighlight(m, { kind: 'exchange', name: 'dlx' });
    expect([...dlx.nodes].sort()).toEqual(['q:dlq', 'q:work', 'x:dlx']);
    expect(deadLetterHighlight(m, { kind: 'queue', name: 'lone' }).edges.size).toBe(0);
  });

  it('a dead-letter cycle ends where it began', () => {
    const cycle = buildGraph(topology({ exchanges: [x('dlx', 'fanout')], queues: [q('a')], bindings: [b('dlx', 'a')], deadLetterLinks: [dl('a', 'dlx', ['a'])] }));
    expect([...deadLetterHighlight(cycle, { kind: 'queue', name: 'a' }).edges].sort()).toEqual(['binding:x:dlx->q:a', 'dead-letter:q:a->x:dlx']);
  });

  it('a routing answer lights its exchanges, queue and the edges between, as the answer words them', () => {
    const h = routeHighlight(m, [{ queue: 'work', path: ['in', 'orders', 'work'] }]);
    expect([...h.edges].sort()).toEqual(['binding:x:orders->q:work', 'e2e:x:in->x:orders']);
    const alt = buildGraph(topology({ exchanges: [x('a', 'direct', 'b'), x('b', 'fanout')], queues: [q('c')], bindings: [b('b', 'c')] }));
    expect([...routeHighlight(alt, [{ queue: 'c', path: ['a', 'b (alternate)', 'c'] }]).edges].sort()).toEqual(['alternate:x:a->x:b', 'binding:x:b->q:c']);
  });

  it('past the threshold, queues nothing routes to fold into one node that keeps their dead-letter links', () => {
    expect(collapseUnbound(m, 100, new Set()).nodes).toHaveLength(m.nodes.length);
    const more = buildGraph(
      topology({
        exchanges: [x('dlx', 'fanout')],
        queues: [q('a'), q('b'), q('c'), q('dlq')],
        bindings: [b('dlx', 'dlq')],
        deadLetterLinks: [dl('a', 'dlx', ['dlq']), dl('b', 'dlx', ['dlq'])],
      }),
    );
    const folded = collapseUnbound(more, 3, new Set(['q:c']));
    expect(folded.nodes.map((n) => n.id).sort()).toEqual([GROUP_ID, 'q:c', 'q:dlq', 'x:dlx']);
    expect(folded.nodes.find((n) => n.id === GROUP_ID)).toMatchObject({ kind: 'group', name: '2 unbound queues', members: ['q:a', 'q:b'] });
    expect(folded.edges.find((e) => e.from === GROUP_ID)).toMatchObject({ kind: 'dead-letter', label: '2 queues', detail: ['a: (original key)', 'b: (original key)'] });
    const lit = mapHighlight(deadLetterHighlight(more, { kind: 'queue', name: 'a' }), folded);
    expect([...lit.nodes].sort()).toEqual([GROUP_ID, 'q:dlq', 'x:dlx']);
    expect([...lit.edges].sort()).toEqual(['binding:x:dlx->q:dlq', `dead-letter:${GROUP_ID}->x:dlx`]);
    expect(searchNodes(folded, more, 'B')).toEqual([GROUP_ID]);
    expect(searchNodes(folded, more, 'dl')).toEqual(['x:dlx', 'q:dlq']);
  });
});

describe('layout', () => {
  it('lays a small graph out left to right with every edge and label placed by dagre', () => {
    const m = buildGraph(topology({ exchanges: [x('in', 'topic'), x('orders', 'topic')], queues: [q('work')], bindings: [b('in', 'orders', '#', 'exchange'), b('orders', 'work', 'order.*')] }));
    const l = layoutGraph(m);
    expect(l.full).toBe(true);
    const at = (id: string) => l.nodes.get(id)!.x;
    expect(at('x:in')).toBeLessThan(at('x:orders'));
    expect(at('x:orders')).toBeLessThan(at('q:work'));
    const edge = l.edges.get('binding:x:orders->q:work')!;
    expect(edge.label).not.toBeNull();
    expect(edgePath(edge)).toMatch(/^M[\d.]+,[\d.]+/);
  });

  it('lays a large graph out by its skeleton and draws the other edges as curves', () => {
    const exchanges = Array.from({ length: 20 }, (_, i) => x(`ex.${i}`, 'topic'));
    const queues = Array.from({ length: 80 }, (_, i) => q(`q.${i}`));
    const bindings = queues.flatMap((qq, i) => [b(`ex.${i % 20}`, qq.name, 'a'), b(`ex.${(i * 7) % 20}`, qq.name, 'b'), b(`ex.${(i * 3) % 20}`, qq.name, 'c')]);
    const m = buildGraph(topology({ exchanges, queues, bindings }));
    const placed = skeleton(m.edges);
    expect(placed.size).toBe(80); // one incoming edge per queue
    const l = layoutGraph(m);
    expect(l.full).toBe(false);
    expect(l.edges.size).toBe(m.edges.length);
    const curves = [...l.edges.values()].filter((e) => e.cubic);
    expect(curves.length).toBe(m.edges.length - placed.size);
    expect(edgePath(curves[0]!)).toMatch(/^M[\d.-]+,[\d.-]+C/);
  });
});
