import { describe, expect, it } from 'vitest';
import { headersMatch, route, topicMatches, type Topology } from '../../src/sources/rabbitmq/routing';

const queuesOf = (t: Topology, exchange: string, routingKey: string, headers?: Record<string, unknown>) => {
  const r = route(t, { exchange, routingKey, ...(headers ? { headers } : {}) });
  return r.ok ? r.routes.map((x) => x.queue).sort() : r.error;
};

describe('topic exchanges, as RabbitMQ tutorial 5 and its tests describe them', () => {
  // https://www.rabbitmq.com/tutorials/tutorial-five: Q1 *.orange.*, Q2 *.*.rabbit and lazy.#
  const t: Topology = {
    exchanges: [{ name: 'topic_logs', type: 'topic' }],
    queues: ['Q1', 'Q2'],
    bindings: [
      { source: 'topic_logs', destination: 'Q1', destinationType: 'queue', routingKey: '*.orange.*', arguments: {} },
      { source: 'topic_logs', destination: 'Q2', destinationType: 'queue', routingKey: '*.*.rabbit', arguments: {} },
      { source: 'topic_logs', destination: 'Q2', destinationType: 'queue', routingKey: 'lazy.#', arguments: {} },
    ],
  };
  it.each([
    ['quick.orange.rabbit', ['Q1', 'Q2']],
    ['lazy.orange.elephant', ['Q1', 'Q2']],
    ['quick.orange.fox', ['Q1']],
    ['lazy.brown.fox', ['Q2']],
    ['lazy.pink.rabbit', ['Q2']],
    ['quick.brown.fox', []],
    ['orange', []],
    ['quick.orange.new.rabbit', []],
    ['lazy.orange.new.rabbit', ['Q2']],
  ])('%s goes to %j', (key, expected) => {
    expect(queuesOf(t, 'topic_logs', key)).toEqual(expected);
  });

  it.each([
    ['#', '', true],
    ['#', 'a.b.c', true],
    ['*', '', false],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['a.#.b', 'a.b', true],
    ['a.#.b', 'a.x.y.b', true],
    ['a.#.b', 'a.x.y', false],
    ['#.b', 'b', true],
    ['a.*.#', 'a', false],
    ['a.*.#', 'a.b', true],
    ['a.#.#', 'a', true],
    ['', '', true],
    ['', 'a', false],
    ['a..b', 'a..b', true],
    ['a.*.b', 'a..b', true],
  ])('pattern %j against key %j: %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});

describe('direct, fanout, default and headers exchanges', () => {
  const t: Topology = {
    exchanges: [
      { name: 'd', type: 'direct' },
      { name: 'f', type: 'fanout' },
      { name: 'h', type: 'headers' },
    ],
    queues: ['a', 'b', 'c'],
    bindings: [
      { source: 'd', destination: 'a', destinationType: 'queue', routingKey: 'red', arguments: {} },
      { source: 'd', destination: 'b', destinationType: 'queue', routingKey: 'red', arguments: {} },
      { source: 'f', destination: 'c', destinationType: 'queue', routingKey: 'ignored', arguments: {} },
      { source: 'h', destination: 'a', destinationType: 'queue', routingKey: '', arguments: { 'x-match': 'all', format: 'pdf', type: 'report' } },
      { source: 'h', destination: 'b', destinationType: 'queue', routingKey: '', arguments: { 'x-match': 'any', format: 'zip', type: 'log' } },
      { source: 'h', destination: 'c', destinationType: 'queue', routingKey: '', arguments: { 'x-match': 'any-with-x', 'x-tenant': 'acme' } },
    ],
  };
  it('direct: exact keys only, to every queue bound with it', () => {
    expect(queuesOf(t, 'd', 'red')).toEqual(['a', 'b']);
    expect(queuesOf(t, 'd', 'Red')).toEqual([]);
  });
  it('fanout: every bound queue, whatever the key', () => expect(queuesOf(t, 'f', 'anything')).toEqual(['c']));
  it('the default exchange: the queue named by the key', () => {
    expect(queuesOf(t, '', 'b')).toEqual(['b']);
    expect(queuesOf(t, '', 'nope')).toEqual([]);
  });
  it('headers: all, any, and x- arguments only with -with-x', () => {
    expect(queuesOf(t, 'h', '', { format: 'pdf', type: 'report' })).toEqual(['a']);
    expect(queuesOf(t, 'h', '', { format: 'pdf' })).toEqual([]);
    expect(queuesOf(t, 'h', '', { type: 'log', other: 1 })).toEqual(['b']);
    expect(queuesOf(t, 'h', '', { 'x-tenant': 'acme' })).toEqual(['c']);
    expect(headersMatch({ 'x-match': 'all', 'x-tenant': 'acme' }, {})).toBe(true);
    expect(headersMatch({ 'x-match': 'all-with-x', 'x-tenant': 'acme' }, {})).toBe(false);
  });
  it('a missing exchange is an error, not "unroutable"', () => expect(queuesOf(t, 'nope', 'x')).toBe('exchange nope does not exist'));
});

describe('exchange-to-exchange bindings, alternate exchanges and CC/BCC', () => {
  const t: Topology = {
    exchanges: [
      { name: 'orders', type: 'topic', alternate: 'unrouted' },
      { name: 'audit', type: 'fanout' },
      { name: 'unrouted', type: 'fanout' },
      { name: 'empty-with-ae', type: 'direct', alternate: 'unrouted' },
    ],
    queues: ['eu', 'audit-log', 'lost', 'us'],
    bindings: [
      { source: 'orders', destination: 'eu', destinationType: 'queue', routingKey: 'order.*.eu', arguments: {} },
      { source: 'orders', destination: 'us', destinationType: 'queue', routingKey: 'order.*.us', arguments: {} },
      { source: 'orders', destination: 'audit', destinationType: 'exchange', routingKey: 'order.#', arguments: {} },
      { source: 'audit', destination: 'audit-log', destinationType: 'queue', routingKey: '', arguments: {} },
      { source: 'unrouted', destination: 'lost', destinationType: 'queue', routingKey: '', arguments: {} },
    ],
  };
  it('follows exchange-to-exchange bindings and says by which path', () => {
    const r = route(t, { exchange: 'orders', routingKey: 'order.created.eu' });
    expect(r.ok && r.routes).toEqual([
      { queue: 'eu', path: ['orders', 'eu'] },
      { queue: 'audit-log', path: ['orders', 'audit', 'audit-log'] },
    ]);
  });
  it('an exchange that routes nowhere hands the message to its alternate exchange', () => {
    expect(queuesOf(t, 'orders', 'invoice.created')).toEqual(['lost']);
    expect(queuesOf(t, 'empty-with-ae', 'x')).toEqual(['lost']);
  });
  it('routes on the CC and BCC keys too, in one walk (the alternate is not used when any key routes)', () => {
    expect(queuesOf(t, 'orders', 'invoice.created', { CC: ['order.x.us'] })).toEqual(['audit-log', 'us']);
    expect(queuesOf(t, 'orders', 'order.x.eu', { BCC: 'order.y.us' })).toEqual(['audit-log', 'eu', 'us']);
  });
});
