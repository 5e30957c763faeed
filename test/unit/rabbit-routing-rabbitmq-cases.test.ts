import { describe, expect, it } from 'vitest';
import { explainRoute, headersMatch, route, type Topology, type TopologyBinding } from '../../src/sources/rabbitmq/routing';

/**
 * The routing simulator against cases taken from RabbitMQ's own tests, at
 * github.com/rabbitmq/rabbitmq-server (tree 5b09e556, and tag v3.10.8 for the broker the
 * integration tests run). Each table says where it comes from.
 */
const bind = (source: string, destination: string, routingKey: string, args: Record<string, unknown> = {}, destinationType: 'queue' | 'exchange' = 'queue'): TopologyBinding => ({
  source,
  destination,
  destinationType,
  routingKey,
  arguments: args,
});
const queuesOf = (t: Topology, exchange: string, routingKey: string, headers?: Record<string, unknown>) => {
  const r = route(t, { exchange, routingKey, ...(headers ? { headers } : {}) });
  if (!r.ok) throw new Error(r.error);
  return r.routes.map((x) => x.queue).sort();
};
const sorted = (names: string[]) => [...names].sort();

describe('topic exchange: deps/rabbit/test/routing_SUITE.erl, topic1/1', () => {
  // The suite's 27 bindings (t27 twice, with different arguments: bindings alias on key and destination).
  const keys: [string, string][] = [
    ['a.b.c', 't1'],
    ['a.*.c', 't2'],
    ['a.#.b', 't3'],
    ['a.b.b.c', 't4'],
    ['#', 't5'],
    ['#.#', 't6'],
    ['#.b', 't7'],
    ['*.*', 't8'],
    ['a.*', 't9'],
    ['*.b.c', 't10'],
    ['a.#', 't11'],
    ['a.#.#', 't12'],
    ['b.b.c', 't13'],
    ['a.b.b', 't14'],
    ['a.b', 't15'],
    ['b.c', 't16'],
    ['', 't17'],
    ['*.*.*', 't18'],
    ['vodka.martini', 't19'],
    ['a.b.c', 't20'],
    ['*.#', 't21'],
    ['#.*.#', 't22'],
    ['*.#.#', 't23'],
    ['*', 't25'],
    ['#.b.#', 't26'],
    ['args-test', 't27'],
  ];
  const all = [...keys.map(([k, q]) => bind('topic_matching-exchange', q, k)), bind('topic_matching-exchange', 't27', 'args-test', { foo: 'baz' })];
  const topology = (bindings: TopologyBinding[]): Topology => ({
    exchanges: [{ name: 'topic_matching-exchange', type: 'topic' }],
    queues: [...new Set(keys.map(([, q]) => q))],
    bindings,
  });

  it.each<[string, string[]]>([
    ['a.b.c', ['t1', 't2', 't5', 't6', 't10', 't11', 't12', 't18', 't20', 't21', 't22', 't23', 't26']],
    ['a.b', ['t3', 't5', 't6', 't7', 't8', 't9', 't11', 't12', 't15', 't21', 't22', 't23', 't26']],
    ['a.b.b', ['t3', 't5', 't6', 't7', 't11', 't12', 't14', 't18', 't21', 't22', 't23', 't26']],
    ['', ['t5', 't6', 't17']],
    ['b.c.c', ['t5', 't6', 't18', 't21', 't22', 't23', 't26']],
    ['a.a.a.a.a', ['t5', 't6', 't11', 't12', 't21', 't22', 't23']],
    ['vodka.gin', ['t5', 't6', 't8', 't21', 't22', 't23']],
    ['vodka.martini', ['t5', 't6', 't8', 't19', 't21', 't22', 't23']],
    ['b.b.c', ['t5', 't6', 't10', 't13', 't18', 't21', 't22', 't23', 't26']],
    ['nothing.here.at.all', ['t5', 't6', 't21', 't22', 't23']],
    ['oneword', ['t5', 't6', 't21', 't22', 't23', 't25']],
    ['args-test', ['t5', 't6', 't21', 't22', 't23', 't25', 't27']],
  ])('all bindings: %j goes to %j', (key, expected) => {
    expect(queuesOf(topology(all), 'topic_matching-exchange', key)).toEqual(sorted(expected));
  });

  // "remove some bindings": lists:nth(N, Bindings) for N in [1, 5, 11, 19, 21, 27] (1-based).
  const removed = new Set([1, 5, 11, 19, 21, 27].map((n) => n - 1));
  const remaining = all.filter((_, i) => !removed.has(i));
  it.each<[string, string[]]>([
    ['a.b.c', ['t2', 't6', 't10', 't12', 't18', 't20', 't22', 't23', 't26']],
    ['a.b', ['t3', 't6', 't7', 't8', 't9', 't12', 't15', 't22', 't23', 't26']],
    ['a.b.b', ['t3', 't6', 't7', 't12', 't14', 't18', 't22', 't23', 't26']],
    ['', ['t6', 't17']],
    ['b.c.c', ['t6', 't18', 't22', 't23', 't26']],
    ['a.a.a.a.a', ['t6', 't12', 't22', 't23']],
    ['vodka.gin', ['t6', 't8', 't22', 't23']],
    ['vodka.martini', ['t6', 't8', 't22', 't23']],
    ['b.b.c', ['t6', 't10', 't13', 't18', 't22', 't23', 't26']],
    ['nothing.here.at.all', ['t6', 't22', 't23']],
    ['oneword', ['t6', 't22', 't23', 't25']],
    ['args-test', ['t6', 't22', 't23', 't25', 't27']],
  ])('after removing six bindings: %j goes to %j', (key, expected) => {
    expect(queuesOf(topology(remaining), 'topic_matching-exchange', key)).toEqual(sorted(expected));
  });
});

