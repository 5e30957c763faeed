import { describe, expect, it } from 'vitest';
import { typeNotice, typeSpec } from '../../src/projections/event-types';
import type { TypeCounts } from '../../src/model/wire';

const counts = (over: Partial<TypeCounts>): TypeCounts => ({ types: [], distinct: 0, omitted: 0, matched: 0, handlers: [], unseen: [], any: false, ...over });

describe('where a run reads the type', () => {
  it.each([
    ['$.type', ['type']],
    ['$.meta["event-type"]', ['meta', 'event-type']],
    ['$.events[0].kind', ['events', 0, 'kind']],
  ])('%s', (path, steps) => expect(typeSpec({ kind: 'path', path })).toEqual({ path: steps }));

  it.each([
    ['type', /starts with \$/],
    ['$', /whole body/],
    ['$.type == "x"', /without a comparison/],
    ['$.[', /is not one/],
  ])('refuses %s', (path, message) => expect(() => typeSpec({ kind: 'path', path })).toThrow(message));

  it('takes a header by name', () => expect(typeSpec({ kind: 'header', name: 'kind' })).toEqual({ header: 'kind' }));
});

describe('what a run says about the types it saw', () => {
  it('nothing when a handler took enough, or $any took all', () => {
    expect(typeNotice(10, counts({ types: [['A', 10, true]], distinct: 1, matched: 10, handlers: ['A'] }), null)).toBeNull();
    expect(typeNotice(10, counts({ types: [['A', 10, false]], distinct: 1, matched: 10, any: true }), null)).toBeNull();
    expect(typeNotice(0, counts({}), null)).toBeNull();
  });

  it('lists five types and says how many more', () => {
    const types: TypeCounts['types'] = Array.from({ length: 8 }, (_, i) => [`T${i}`, 1000 - i, false]);
    expect(typeNotice(7972, counts({ types, distinct: 8, handlers: ['X'], unseen: ['X'] }), null)).toBe(
      'No event matched a handler: the 7,972 events had the types T0 (1,000), T1 (999), T2 (998), T3 (997), T4 (996) and 3 more, and the handlers take X. Say where the type is: a header, or a JSON path such as $.type.',
    );
  });

  it('says which handler types never came when only a few matched', () => {
    const c = counts({
      types: [
        ['unknown', 95, false],
        ['A', 5, true],
      ],
      distinct: 2,
      matched: 5,
      handlers: ['A', 'B'],
      unseen: ['B'],
    });
    expect(typeNotice(100, c, { kind: 'header', name: 'kind' })).toBe(
      'Only 5 of 100 events matched a handler, and none had the type B: the events had the types unknown (95), A (5). Types were read from the header kind.',
    );
  });

  it('a projection without handlers says so', () => {
    expect(typeNotice(3, counts({ types: [['A', 3, false]], distinct: 1 }), null)).toMatch(/the projection has no handlers/);
  });
});
