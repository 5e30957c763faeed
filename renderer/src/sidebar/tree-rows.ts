import type { ConnectionSummary, Resource, ResourceList } from '../api/types';
import { describe } from '../../../src/sources/descriptors';

export type ResourceState = { status: 'loading' } | { status: 'ready'; list: ResourceList } | { status: 'error'; error: unknown };

export type TreeRow =
  | { kind: 'connection'; key: string; depth: 0; connection: ConnectionSummary; expanded: boolean; reach: ResourceState['status'] | 'unknown' }
  | { kind: 'group'; key: string; depth: number; label: string; count: number; expanded: boolean; startCollapsed: boolean }
  | { kind: 'resource'; key: string; depth: number; connectionId: string; resource: Resource }
  | { kind: 'note'; key: string; depth: number; text: string; error?: unknown }
  /** Opens a view of the connection rather than a resource (a Kafka cluster's consumer groups). */
  | { kind: 'link'; key: string; depth: number; connectionId: string; label: string; view: 'groups' | 'new-topic' | 'rabbit-map'; vhost?: string };

export function resourceName(r: Resource): string {
  return r.name;
}

export function resourceKey(connectionId: string, r: Resource): string {
  return r.type === 'rabbit-queue' || r.type === 'rabbit-super-stream' ? `${connectionId}/${r.type}/${r.vhost}/${r.name}` : `${connectionId}/${r.type}/${r.name}`;
}

interface Group {
  key: string;
  label: string;
  items: Resource[];
  /** A RabbitMQ vhost: its map is the group's first row. */
  vhost?: string;
  /** Collapsed unless opened or a filter matches inside. */
  startCollapsed?: boolean;
}

function groupsOf(connection: ConnectionSummary, resources: Resource[]): { top: Resource[]; groups: Group[] } {
  const { top, groups } = describe(connection.kind).sidebar(resources);
  return { top, groups: groups.map(({ id, ...g }) => ({ ...g, key: `${connection.id}/group/${id}` })) };
}

/** Flattens the visible part of the tree into rows, so the list can be virtualized. */
export function buildRows(connections: ConnectionSummary[], expanded: ReadonlySet<string>, collapsed: ReadonlySet<string>, resources: ReadonlyMap<string, ResourceState>, filter: string): TreeRow[] {
  const needle = filter.trim().toLowerCase();
  const matches = (r: Resource) => !needle || resourceName(r).toLowerCase().includes(needle);
  const rows: TreeRow[] = [];
  for (const connection of connections) {
    const isOpen = expanded.has(connection.id) || (needle !== '' && resources.get(connection.id)?.status === 'ready');
    rows.push({ kind: 'connection', key: connection.id, depth: 0, connection, expanded: isOpen, reach: resources.get(connection.id)?.status ?? 'unknown' });
    if (!isOpen) continue;
    const state = resources.get(connection.id);
    if (!state || state.status === 'loading') {
      rows.push({ kind: 'note', key: `${connection.id}/loading`, depth: 1, text: 'Loading…' });
      continue;
    }
    if (state.status === 'error') {
      rows.push({ kind: 'note', key: `${connection.id}/error`, depth: 1, text: 'Could not list resources', error: state.error });
      continue;
    }
    const { top, groups } = groupsOf(connection, state.list.resources);
    if (state.list.capabilities.consumerGroups && (!needle || 'consumer groups'.includes(needle))) {
      rows.push({ kind: 'link', key: `${connection.id}/view/groups`, depth: 1, connectionId: connection.id, label: 'Consumer groups', view: 'groups' });
    }
    const source = describe(connection.kind);
    if (source.views.includes('new-topic') && !needle)
      rows.push({ kind: 'link', key: `${connection.id}/view/new-topic`, depth: 1, connectionId: connection.id, label: 'New topic…', view: 'new-topic' });
    const before = rows.length;
    for (const r of top.filter(matches)) rows.push({ kind: 'resource', key: resourceKey(connection.id, r), depth: 1, connectionId: connection.id, resource: r });
    for (const g of groups) {
      const items = g.items.filter(matches);
      if (needle && items.length === 0) continue;
      const groupOpen = needle ? true : g.startCollapsed ? expanded.has(g.key) : !collapsed.has(g.key);
      rows.push({ kind: 'group', key: g.key, depth: 1, label: g.label, count: g.items.length, expanded: groupOpen, startCollapsed: g.startCollapsed ?? false });
      if (groupOpen && g.vhost !== undefined && !needle)
        rows.push({ kind: 'link', key: `${g.key}/map`, depth: 2, connectionId: connection.id, label: `Map of ${g.vhost}`, view: 'rabbit-map', vhost: g.vhost });
      if (groupOpen) for (const r of items) rows.push({ kind: 'resource', key: resourceKey(connection.id, r), depth: 2, connectionId: connection.id, resource: r });
    }
    const nothing = needle ? null : source.nothingToRead(state.list.resources);
    if (nothing !== null) {
      rows.push({ kind: 'note', key: `${connection.id}/no-streams`, depth: 1, text: nothing });
      continue;
    }
    if (rows.length === before) {
      const empty = needle ? `Nothing matches “${filter.trim()}”` : source.emptyNote;
      rows.push({ kind: 'note', key: `${connection.id}/empty`, depth: 1, text: empty });
    }
  }
  return rows;
}
