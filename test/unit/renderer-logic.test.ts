import { describe, expect, it } from 'vitest';
import { toDraft, emptyForm } from '../../renderer/src/connections/connection-form';
import { columnsFor, sortRows } from '../../renderer/src/records/columns';
import { buildRows } from '../../renderer/src/sidebar/tree-rows';
import type { ConnectionSummary, Envelope, Resource } from '../../renderer/src/api/types';

const local: ConnectionSummary = { id: 'local', kind: 'store', name: 'Local event store', address: '/x', removable: false };
const streams: Resource[] = [
  { type: 'store-all', name: '$all', events: { value: 3, exact: true } },
  { type: 'store-stream', name: 'account-A-1', category: 'account', events: { value: 2, exact: true }, lastPosition: '2', lastWrite: null },
  { type: 'store-stream', name: 'cart-C-1', category: 'cart', events: { value: 1, exact: true }, lastPosition: '3', lastWrite: null },
];
const ready = new Map([
  ['local', { status: 'ready' as const, list: { capabilities: { browse: true, tail: true, publish: true, consumerGroups: false, deadLetters: false, seekByTime: true }, resources: streams } }],
]);

describe('sidebar rows', () => {
  it('groups store streams by category under the connection', () => {
    const rows = buildRows([local], new Set(['local']), new Set(), ready, '');
    expect(rows.map((r) => (r.kind === 'resource' ? r.resource.name : r.kind === 'group' ? `[${r.label}]` : r.kind))).toEqual(['connection', '$all', '[account]', 'account-A-1', '[cart]', 'cart-C-1']);
  });

  it('filters, hides groups with no match, and says when nothing matches', () => {
    const rows = buildRows([local], new Set(), new Set(), ready, 'cart');
    expect(rows.filter((r) => r.kind === 'resource').map((r) => r.kind === 'resource' && r.resource.name)).toEqual(['cart-C-1']);
    const none = buildRows([local], new Set(['local']), new Set(), ready, 'zzz');
    expect(none.at(-1)).toMatchObject({ kind: 'note', text: 'Nothing matches “zzz”' });
  });

  it('shows loading and error rows instead of an empty tree', () => {
    expect(buildRows([local], new Set(['local']), new Set(), new Map(), '').at(-1)).toMatchObject({ kind: 'note', text: 'Loading…' });
    const failed = new Map([['local', { status: 'error' as const, error: new Error('boom') }]]);
    expect(buildRows([local], new Set(['local']), new Set(), failed, '').at(-1)).toMatchObject({ kind: 'note', text: 'Could not list resources' });
  });
});

describe('connection form', () => {
  it('maps schema errors to the fields that caused them', () => {
    const r = toDraft({ ...emptyForm('kafka'), host: 'http://x', port: 'abc' }, undefined);
    expect('errors' in r && r.errors).toMatchObject({ host: expect.stringContaining('looks like a URL'), port: expect.stringContaining('Port must be a number') });
  });

  it('names an unnamed connection after its host and keeps the stored password unless typed', () => {
    const r = toDraft({ ...emptyForm('rabbitmq'), host: '127.0.0.1' }, 'id-1');
    expect('draft' in r && r.draft).toMatchObject({ id: 'id-1', name: 'RabbitMQ 127.0.0.1', port: 5672 });
    expect('draft' in r && 'password' in r.draft).toBe(false);
  });
});

describe('records table', () => {
  const env = (position: string, type: string): Envelope => ({
    source: 'store',
    resource: '$all',
    partition: null,
    position,
    id: null,
    type,
    timestamp: null,
    timestampType: null,
    key: null,
    headers: [],
    properties: [],
    payload: { kind: 'empty' },
    correlationId: null,
    causationId: null,
    streamId: 's',
    streamVersion: 0,
  });
  it('sorts positions numerically, not as text', () => {
    const cols = columnsFor(streams[0]!);
    const rows = [env('10', 'b'), env('9', 'a'), env('100', 'c')];
    expect(sortRows(rows, cols, { column: 'position', dir: 1 }).map((e) => e.position)).toEqual(['9', '10', '100']);
    expect(sortRows(rows, cols, { column: 'type', dir: -1 }).map((e) => e.type)).toEqual(['c', 'b', 'a']);
  });
});
