import { describe, expect, it } from 'vitest';
import { entriesFromRows, shapeState } from '../../src/read-models/table-shape';

describe('a projection state as read-model rows', () => {
  it('gives a partitioned state a row per partition and a typed column per top-level field', () => {
    const t = shapeState({ 'A-1': { balance: 10, owner: 'Ada', vip: true, tags: ['x'] }, 'A-2': { balance: 2.5, note: null } }, true);
    expect(t.shape).toBe('partitions');
    expect(t.columns).toEqual([
      { name: 'balance', type: 'REAL' },
      { name: 'owner', type: 'TEXT' },
      { name: 'vip', type: 'INTEGER' },
      { name: 'tags', type: 'TEXT' },
    ]);
    expect(t.rows).toEqual([
      { key: 'A-1', state: '{"balance":10,"owner":"Ada","vip":true,"tags":["x"]}', values: [10, 'Ada', 1, '["x"]'] },
      { key: 'A-2', state: '{"balance":2.5,"note":null}', values: [2.5, null, null, null] },
    ]);
  });

  it('lays out an unpartitioned map a row per key, scalar values in a value column', () => {
    expect(shapeState({ '2026-11-20': 3, '2026-11-21': 4 }, false)).toEqual({
      shape: 'entries',
      columns: [{ name: 'value', type: 'INTEGER' }],
      rows: [
        { key: '2026-11-20', state: '3', values: [3] },
        { key: '2026-11-21', state: '4', values: [4] },
      ],
    });
  });

  it('keeps any other state as one row, and never lets a field shadow key or state', () => {
    expect(shapeState([1, 2], false)).toMatchObject({ shape: 'value', rows: [{ key: '$', state: '[1,2]' }] });
    expect(shapeState({ p: { key: 'x', State: 1, n: 1, N: 2 } }, true).columns.map((c) => c.name)).toEqual(['n']);
  });

  it('restores exactly the state it was made from', () => {
    for (const [state, partitioned] of [
      [{ 'A-1': { balance: 1 }, 'A-2': { balance: 2 } }, true],
      [{ d1: { count: 1 }, d2: { count: 2 } }, false],
      [{}, false],
      [42, false],
      [null, false],
    ] as const) {
      const t = shapeState(state, partitioned);
      const entries = JSON.parse(entriesFromRows(t.shape, t.rows)) as [string, unknown][];
      const restored = partitioned ? Object.fromEntries(entries) : entries[0]![1];
      expect(restored).toEqual(state);
    }
  });
});
