import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/model/envelope';
import type { TraceMember } from '../../src/model/trace';
import { readTraceFile, traceFileText } from '../../renderer/src/trace/trace-file';
import { spanText, treeRows } from '../../renderer/src/trace/trace-tree';

const where = { connectionId: 'k', connectionName: 'k', resourceType: 'kafka-topic', resource: 'orders', vhost: null };
function member(id: string | null, cause: string | null, second: number, position = second): TraceMember {
  const record: Envelope = {
    source: 'kafka',
    resource: 'orders',
    partition: 0,
    position: String(position),
    id,
    type: 'T',
    timestamp: new Date(Date.UTC(2026, 11, 1, 10, 0, second)).toISOString(),
    timestampType: 'create',
    key: null,
    headers: [],
    properties: [],
    payload: { kind: 'empty' },
    correlationId: 'c',
    causationId: cause,
    streamId: null,
    streamVersion: null,
  };
  return { where, record, dead: null };
}

describe('the causation tree', () => {
  it('puts each message under its cause, children in time order, with the time since the cause', () => {
    const members = [member('c2', 'a', 5), member('a', null, 1), member('c1', 'a', 3), member('g', 'c1', 4)];
    const rows = treeRows(members);
    expect(rows.map((r) => [members[r.index]!.record.id, r.depth, r.sinceCause])).toEqual([
      ['a', 0, null],
      ['c1', 1, 2000],
      ['g', 2, 1000],
      ['c2', 1, 4000],
    ]);
  });

  it('marks a cause that was not found, and the same event delivered again in the same place', () => {
    const members = [member('a', null, 1), member('a', null, 2), member('x', 'ghost', 3)];
    const rows = treeRows(members);
    expect(rows.map((r) => [members[r.index]!.record.id, r.orphan, r.again])).toEqual([
      ['a', false, false],
      ['a', false, true],
      ['x', true, false],
    ]);
  });

  it('lists every member of a causation cycle once, and a chain 20,000 deep without running out of stack', () => {
    const cycle = [member('p', 'q', 1), member('q', 'p', 2)];
    expect(treeRows(cycle)).toHaveLength(2);
    const chain = Array.from({ length: 20_000 }, (_, i) => member(`e${i}`, i === 0 ? null : `e${i - 1}`, i % 50, i));
    const rows = treeRows(chain);
    expect(rows).toHaveLength(20_000);
    expect(rows.at(-1)!.depth).toBe(19_999);
  });

  it('writes spans as a person reads them', () => {
    expect([spanText(120), spanText(4_200), spanText(180_000), spanText(7_200_000), spanText(-1_500)]).toEqual(['+120 ms', '+4.2 s', '+3 min', '+2.0 h', '−1.5 s']);
  });
});

describe('a trace file', () => {
  const request = {
    key: { by: 'correlation' as const, value: 'c' },
    origin: { where, position: '1', partition: 0, time: null },
    window: { from: '2026-12-01T09:00:00.000Z', to: '2026-12-01T11:00:00.000Z' },
    connectionIds: ['k'],
    bound: 10,
  };
  const summary = { members: 1, sources: [], bounded: false, findings: [], elapsedMs: 5, notes: [] };

  it('reads back what was written', () => {
    const members = [member('a', null, 1)];
    const back = readTraceFile(traceFileText(request, summary, members));
    expect(back.head.request).toEqual(request);
    expect(back.members).toEqual(members);
  });

  it('refuses a file that is not a trace, naming the line that is not a member', () => {
    expect(() => readTraceFile('')).toThrow('The file is empty');
    expect(() => readTraceFile('{"topic":"x"}\n')).toThrow('not a trace Rewind exported');
    const text = traceFileText(request, summary, [member('a', null, 1)]) + '{"where":1}\n';
    expect(() => readTraceFile(text)).toThrow('Line 3 of the trace file is not a message of the trace.');
  });
});