describe('headers exchange: deps/rabbit/test/exchanges_SUITE.erl', () => {
  // headers_exchange/1: Q binds all {foo: bar, fuu: ber}, AltQ binds any with the same pair.
  const t: Topology = {
    exchanges: [{ name: 'amq.headers', type: 'headers' }],
    queues: ['Q', 'AltQ'],
    bindings: [bind('amq.headers', 'Q', '', { 'x-match': 'all', foo: 'bar', fuu: 'ber' }), bind('amq.headers', 'AltQ', '', { 'x-match': 'any', foo: 'bar', fuu: 'ber' })],
  };
  it.each<[string, Record<string, unknown> | undefined, string[]]>([
    ['msg1: both headers', { foo: 'bar', fuu: 'ber' }, ['AltQ', 'Q']],
    ['msg2: foo only', { foo: 'bar' }, ['AltQ']],
    ['msg3: no headers', undefined, []],
  ])('headers_exchange %s', (_, headers, expected) => expect(queuesOf(t, 'amq.headers', '', headers)).toEqual(expected));

  // headers_exchange_key_presence_only/1: void-typed binding values (null over the management
  // API) match on presence; all-with-x and any-with-x count the x- keys too.
  const presence: Topology = {
    exchanges: [{ name: 'amq.headers', type: 'headers' }],
    queues: ['QAll', 'QAny'],
    bindings: [bind('amq.headers', 'QAll', '', { 'x-match': 'all-with-x', foo: null, 'x-foo': null }), bind('amq.headers', 'QAny', '', { 'x-match': 'any-with-x', foo: null, 'x-foo': null })],
  };
  it.each<[string, Record<string, unknown> | undefined, string[]]>([
    ['msg1: both keys present', { foo: 'anything', 'x-foo': 42 }, ['QAll', 'QAny']],
    ['msg2: only foo', { foo: 'whatever' }, ['QAny']],
    ['msg3: only x-foo', { 'x-foo': 'something' }, ['QAny']],
    ['msg4: neither key', { other: 'value' }, []],
    ['msg5: no headers', undefined, []],
  ])('key presence %s', (_, headers, expected) => expect(queuesOf(presence, 'amq.headers', '', headers)).toEqual(expected));
});

