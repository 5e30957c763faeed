import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { RabbitTopology } from '../../src/api/contract-rabbit';
import { TopologyGraph, type RabbitTopologyData } from '../../renderer/src/rabbit-graph/TopologyGraph';
import { exchange, queue } from './rabbit-topology-parts';

const bind = (source: string, destination: string, routingKey: string, destinationType: 'queue' | 'exchange' = 'queue', args: Record<string, string> = {}) => ({
  source,
  destination,
  destinationType,
  routingKey,
  arguments: args,
});

/**
 * An order service: `events` feeds `orders` (exchange to exchange), `orders` has an alternate for
 * what matches nothing, `orders.work` dead-letters to `dlx` by a policy, `dlx` feeds `orders.dlq`,
 * `reports` is a headers exchange with `x-match any`; `idle` has only the default binding.
 */
const shop: RabbitTopologyData = RabbitTopology.parse({
  vhost: 'shop',
  exchanges: [
    exchange('', 'direct'),
    exchange('events', 'topic'),
    exchange('orders', 'topic', { alternate: { name: 'orders.unrouted', setBy: 'argument' }, arguments: { 'alternate-exchange': 'orders.unrouted' } }),
    exchange('orders.unrouted', 'fanout', { internal: true }),
    exchange('dlx', 'fanout'),
    exchange('reports', 'headers'),
  ],
  queues: [
    queue('orders.work', 'quorum', 5, { policy: 'orders-dlx', effective: [{ key: 'dead-letter-exchange', value: 'dlx', source: 'policy' }] }),
    queue('orders.dlq', 'classic', 3),
    queue('orders.unrouted.q', 'classic', 0),
    queue('reports.pdf', 'classic', 1),
    queue('idle', 'stream', 0),
  ],
  bindings: [
    bind('', 'orders.work', 'orders.work'),
    bind('', 'orders.dlq', 'orders.dlq'),
    bind('', 'idle', 'idle'),
    bind('events', 'orders', 'order.#', 'exchange'),
    bind('orders', 'orders.work', 'order.created.*'),
    bind('orders', 'orders.work', 'order.updated.*'),
    bind('orders.unrouted', 'orders.unrouted.q', ''),
    bind('dlx', 'orders.dlq', ''),
    bind('reports', 'reports.pdf', '', 'queue', { 'x-match': 'any', format: 'pdf', type: 'report' }),
  ],
  policies: [{ name: 'orders-dlx', pattern: '^orders\\.work$', applyTo: 'queues', priority: 0, definition: { 'dead-letter-exchange': 'dlx' }, operator: false }],
  deadLetterLinks: [{ from: 'orders.work', exchange: 'dlx', routingKey: null, setBy: 'policy', to: ['orders.dlq'] }],
  totals: { exchanges: 6, queues: 5, bindings: 9 },
  matched: { exchanges: 6, queues: 5, bindings: 9 },
  more: false,
  missing: [],
  elapsedMs: 4,
});

const node = (kind: 'queue' | 'exchange' | 'group', name: string) => screen.getByTestId(`graph-node-${kind}-${name}`);
const edge = (from: string, to: string) => screen.getByTestId(`graph-edge-${from}->${to}`);
const lit = (el: HTMLElement | SVGElement) => el.getAttribute('data-highlighted') === 'true';

