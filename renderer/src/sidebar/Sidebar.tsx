import { useVirtualizer } from '@tanstack/react-virtual';
import { describe } from '../../../src/sources/descriptors';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ConnectionSummary, Resource } from '../api/types';
import { ApiCallError } from '../../../src/model/errors';
import { ResourceBadges } from './ResourceBadges';
import { buildRows, type TreeRow } from './tree-rows';
import type { useResources } from './useResources';

const ROW = 24;

interface Props {
  /** Resource lists per connection; the command palette reads the same ones. */
  resources: ReturnType<typeof useResources>;
  connections: ConnectionSummary[];
  activeConnectionId: string | null;
  /** The resource of the active tab: the tree's highlight follows it (switching tabs, Open from the palette or jobs). */
  activeResource: { connectionId: string; type: string; name: string } | null;
  onSelectConnection(id: string): void;
  onOpenResource(connection: ConnectionSummary, resource: Resource): void;
  onOpenGroups(connection: ConnectionSummary): void;
  onNewTopic(connection: ConnectionSummary): void;
  onOpenMap(connection: ConnectionSummary, vhost: string): void;
  onAddConnection(): void;
  onNewProjection(): void;
  onOpenReadModels(): void;
  onOpenDeadLetters(): void;
  onOpenAudit(): void;
  onEditConnection(connection: ConnectionSummary): void;
  /** Bumped when a connection was saved, so its resources are listed again. */
  /** Open this connection in the tree (a connection just saved). */
  reveal: { id: string; n: number } | null;
}

export function Sidebar(props: Props) {
  const { connections } = props;
  const [filter, setFilter] = useState('');
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(['local']));
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [cursor, setCursor] = useState(0);
  const { states, load, ensure } = props.resources;
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    for (const id of expanded) if (connections.some((c) => c.id === id)) ensure(id);
  }, [expanded, connections, ensure]);

  // A saved connection opens, so its topics or queues show at once (App has listed it again).
  const reveal = props.reveal;
  useEffect(() => {
    if (reveal) setExpanded((s) => new Set(s).add(reveal.id));
  }, [reveal]);

  const rows = useMemo(() => buildRows(connections, expanded, collapsed, states, filter), [connections, expanded, collapsed, states, filter]);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  const current = Math.min(cursor, rows.length - 1);

  // The highlight follows the active tab once its row is listed; arrow keys move it from there.
  const active = props.activeResource;
  const activeKey = active ? `${active.connectionId}\u0000${active.type}\u0000${active.name}` : null;
  const followed = useRef<string | null>(null);
  useEffect(() => {
    if (!active || followed.current === activeKey) return;
    const i = rows.findIndex((r) => r.kind === 'resource' && r.connectionId === active.connectionId && r.resource.type === active.type && r.resource.name === active.name);
    if (i < 0) return;
    followed.current = activeKey;
    setCursor(i);
    virtualizer.scrollToIndex(i);
  }, [active, activeKey, rows, virtualizer]);

  const toggle = (key: string, open?: boolean) =>
    setExpanded((s) => {
      const next = new Set(s);
      const isOpen = next.has(key);
      if (open ?? !isOpen) next.add(key);
      else next.delete(key);
      return next;
    });
  const toggleGroup = (row: Extract<TreeRow, { kind: 'group' }>) => {
    // A group that starts closed is opened by name; one that starts open is closed by name.
    if (row.startCollapsed) return toggle(row.key);
    setCollapsed((s) => {
      const next = new Set(s);
      if (next.has(row.key)) next.delete(row.key);
      else next.add(row.key);
      return next;
    });
  };

  const activate = (row: TreeRow, index: number) => {
    setCursor(index);
    if (row.kind === 'connection') {
      props.onSelectConnection(row.connection.id);
      toggle(row.connection.id);
    } else if (row.kind === 'group') {
      toggleGroup(row);
    } else if (row.kind === 'link') {
      const connection = connections.find((c) => c.id === row.connectionId);
      if (connection) {
        props.onSelectConnection(connection.id);
        if (row.view === 'groups') props.onOpenGroups(connection);
        else if (row.view === 'rabbit-map') props.onOpenMap(connection, row.vhost ?? '/');
        else props.onNewTopic(connection);
      }
    } else if (row.kind === 'resource') {
      const connection = connections.find((c) => c.id === row.connectionId);
      if (connection) {
        props.onSelectConnection(connection.id);
        props.onOpenResource(connection, row.resource);
      }
    }
  };

  const moveTo = (i: number) => {
    setCursor(i);
    virtualizer.scrollToIndex(i);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const row = rows[current];
    /** Notes ("Loading…", "Nothing matches") are not places to stop: the cursor steps over them. */
    const step = (from: number, by: 1 | -1) => {
      for (let i = from; i >= 0 && i < rows.length; i += by) if (rows[i]?.kind !== 'note') return moveTo(i);
    };
    if (e.key === 'ArrowDown') step(current + 1, 1);
    else if (e.key === 'ArrowUp') step(current - 1, -1);
    else if (e.key === 'Home') step(0, 1);
    else if (e.key === 'End') step(rows.length - 1, -1);
    else if (e.key === 'Enter' && row) activate(row, current);
    else if (e.key === 'ArrowRight' && row?.kind === 'connection' && !row.expanded) toggle(row.connection.id, true);
    else if (e.key === 'ArrowLeft' && row?.kind === 'connection' && row.expanded) toggle(row.connection.id, false);
    else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && row?.kind === 'group' && row.expanded === (e.key === 'ArrowLeft')) toggleGroup(row);
    else return;
    e.preventDefault();
  };

  return (
    <aside className="sidebar" aria-label="Connections">
      <div className="sidebar-head">
        <div className="brand">
          <img src="./favicon.svg" alt="" />
          Rewind
        </div>
        <div className="spacer" />
      </div>
      <input
        className="input filter"
        placeholder="Filter topics, queues, streams…"
        aria-label="Filter resources"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setFilter('');
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            // Into the tree at what the filter found: its first match, else the first row to stop on.
            const first = filter.trim() ? rows.findIndex((r) => r.kind === 'resource' || r.kind === 'link') : -1;
            const i = first >= 0 ? first : rows.findIndex((r) => r.kind !== 'note');
            if (i >= 0) moveTo(i);
            scroller.current?.focus();
          }
        }}
      />
      <div className="tree" ref={scroller} tabIndex={0} role="tree" aria-label="Connections and resources" onKeyDown={onKeyDown}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] as TreeRow;
            return (
              <div
                key={row.key}
                role="treeitem"
                aria-selected={item.index === current}
                aria-expanded={row.kind === 'connection' || row.kind === 'group' ? row.expanded : undefined}
                aria-level={row.depth + 1}
                className={`tree-row ${row.kind}`}
                aria-current={row.kind === 'connection' && row.connection.id === props.activeConnectionId ? 'true' : undefined}
                data-testid={
                  row.kind === 'resource'
                    ? `resource-${row.resource.name}`
                    : row.kind === 'connection'
                      ? `connection-${row.connection.name}`
                      : row.kind === 'link'
                        ? `view-${row.view}${row.vhost !== undefined ? `-${row.vhost}` : ''}`
                        : undefined
                }
                style={{ transform: `translateY(${item.start}px)`, paddingLeft: 8 + row.depth * 14 }}
                onClick={() => activate(row, item.index)}
              >
                <RowContent row={row} active={row.kind === 'connection' && row.connection.id === props.activeConnectionId} onReload={load} onEdit={props.onEditConnection} />
              </div>
            );
          })}
        </div>
      </div>
      <div className="sidebar-foot">
        <button className="btn" onClick={props.onAddConnection}>
          + Add connection
        </button>
        <button className="btn" onClick={props.onNewProjection}>
          New projection
        </button>
        <button className="btn" onClick={props.onOpenReadModels} title="Projection states saved as tables, with SQL">
          Read models
        </button>
        <button className="btn" onClick={props.onOpenDeadLetters} title="Dead-letter topics and queues of every connection, and parked events">
          Dead letters
        </button>
        <button className="btn" onClick={props.onOpenAudit} title="Who redrove, published or appended what, and when">
          Audit
        </button>
      </div>
    </aside>
  );
}