describe('headers matching rules: deps/rabbit/src/rabbit_exchange_type_headers.erl (v3.10.8 headers_match/5)', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, boolean]>([
    // "Delete all other bindings starting with x- unless x-match is set to all-with-x or any-with-x"
    ['all ignores x- binding keys', { 'x-match': 'all', a: 1, 'x-tenant': 't' }, { a: 1 }, true],
    ['any ignores x- binding keys', { 'x-match': 'any', 'x-tenant': 't' }, { 'x-tenant': 't' }, false],
    ['all-with-x counts them', { 'x-match': 'all-with-x', a: 1, 'x-tenant': 't' }, { a: 1 }, false],
    ['any-with-x counts them', { 'x-match': 'any-with-x', 'x-tenant': 't' }, { 'x-tenant': 't' }, true],
    // parse_x_match(_) -> all: no x-match means all.
    ['no x-match means all', { a: 1, b: 2 }, { a: 1 }, false],
    // match_all([]) is true, match_any([]) is false: a binding with no keys.
    ['all with no keys matches anything', { 'x-match': 'all' }, {}, true],
    ['any with no keys matches nothing', { 'x-match': 'any' }, { a: 1 }, false],
    // "Value does not match, false with all": values compare by value and type.
    ['a differing value fails all', { 'x-match': 'all', a: 1 }, { a: 2 }, false],
    ['a string is not a number', { 'x-match': 'all', a: '1' }, { a: 1 }, false],
    ['extra message headers do not matter', { 'x-match': 'all', a: 1 }, { a: 1, z: 'extra' }, true],
  ])('%s', (_, args, headers, expected) => expect(headersMatch(args, headers)).toBe(expected));
});

describe('exchange-to-exchange bindings and alternate exchanges: deps/rabbit/src/rabbit_exchange.erl (v3.10.8 route1/3)', () => {
  // process_alternate/2: only an exchange whose bindings gave no destination at all uses its
  // alternate; process_route/2: each exchange is visited once, so cycles end.
  const t: Topology = {
    exchanges: [
      { name: 'orders', type: 'topic', alternate: 'unrouted' },
      { name: 'audit', type: 'fanout' },
      { name: 'unrouted', type: 'fanout' },
      { name: 'loop-a', type: 'fanout' },
      { name: 'loop-b', type: 'fanout' },
    ],
    queues: ['eu', 'audit-log', 'lost', 'looped'],
    bindings: [
      bind('orders', 'eu', 'order.*.eu'),
      bind('orders', 'audit', 'order.#', {}, 'exchange'),
      bind('audit', 'audit-log', ''),
      bind('unrouted', 'lost', ''),
      bind('loop-a', 'loop-b', '', {}, 'exchange'),
      bind('loop-b', 'loop-a', '', {}, 'exchange'),
      bind('loop-b', 'looped', ''),
    ],
  };
  it('follows an exchange-to-exchange binding', () => expect(queuesOf(t, 'orders', 'order.created.eu')).toEqual(['audit-log', 'eu']));
  it('a match on an exchange binding alone keeps the alternate out', () => expect(queuesOf(t, 'orders', 'order.x')).toEqual(['audit-log']));
  it('no match at all goes to the alternate', () => expect(queuesOf(t, 'orders', 'invoice.paid')).toEqual(['lost']));
  it('a cycle of exchanges ends', () => expect(queuesOf(t, 'loop-a', 'k')).toEqual(['looped']));
  it('says the way, binding by binding', () => {
    const r = explainRoute(t, { exchange: 'orders', routingKey: 'invoice.paid' });
    expect(r.ok && r.routes[0]?.hops).toEqual([
      { from: 'orders', to: 'unrouted', toType: 'exchange', via: 'alternate' },
      { from: 'unrouted', to: 'lost', toType: 'queue', via: 'binding', bindingKey: '' },
    ]);
  });
  it('a plugin exchange type is named, not guessed', () => {
    const r = route({ exchanges: [{ name: 'h', type: 'x-consistent-hash' }], queues: ['q'], bindings: [bind('h', 'q', '10')] }, { exchange: 'h', routingKey: 'k' });
    expect(r).toEqual({ ok: true, routes: [], unsupported: ['h'] });
  });
});