describe('TopologyGraph', () => {
  it('draws exchanges and queues, and bindings labelled with their keys, leaving out the default exchange', () => {
    render(<TopologyGraph topology={shop} />);
    const graph = screen.getByRole('group', { name: 'Topology of shop' });
    expect(within(graph).getByRole('button', { name: /^queue orders\.dlq, classic, 3 messages/ })).toBe(node('queue', 'orders.dlq'));
    expect(node('exchange', 'orders').getAttribute('aria-label')).toBe('exchange orders, topic');
    expect(node('exchange', 'orders.unrouted').getAttribute('aria-label')).toBe('exchange orders.unrouted, fanout, internal');
    expect(node('queue', 'orders.work').getAttribute('aria-label')).toBe('queue orders.work, quorum, 5 messages');
    expect(node('queue', 'idle').textContent).toContain('stream');

    // Two keys between the same pair are one edge: the first key on it, both in its tooltip.
    expect(edge('orders', 'orders.work').getAttribute('data-kind')).toBe('binding');
    expect(edge('orders', 'orders.work').textContent).toContain('order.created.* +1');
    expect(edge('orders', 'orders.work').querySelector('title')?.textContent).toContain('order.updated.*');
    expect(edge('events', 'orders').getAttribute('data-kind')).toBe('e2e');
    expect(edge('events', 'orders').textContent).toContain('order.#');
    expect(edge('orders', 'orders.unrouted').getAttribute('data-kind')).toBe('alternate');
    expect(edge('orders', 'orders.unrouted').textContent).toContain('alternate');
    expect(edge('reports', 'reports.pdf').textContent).toContain('any: format=pdf, type=report');

    expect(screen.queryByTestId('graph-node-exchange-')).toBeNull();
    expect(screen.queryAllByTestId(/^graph-edge--/)).toHaveLength(0);
    expect(screen.getAllByTestId(/^graph-node-/)).toHaveLength(10);
  });

  it('draws a policy-defined dead-letter link in its own kind, labelled with the key dead letters keep', () => {
    render(<TopologyGraph topology={shop} />);
    const dl = edge('orders.work', 'dlx');
    expect(dl.getAttribute('data-kind')).toBe('dead-letter');
    expect(dl.textContent).toContain('(original key)');
    expect(dl.classList.contains('tg-edge-dead-letter')).toBe(true);
    expect(screen.getAllByTestId(/^graph-edge-/).filter((e) => e.getAttribute('data-kind') === 'dead-letter')).toHaveLength(1);
    expect(node('exchange', 'dlx').getAttribute('aria-label')).toBe('exchange dlx, fanout, dead-letter exchange');
  });

  it('selecting the DLQ highlights work queue → DLX → DLQ, and nothing else', async () => {
    const user = userEvent.setup();
    const onSelect = vi.fn();
    render(<TopologyGraph topology={shop} onSelect={onSelect} />);
    await user.click(node('queue', 'orders.dlq'));
    expect(onSelect).toHaveBeenCalledWith({ kind: 'queue', name: 'orders.dlq' });
    for (const n of [node('queue', 'orders.work'), node('exchange', 'dlx'), node('queue', 'orders.dlq')]) expect(lit(n)).toBe(true);
    expect(lit(edge('orders.work', 'dlx'))).toBe(true);
    expect(lit(edge('dlx', 'orders.dlq'))).toBe(true);
    expect(node('queue', 'orders.dlq').classList.contains('is-highlighted')).toBe(true);
    expect(lit(node('exchange', 'orders'))).toBe(false);
    expect(lit(edge('orders', 'orders.work'))).toBe(false);
    expect(screen.getAllByTestId(/^graph-/).filter(lit)).toHaveLength(5);
  });

  it('follows the caller’s highlight, and Enter or Space on a focused node selects it', async () => {
    const user = userEvent.setup();
    const onSelect = vi.fn();
    const { rerender } = render(<TopologyGraph topology={shop} highlight={{ kind: 'queue', name: 'orders.work' }} onSelect={onSelect} />);
    expect(lit(edge('orders.work', 'dlx'))).toBe(true);
    expect(lit(node('queue', 'orders.dlq'))).toBe(true);

    node('exchange', 'reports').focus();
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenLastCalledWith({ kind: 'exchange', name: 'reports' });
    await user.keyboard(' ');
    expect(onSelect).toHaveBeenCalledTimes(2);
    // Controlled: the highlight stays the caller's until it changes it.
    expect(lit(node('queue', 'orders.dlq'))).toBe(true);
    rerender(<TopologyGraph topology={shop} highlight={null} onSelect={onSelect} />);
    expect(screen.getAllByTestId(/^graph-/).filter(lit)).toHaveLength(0);
  });

  it('arrow keys move between nodes', async () => {
    const user = userEvent.setup();
    render(<TopologyGraph topology={shop} />);
    node('exchange', 'events').focus();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(node('exchange', 'orders'));
  });

  it('highlights a routing answer’s path', () => {
    render(<TopologyGraph topology={shop} route={[{ queue: 'orders.work', path: ['events', 'orders', 'orders.work'] }]} />);
    expect(lit(edge('events', 'orders'))).toBe(true);
    expect(lit(edge('orders', 'orders.work'))).toBe(true);
    expect(lit(node('queue', 'orders.work'))).toBe(true);
    expect(lit(edge('orders.work', 'dlx'))).toBe(false);
  });

  it('focus shows only the node’s neighbourhood (two hops); a double-click focuses, Show all goes back', async () => {
    const user = userEvent.setup();
    const { rerender } = render(<TopologyGraph topology={shop} focus={{ kind: 'queue', name: 'orders.dlq' }} />);
    const shown = () =>
      screen
        .getAllByTestId(/^graph-node-/)
        .map((n) => n.getAttribute('data-testid'))
        .sort();
    expect(shown()).toEqual(['graph-node-exchange-dlx', 'graph-node-queue-orders.dlq', 'graph-node-queue-orders.work']);
    expect(screen.getByText('Around queue orders.dlq')).toBeTruthy();

    rerender(<TopologyGraph topology={shop} focus={null} />);
    expect(shown()).toHaveLength(10);
    await user.dblClick(node('exchange', 'reports'));
    expect(shown()).toEqual(['graph-node-exchange-reports', 'graph-node-queue-reports.pdf']);
    await user.click(screen.getByRole('button', { name: 'Show all' }));
    expect(shown()).toHaveLength(10);
  });

  it('the search box finds a node, marks it and says how many match', async () => {
    const user = userEvent.setup();
    render(<TopologyGraph topology={shop} />);
    await user.type(screen.getByRole('searchbox', { name: 'Find a node' }), 'PDF');
    expect(node('queue', 'reports.pdf').getAttribute('data-match')).toBe('true');
    expect(node('queue', 'orders.work').getAttribute('data-match')).toBeNull();
    expect(screen.getByText('1 of 1')).toBeTruthy();
    await user.clear(screen.getByRole('searchbox', { name: 'Find a node' }));
    await user.type(screen.getByRole('searchbox', { name: 'Find a node' }), 'orders.{Enter}');
    expect(screen.getByText('2 of 4')).toBeTruthy();
    expect(screen.getAllByTestId(/^graph-node-/).filter((n) => n.classList.contains('is-current'))).toHaveLength(1);
  });

  it('past 150 nodes, queues with no binding are one node that opens on click', async () => {
    const user = userEvent.setup();
    const big: RabbitTopologyData = {
      ...shop,
      exchanges: [...shop.exchanges, ...Array.from({ length: 20 }, (_, i) => exchange(`ex.${i}`, 'direct'))],
      queues: [...shop.queues, ...Array.from({ length: 60 }, (_, i) => queue(`bound.${i}`, 'classic', i)), ...Array.from({ length: 140 }, (_, i) => queue(`lonely.${i}`, 'classic', 0))],
      bindings: [
        ...shop.bindings,
        ...Array.from({ length: 60 }, (_, i) => bind(`ex.${i % 20}`, `bound.${i}`, `key.${i}`)),
        ...Array.from({ length: 140 }, (_, i) => bind('', `lonely.${i}`, `lonely.${i}`)),
      ],
    };
    render(<TopologyGraph topology={big} />);
    // 141 queues had no binding: `idle` and the 140 lonely ones.
    const group = node('group', 'unbound');
    expect(group.getAttribute('aria-label')).toBe('141 unbound queues, grouped; press Enter to show them');
    expect(screen.queryByTestId('graph-node-queue-lonely.7')).toBeNull();
    expect(node('queue', 'bound.7')).toBeTruthy();
    expect(screen.getAllByTestId(/^graph-node-/).length).toBe(5 + 20 + 4 + 60 + 1);

    // A search reaches into the group.
    await user.type(screen.getByRole('searchbox', { name: 'Find a node' }), 'lonely.13');
    expect(group.getAttribute('data-match')).toBe('true');

    await user.click(group);
    expect(node('queue', 'lonely.7')).toBeTruthy();
    expect(screen.queryByTestId('graph-node-group-unbound')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Group unbound queues' }));
    expect(node('group', 'unbound')).toBeTruthy();
  });

  it('past 1,500 nodes draws nothing and offers a neighbourhood found by search', async () => {
    const user = userEvent.setup();
    const huge: RabbitTopologyData = {
      ...shop,
      exchanges: Array.from({ length: 40 }, (_, i) => exchange(`ex.${i}`, 'direct')),
      queues: Array.from({ length: 1600 }, (_, i) => queue(`q.${i}`, 'classic', 0)),
      bindings: Array.from({ length: 1600 }, (_, i) => bind(`ex.${i % 40}`, `q.${i}`, `k.${i}`)),
      deadLetterLinks: [],
    };
    render(<TopologyGraph topology={huge} />);
    expect(screen.getByRole('status').textContent).toContain('1,640 nodes are more than a graph can show readably');
    expect(screen.queryAllByTestId(/^graph-node-/)).toHaveLength(0);
    await user.type(screen.getByRole('searchbox', { name: 'Find a node' }), 'q.1234{Enter}');
    // q.1234 is bound from ex.34: two hops reach ex.34's 40 queues.
    expect(node('queue', 'q.1234')).toBeTruthy();
    expect(screen.getAllByTestId(/^graph-node-/)).toHaveLength(41);
    expect(screen.getByText('Around queue q.1234')).toBeTruthy();
  });

  it('zooms with the buttons and the wheel, and pans by dragging the background', async () => {
    const user = userEvent.setup();
    render(<TopologyGraph topology={shop} />);
    const graph = screen.getByRole('group', { name: 'Topology of shop' });
    const layer = () => graph.querySelector(':scope > g')!.getAttribute('transform')!;
    const scale = () => Number(/scale\(([\d.]+)\)/.exec(layer())![1]);
    const before = scale();
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(scale()).toBeCloseTo(before * 1.25);
    act(() => {
      graph.dispatchEvent(new WheelEvent('wheel', { deltaY: 200, bubbles: true, cancelable: true }));
    });
    expect(scale()).toBeLessThan(before * 1.25);
    const moved = layer();
    await user.pointer([
      { keys: '[MouseLeft>]', target: graph, coords: { clientX: 10, clientY: 10 } },
      { target: graph, coords: { clientX: 60, clientY: 30 } },
      { keys: '[/MouseLeft]', target: graph },
    ]);
    expect(layer()).not.toBe(moved);
    expect(layer()).toMatch(/^translate\(-?[\d.]+,-?[\d.]+\)/);
  });
});