function RowContent({ row, active, onReload, onEdit }: { row: TreeRow; active: boolean; onReload(id: string): void; onEdit(c: ConnectionSummary): void }) {
  switch (row.kind) {
    case 'connection':
      return (
        <>
          <span className="chev">{row.expanded ? '▾' : '▸'}</span>
          <span className="badge kind">{describe(row.connection.kind).badge}</span>
          <span className="name" title={row.connection.address}>
            {row.connection.name}
          </span>
          <ReachDot reach={row.reach} />
          {active && <span className="offscreen">(active)</span>}
          <button className="icon-btn" title="Reload" aria-label={`Reload ${row.connection.name}`} onClick={(e) => (e.stopPropagation(), onReload(row.connection.id))}>
            ↻
          </button>
          {row.connection.removable && (
            <button className="icon-btn" title="Edit connection" aria-label={`Edit ${row.connection.name}`} onClick={(e) => (e.stopPropagation(), onEdit(row.connection))}>
              ✎
            </button>
          )}
        </>
      );
    case 'group':
      return (
        <>
          <span className="chev">{row.expanded ? '▾' : '▸'}</span>
          <span className="name">{row.label}</span>
          <span className="note num">{row.count}</span>
        </>
      );
    case 'resource':
      return (
        <>
          <span className="chev" />
          <span className="name mono" title={row.resource.name}>
            {(row.resource.type === 'source' && row.resource.label) || row.resource.name}
          </span>
          <ResourceBadges resource={row.resource} />
        </>
      );
    case 'link':
      return (
        <>
          <span className="chev">{row.view === 'groups' ? '⚑' : row.view === 'rabbit-map' ? '◇' : '+'}</span>
          <span className="name">{row.label}</span>
        </>
      );
    case 'note':
      return row.error ? (
        <span className="err" title={row.error instanceof ApiCallError && row.error.hint ? `${row.error.message}\n${row.error.hint}` : String((row.error as Error).message ?? row.error)}>
          ⚠ {(row.error as Error).message ?? row.text}
        </span>
      ) : (
        <span className="note">{row.text}</span>
      );
  }
}

/** Colour says reachability only: green when the last listing answered, red when it failed. */
function ReachDot({ reach }: { reach: 'loading' | 'ready' | 'error' | 'unknown' }) {
  const [cls, text] = { ready: ['ok', 'reachable'], error: ['bad', 'unreachable'], loading: ['pending', 'checking…'], unknown: ['', 'not checked yet'] }[reach];
  return <span className={`dot ${cls}`} title={text} role="img" aria-label={text} data-testid="reach" />;
}
