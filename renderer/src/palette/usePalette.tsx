import { useEffect, useMemo, useRef, useState } from 'react';
import { describe } from '../../../src/sources/descriptors';
import { useQuery } from '@tanstack/react-query';
import { useClient } from '../api/client-context';
import { queryKeys } from '../api/queries';
import type { ConnectionSummary, Resource } from '../api/types';
import type { useResources } from '../sidebar/useResources';
import { CommandPalette } from './CommandPalette';
import { resourceItems, type PaletteItem } from './palette-items';

interface Actions {
  selectConnection(id: string): void;
  openResource(c: ConnectionSummary, r: Resource): void;
  openMap(c: ConnectionSummary, vhost: string): void;
  openGroups(c: ConnectionSummary): void;
  newTopic(c: ConnectionSummary): void;
  newProjection(): void;
  addConnection(): void;
  openReadModels(name: string | null): void;
  openDeadLetters(): void;
  openAudit(): void;
  toggleTheme(): void;
  theme: 'light' | 'dark';
  closeActiveTab(): void;
  /** Whether a tab is open: closing one is offered only then. */
  hasActiveTab: boolean;
  traceShown(): void;
  openTraceFile(): void;
  setTracingLink(): void;
}

/** Asks the open projection (the visible one) to rebuild, as Ctrl+Enter does. */
export const REBUILD_EVENT = 'rewind:rebuild';

/**
 * The command palette: Ctrl/Cmd+K or Ctrl+Shift+P. On open it loads the names it does not have
 * yet (every connection's resources, the read models) and lists every action by name.
 */
export function usePalette({ connections, resources, actions }: { connections: ConnectionSummary[]; resources: ReturnType<typeof useResources>; actions: Actions }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const readModelList = useQuery({ queryKey: queryKeys.readModels, queryFn: ({ signal }) => client.call('read-models/list', {}, { signal }), enabled: open });
  const readModels = useMemo(() => readModelList.data?.models.map((m) => m.name) ?? [], [readModelList.data]);
  // Items call the newest actions without being rebuilt whenever the app renders.
  const act = useRef(actions);
  act.current = actions;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if ((mod && !e.shiftKey && e.key.toLowerCase() === 'k') || (mod && e.shiftKey && e.key.toLowerCase() === 'p')) {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const { ensure } = resources;
  useEffect(() => {
    if (!open) return;
    for (const c of connections) ensure(c.id);
  }, [open, connections, ensure]);

  const items = useMemo<PaletteItem[]>(() => {
    if (!open) return [];
    const a: Actions = new Proxy({} as Actions, { get: (_t, key: keyof Actions) => act.current[key] });
    const out: PaletteItem[] = [
      { id: 'a/new-projection', label: 'New projection', detail: 'action', run: () => a.newProjection() },
      { id: 'a/rebuild', label: 'Rebuild the open projection', detail: 'action · Ctrl+Enter', run: () => window.dispatchEvent(new CustomEvent(REBUILD_EVENT)) },
      { id: 'a/add-connection', label: 'Add connection…', detail: 'action', run: () => a.addConnection() },
      { id: 'a/dead-letters', label: 'Open dead letters', detail: 'action', run: () => a.openDeadLetters() },
      { id: 'a/audit', label: 'Open the audit log', detail: 'action', run: () => a.openAudit() },
      { id: 'a/read-models', label: 'Open read models', detail: 'action', run: () => a.openReadModels(null) },
      { id: 'a/trace', label: 'Trace the conversation of the shown message…', detail: 'action', run: () => a.traceShown() },
      { id: 'a/trace-file', label: 'Open a trace file…', detail: 'action · JSON lines exported from a trace', run: () => a.openTraceFile() },
      { id: 'a/tracing-link', label: 'Set the tracing UI link…', detail: 'action · Jaeger, Tempo', run: () => a.setTracingLink() },
      { id: 'a/theme', label: `Switch to the ${actions.theme === 'dark' ? 'light' : 'dark'} theme`, detail: 'action', run: () => a.toggleTheme() },
      ...(actions.hasActiveTab ? [{ id: 'a/close-tab', label: 'Close the active tab', detail: 'action', run: () => a.closeActiveTab() }] : []),
    ];
    for (const c of connections) {
      out.push({ id: `c/${c.id}`, label: c.name, detail: `${c.kind} connection · ${c.address}`, run: () => a.selectConnection(c.id) });
      const views = describe(c.kind).views;
      if (views.includes('groups')) out.push({ id: `a/groups/${c.id}`, label: `Consumer groups of ${c.name}`, detail: 'action', run: () => a.openGroups(c) });
      if (views.includes('new-topic')) out.push({ id: `a/new-topic/${c.id}`, label: `New topic in ${c.name}…`, detail: 'action', run: () => a.newTopic(c) });
      const state = resources.states.get(c.id);
      if (state?.status === 'ready')
        out.push(
          ...resourceItems(
            c,
            state.list.resources,
            (cc, r) => a.openResource(cc, r),
            (cc, vhost) => a.openMap(cc, vhost),
          ),
        );
    }
    for (const name of readModels) out.push({ id: `rm/${name}`, label: name, detail: 'read model', run: () => a.openReadModels(name) });
    return out;
  }, [open, actions.theme, actions.hasActiveTab, connections, resources.states, readModels]);

  const loading = open && connections.some((c) => resources.states.get(c.id)?.status === 'loading');
  return { view: open ? <CommandPalette items={items} loading={loading} onClose={() => setOpen(false)} /> : null, open: () => setOpen(true) };
}
