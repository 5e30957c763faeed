import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from './api/client-context';
import type { AppInfo, ConnectionProfile, ConnectionSummary, Resource } from './api/types';
import { ConnectionDialog } from './connections/ConnectionDialog';
import { ResourceTab } from './records/ResourceTab';
import { CreateTopicDialog } from './topics/CreateTopicDialog';
import { resourceKey } from './sidebar/tree-rows';
import { Sidebar } from './sidebar/Sidebar';
import { useResources } from './sidebar/useResources';
import { usePalette } from './palette/usePalette';
import { StatusBar } from './status/StatusBar';
import { useConnectionStatus } from './status/useConnectionStatus';
import { TabBar } from './TabBar';
import { ErrorBox } from './ui/ErrorBox';
import { ViewBoundary } from './ui/ViewBoundary';
import { useTheme } from './useTheme';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from './api/queries';
import { JobsPanel } from './jobs/JobsPanel';
import { useJobs } from './jobs/useJobs';
import type { Job } from '../../src/model/jobs';
import { DiscardDraftDialog } from './workspace/DiscardDraftDialog';
import { loadWorkspace, type ProjectionDraft, type SavedTab } from './workspace/saved-workspace';
import { runDraft } from './projections/detached-runs';
import { MapTab } from './rabbit/MapTab';
import { useWorkspacePersistence } from './workspace/useWorkspacePersistence';
import { StartNotices } from './notices/StartNotices';
import { learnLooks } from '../../src/sources/descriptors';
import type { MemberRef, TraceRequest } from '../../src/model/trace';
import { TraceActionsProvider, type TraceActions, type TraceOrigin } from './trace/trace-launch';
import { TraceDialog } from './trace/TraceDialog';
import { TracingLinkDialog } from './trace/TracingLinkDialog';
import { readTraceFile } from './trace/trace-file';
import type { TraceStart } from './trace/TraceTab';
import type { CatalogueStart } from './trace/CatalogueTab';
import type { CatalogueRequest } from '../../src/model/catalogue';
import type { RecordFocus } from './records/record-focus';

/** The connections as listed, once the looks of registered sources among them are learned. */
function learned(list: ConnectionSummary[]): ConnectionSummary[] {
  learnLooks(list);
  return list;
}

// The editor is heavy; load it with the first projection tab, not with the app. The read-model
// and dead-letter views load when first opened, too: the first paint needs neither.
const ProjectionTab = lazy(() => import('./projections/ProjectionTab').then((m) => ({ default: m.ProjectionTab })));
const ReadModelsTab = lazy(() => import('./read-models/ReadModelsTab').then((m) => ({ default: m.ReadModelsTab })));
const DeadLettersTab = lazy(() => import('./dead-letters/DeadLettersTab').then((m) => ({ default: m.DeadLettersTab })));
const GroupsTab = lazy(() => import('./groups/GroupsTab').then((m) => ({ default: m.GroupsTab })));
const TraceTab = lazy(() => import('./trace/TraceTab').then((m) => ({ default: m.TraceTab })));
const CatalogueTab = lazy(() => import('./trace/CatalogueTab').then((m) => ({ default: m.CatalogueTab })));
const AuditTab = lazy(() => import('./audit/AuditTab').then((m) => ({ default: m.AuditTab })));

type Tab =
  | { kind: 'resource'; id: string; connectionId: string; connectionName: string; resource: Resource; attachJob?: { id: string; n: number }; focus?: RecordFocus }
  | { kind: 'trace'; id: string; title: string; start: TraceStart }
  | { kind: 'catalogue'; id: string; title: string; connectionName: string; start: CatalogueStart }
  | { kind: 'projection'; id: string; title: string; attachJob?: string }
  | { kind: 'read-models'; id: typeof READ_MODELS_TAB; focus: { name: string | null; n: number } }
  | { kind: 'dead-letters'; id: typeof DEAD_LETTERS_TAB }
  | { kind: 'audit'; id: typeof AUDIT_TAB; focus: { id: number | null; n: number } }
  | { kind: 'groups'; id: string; connectionId: string; connectionName: string }
  | { kind: 'rabbit-map'; id: string; connectionId: string; connectionName: string; vhost: string; select?: { queue: string; n: number } };

const READ_MODELS_TAB = 'read-models';
const DEAD_LETTERS_TAB = 'dead-letters';
const AUDIT_TAB = 'audit';

type Dialog = null | { editing: ConnectionProfile | null } | { newTopic: ConnectionSummary } | { trace: TraceOrigin } | { tracingLink: true };

export function App({ disconnected }: { disconnected: string | null }) {
  const client = useClient();
  const [theme, toggleTheme] = useTheme();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const queryClient = useQueryClient();
  const connectionsQuery = useQuery({ queryKey: queryKeys.connections, queryFn: async ({ signal }) => learned(await client.call('connections/list', {}, { signal })) });
  const connections = connectionsQuery.data ?? null;
  const [loadError, setLoadError] = useState<unknown>(null);
  const [activeConnection, setActiveConnection] = useState<string>('local');
  // Tabs and drafts come back after a reload or a renderer crash.
  const [restored] = useState(loadWorkspace);
  const [tabs, setTabs] = useState<Tab[]>(() => restored.tabs.map(fromSaved));
  const [activeTab, setActiveTab] = useState<string | null>(restored.active);
  const drafts = useRef(new Map(restored.tabs.flatMap((t): [string, ProjectionDraft][] => (t.kind === 'projection' && t.draft ? [[t.id, t.draft]] : []))));
  const [discarding, setDiscarding] = useState<string | null>(null);
  const { storageProblem, draftChanged } = useWorkspacePersistence(tabs, activeTab, (t) => toSaved(t, drafts.current.get(t.id) ?? null));
  const [dialog, setDialog] = useState<Dialog>(null);
  /** A connection to show opened in the sidebar (a saved one), freshly listed. */
  const [reveal, setReveal] = useState<{ id: string; n: number } | null>(null);
  const status = useConnectionStatus(connections ? activeConnection : null);

  const refreshConnections = useCallback(() => queryClient.invalidateQueries({ queryKey: queryKeys.connections }), [queryClient]);
  /** What a source holds changed (a topic made or deleted, events appended, a subscription saved): list it again. */
  const sourceChanged = useCallback((id: string) => void queryClient.invalidateQueries({ queryKey: queryKeys.resources(id) }), [queryClient]);

  useEffect(() => {
    client.call('app/info', {}).then(setInfo, setLoadError);
  }, [client]);

  // The status bar and the sidebar's bar follow the tab being looked at, when it belongs to a connection.
  const activeTabConnection = tabs.find((t) => t.id === activeTab && (t.kind === 'resource' || t.kind === 'groups' || t.kind === 'rabbit-map'));
  const followConnection = activeTabConnection && 'connectionId' in activeTabConnection ? activeTabConnection.connectionId : null;
  useEffect(() => {
    if (followConnection) setActiveConnection(followConnection);
  }, [followConnection]);

  // A restored tab of a connection that has since been removed has nothing to show.
  useEffect(() => {
    if (connections) setTabs((ts) => (ts.some((t) => isOrphan(t, connections)) ? ts.filter((t) => !isOrphan(t, connections)) : ts));
  }, [connections]);

  const openResource = (connection: ConnectionSummary, resource: Resource, attachJob?: string, focus?: RecordFocus) => {
    const id = resourceKey(connection.id, resource);
    const attach = attachJob ? { id: attachJob, n: Date.now() } : undefined;
    setTabs((ts) =>
      ts.some((t) => t.id === id)
        ? ts.map((t) => (t.id === id && t.kind === 'resource' && (attach || focus) ? { ...t, ...(attach ? { attachJob: attach } : {}), ...(focus ? { focus } : {}) } : t))
        : [...ts, { kind: 'resource', id, connectionId: connection.id, connectionName: connection.name, resource, ...(attach ? { attachJob: attach } : {}), ...(focus ? { focus } : {}) }],
    );
    setActiveTab(id);
  };

  /** A trace tab: a new trace, a trace job taken back, or a trace read from a file. */
  const openTrace = (start: TraceStart, title: string) => {
    const id = `trace-${Date.now()}`;
    setTabs((ts) => [...ts, { kind: 'trace', id, title, start }]);
    setActiveTab(id);
  };
  const traceTitle = (r: TraceRequest) => `Trace ${r.key.value.length > 14 ? `${r.key.value.slice(0, 13)}…` : r.key.value}`;
  /** A place's tab (found by type and name in the connection's listing), opened on a record or a type. */
  const openPlace = (connectionId: string, place: CatalogueRequest['resource'], focus: RecordFocus) => {
    const connection = connections?.find((c) => c.id === connectionId);
    if (!connection) return setLoadError(new Error('That connection is no longer there.'));
    void client.call('resources/list', { connectionId: connection.id }).then(({ resources: list }) => {
      const r = list.find((x) => x.type === place.resourceType && x.name === place.resource && (x.type !== 'rabbit-queue' || x.vhost === place.vhost));
      if (!r) return setLoadError(new Error(`${place.resource} is no longer in ${connection.name}.`));
      openResource(connection, r, undefined, focus);
      focusOpenedTable(r.name);
    }, setLoadError);
  };
  /** A trace's member in its own view: its topic, stream or queue, read from its position with it selected. */
  const openMember = (ref: MemberRef) => openPlace(ref.where.connectionId, ref.where, { kind: 'record', partition: ref.partition, position: ref.position, n: Date.now() });
  const openCatalogue = (connectionId: string, place: CatalogueRequest['resource']) => {
    // One catalogue tab a place: asked again, it is shown (Build again reads anew).
    const open = tabs.find(
      (t) =>
        t.kind === 'catalogue' &&
        t.start.kind === 'build' &&
        t.start.connectionId === connectionId &&
        t.start.place.resource === place.resource &&
        t.start.place.resourceType === place.resourceType &&
        t.start.place.vhost === place.vhost,
    );
    if (open) return setActiveTab(open.id);
    const id = `catalogue-${Date.now()}`;
    const connectionName = connections?.find((c) => c.id === connectionId)?.name ?? connectionId;
    setTabs((ts) => [
      ...ts,
      { kind: 'catalogue', id, title: `Catalogue ${place.resource.length > 18 ? `${place.resource.slice(0, 17)}…` : place.resource}`, connectionName, start: { kind: 'build', connectionId, place } },
    ]);
    setActiveTab(id);
  };
  const openCatalogueJob = (jobId: string, title: string) => {
    const id = `catalogue-${Date.now()}`;
    setTabs((ts) => [...ts, { kind: 'catalogue', id, title: title.length > 26 ? `${title.slice(0, 25)}…` : title, connectionName: '', start: { kind: 'attach', jobId } }]);
    setActiveTab(id);
  };
  /** The message whose detail is shown last: what the palette's "Trace" starts from. */
  const shownRecord = useRef<TraceOrigin | null>(null);
  // The actions below stay one object for the whole session; they call the newest functions.
  const latest = useRef({ openMember, openCatalogue, openPlace });
  latest.current = { openMember, openCatalogue, openPlace };
  const traceActions = useMemo<TraceActions>(
    () => ({
      start: (origin) => setDialog({ trace: origin }),
      open: (ref) => latest.current.openMember(ref),
      shown: (origin) => (shownRecord.current = origin),
      catalogue: (connectionId, place) => latest.current.openCatalogue(connectionId, place),
      showType: (connectionId, place, type) => latest.current.openPlace(connectionId, place, { kind: 'type', type, n: Date.now() }),
    }),
    [],
  );
  const traceFileInput = useRef<HTMLInputElement>(null);
  const openTraceFile = async (file: File) => {
    try {
      const { head, members } = readTraceFile(await file.text());
      openTrace({ kind: 'file', request: head.request, summary: head.summary, members }, traceTitle(head.request));
    } catch (e) {
      setLoadError(e);
    }
  };

  const { jobs, notices, dismissNotice } = useJobs();
  const resources = useResources();
  /** The jobs panel's Open: the view a job belongs to (a search's topic shows the search's hits). */
  const openerOf = (job: Job): (() => void) | null => {
    const place = job.place;
    const connection = 'connectionId' in place ? connections?.find((c) => c.id === place.connectionId) : undefined;
    switch (place.kind) {
      case 'topic':
      case 'subscription':
        if (!connection) return null;
        return () =>
          void client.call('resources/list', { connectionId: connection.id }).then(({ resources }) => {
            const r = resources.find((x) => (place.kind === 'topic' ? x.type === 'kafka-topic' && x.name === place.topic : x.type === 'store-subscription' && x.name === place.name));
            if (r) openResource(connection, r, place.kind === 'topic' && job.method === 'topics/search' && job.survivesClose ? job.id : undefined);
          }, setLoadError);
      case 'read-models':
        return () => openReadModels(place.name);
      case 'dead-letters':
        return openDeadLetters;
      case 'groups':
        return connection ? () => openGroups(connection) : null;
      case 'projection':
        return () => reopenRun(job.id);
      case 'records':
        if (!connection) return null;
        return () =>
          void client.call('resources/list', { connectionId: connection.id }).then(({ resources }) => {
            const r = resources.find((x) => x.type === place.resourceType && x.name === place.name);
            if (r) openResource(connection, r, job.id);
          }, setLoadError);
      case 'catalogue':
        return () => openCatalogueJob(job.id, job.title);
      case 'trace':
        return () => openTrace({ kind: 'attach', jobId: job.id }, job.title.length > 24 ? `${job.title.slice(0, 23)}…` : job.title);
      case 'none':
        return null;
    }
  };

  /** A rebuild that went on without its tab: a tab again, with its code, attached to the run. */
  const reopenRun = (jobId: string) => {
    const open = tabs.find((t) => t.kind === 'projection' && t.attachJob === jobId);
    if (open) return setActiveTab(open.id);
    const kept = runDraft(jobId);
    const id = `projection-${Date.now()}`;
    if (kept) drafts.current.set(id, kept.draft);
    setTabs((ts) => [...ts, { kind: 'projection', id, title: kept?.title ?? 'Reopened run', attachJob: jobId }]);
    setActiveTab(id);
  };

  /** One map tab per RabbitMQ vhost; opened again with a queue, it selects that queue. */
  const openMap = (connection: ConnectionSummary, vhost: string, queue: string | null = null) => {
    const id = `map:${connection.id}:${vhost}`;
    const select = queue !== null ? { queue, n: Date.now() } : undefined;
    setTabs((ts) =>
      ts.some((t) => t.id === id)
        ? ts.map((t) => (t.id === id && t.kind === 'rabbit-map' && select ? { ...t, select } : t))
        : [...ts, { kind: 'rabbit-map', id, connectionId: connection.id, connectionName: connection.name, vhost, ...(select ? { select } : {}) }],
    );
    setActiveTab(id);
  };
  /** A queue's page (its tab), found by name in the broker's listing. */
  const openQueue = (connectionId: string, vhost: string, queue: string) => {
    const connection = connections?.find((c) => c.id === connectionId);
    if (!connection) return;
    void client.call('resources/list', { connectionId }).then(({ resources }) => {
      const r = resources.find((x) => x.type === 'rabbit-queue' && x.vhost === vhost && x.name === queue);
      if (r) openResource(connection, r);
    }, setLoadError);
  };

  /** One groups tab per Kafka connection. */
  const openGroups = (connection: ConnectionSummary) => {
    const id = `groups:${connection.id}`;
    setTabs((ts) => (ts.some((t) => t.id === id) ? ts : [...ts, { kind: 'groups', id, connectionId: connection.id, connectionName: connection.name }]));
    setActiveTab(id);
  };

  const newProjection = () => {
    const n = tabs.filter((t) => t.kind === 'projection').length + 1;
    const id = `projection-${Date.now()}`;
    setTabs((ts) => [...ts, { kind: 'projection', id, title: `Projection ${n}` }]);
    setActiveTab(id);
  };

  /** One read-models tab; opening it again (say, after a save) shows that model. */
  const openReadModels = (name: string | null) => {
    setTabs((ts) => {
      const existing = ts.find((t) => t.kind === 'read-models');
      const focus = { name, n: existing?.kind === 'read-models' ? existing.focus.n + 1 : 0 };
      return existing ? ts.map((t) => (t.kind === 'read-models' ? { ...t, focus } : t)) : [...ts, { kind: 'read-models', id: READ_MODELS_TAB, focus }];
    });
    setActiveTab(READ_MODELS_TAB);
  };

  /** One dead-letters tab; opening it again lists again. */
  const openDeadLetters = () => {
    setTabs((ts) => (ts.some((t) => t.kind === 'dead-letters') ? ts : [...ts, { kind: 'dead-letters', id: DEAD_LETTERS_TAB }]));
    void queryClient.invalidateQueries({ queryKey: queryKeys.deadLetters });
    setActiveTab(DEAD_LETTERS_TAB);
  };

  /** One audit tab; opened for an entry, it selects that entry. */
  const openAudit = (id: number | null) => {
    setTabs((ts) => {
      const existing = ts.find((t) => t.kind === 'audit');
      const focus = { id, n: existing?.kind === 'audit' ? existing.focus.n + 1 : 0 };
      return existing ? ts.map((t) => (t.kind === 'audit' ? { ...t, focus } : t)) : [...ts, { kind: 'audit', id: AUDIT_TAB, focus }];
    });
    setActiveTab(AUDIT_TAB);
  };

  /** Unsaved projection code is not thrown away without asking. */
  const requestClose = (id: string) => {
    const d = drafts.current.get(id);
    if (d && d.code !== d.baseline) setDiscarding(id);
    else closeTab(id);
  };

  const closeTab = (id: string) => {
    drafts.current.delete(id);
    setTabs((ts) => {
      const i = ts.findIndex((t) => t.id === id);
      const next = ts.filter((t) => t.id !== id);
      if (activeTab === id) setActiveTab(next[Math.min(i, next.length - 1)]?.id ?? null);
      return next;
    });
  };

  const editConnection = async (c: ConnectionSummary) => {
    try {
      setDialog({ editing: await client.call('connections/get', { connectionId: c.id }) });
    } catch (e) {
      setLoadError(e);
    }
  };

  const onSaved = async (profile: ConnectionProfile) => {
    setDialog(null);
    await refreshConnections();
    setActiveConnection(profile.id);
    sourceChanged(profile.id);
    void queryClient.invalidateQueries({ queryKey: queryKeys.status(profile.id) });
    setReveal((t) => ({ id: profile.id, n: (t?.n ?? 0) + 1 }));
  };

  const onDeleted = async (id: string) => {
    setDialog(null);
    setTabs((ts) => ts.filter((t) => t.kind !== 'resource' || t.connectionId !== id));
    if (activeConnection === id) setActiveConnection('local');
    queryClient.removeQueries({ queryKey: queryKeys.resources(id) });
    await refreshConnections();
  };

  const palette = usePalette({
    connections: connections ?? [],
    resources,
    actions: {
      selectConnection: setActiveConnection,
      openResource: (c, r) => openResource(c, r),
      openMap: (c, vhost) => openMap(c, vhost, null),
      openGroups,
      newTopic: (c) => setDialog({ newTopic: c }),
      newProjection,
      addConnection: () => setDialog({ editing: null }),
      openReadModels,
      openDeadLetters,
      openAudit: () => openAudit(null),
      toggleTheme,
      theme,
      closeActiveTab: () => activeTab && requestClose(activeTab),
      traceShown: () => {
        if (shownRecord.current) setDialog({ trace: shownRecord.current });
        else setLoadError(new Error('Select a message first: its detail pane shows what the trace follows.'));
      },
      openTraceFile: () => traceFileInput.current?.click(),
      setTracingLink: () => setDialog({ tracingLink: true }),
      hasActiveTab: activeTab !== null && tabs.length > 0,
    },
  });

  const shownError = loadError ?? connectionsQuery.error;
  const appState = shownError ? 'error' : connections && info ? 'loaded' : 'loading';
  const active = connections?.find((c) => c.id === activeConnection) ?? null;

  return (
    <TraceActionsProvider value={traceActions}>
      <div className="app" data-app-state={appState}>
        <Sidebar
          resources={resources}
          connections={connections ?? []}
          activeConnectionId={activeConnection}
          activeResource={activeResourceOf(tabs.find((t) => t.id === activeTab))}
          onSelectConnection={setActiveConnection}
          onOpenResource={openResource}
          onOpenGroups={openGroups}
          onOpenMap={(c, vhost) => openMap(c, vhost)}
          onNewTopic={(c) => setDialog({ newTopic: c })}
          onAddConnection={() => setDialog({ editing: null })}
          onNewProjection={newProjection}
          onOpenReadModels={() => openReadModels(null)}
          onOpenDeadLetters={openDeadLetters}
          onOpenAudit={() => openAudit(null)}
          onEditConnection={(c) => void editConnection(c)}
          reveal={reveal}
        />
        <main className="main">
          {disconnected && (
            <div className="notice warn" role="alert">
              {disconnected} Reconnecting…
            </div>
          )}
          <StartNotices info={info} />
          {shownError !== null && (
            <div className="section">
              <ErrorBox error={shownError} />
            </div>
          )}
          <TabBar tabs={tabs.map((t) => ({ id: t.id, title: tabTitle(t), subtitle: tabSubtitle(t) }))} active={activeTab} onSelect={setActiveTab} onClose={requestClose} />
          {storageProblem && (
            <div className="notice warn" role="alert">
              {storageProblem}
            </div>
          )}
          {tabs.length === 0 && <Welcome onNewProjection={newProjection} />}
          {tabs.map((t) => (
            <section key={t.id} className="tab-panel" role="tabpanel" hidden={t.id !== activeTab} aria-label={tabTitle(t)}>
              <ViewBoundary name={tabTitle(t)}>
                {t.kind === 'resource' ? (
                  <ResourceTab
                    connectionId={t.connectionId}
                    resource={t.resource}
                    dark={theme === 'dark'}
                    attachJob={t.attachJob ?? null}
                    focus={t.focus ?? null}
                    onChanged={() => sourceChanged(t.connectionId)}
                    onOpenMap={(vhost, queue) => {
                      const c = connections?.find((x) => x.id === t.connectionId);
                      if (c) openMap(c, vhost, queue);
                    }}
                    onOpenQueue={(vhost, queue) => openQueue(t.connectionId, vhost, queue)}
                  />
                ) : t.kind === 'catalogue' ? (
                  <Suspense fallback={<div className="empty">Loading…</div>}>
                    <CatalogueTab start={t.start} connectionName={t.connectionName} />
                  </Suspense>
                ) : t.kind === 'trace' ? (
                  <Suspense fallback={<div className="empty">Loading…</div>}>
                    <TraceTab start={t.start} dark={theme === 'dark'} />
                  </Suspense>
                ) : t.kind === 'dead-letters' ? (
                  <Suspense fallback={<div className="empty">Loading…</div>}>
                    <DeadLettersTab
                      onOpenAudit={openAudit}
                      onOpen={(connectionId, resource) => {
                        const c = connections?.find((x) => x.id === connectionId);
                        if (c) openResource(c, resource);
                      }}
                    />
                  </Suspense>
                ) : t.kind === 'rabbit-map' ? (
                  <MapTab
                    connectionId={t.connectionId}
                    vhost={t.vhost}
                    select={t.select ?? null}
                    onOpenQueue={(q) => openQueue(t.connectionId, t.vhost, q)}
                    onChanged={() => sourceChanged(t.connectionId)}
                  />
                ) : t.kind === 'groups' ? (
                  <Suspense fallback={<div className="empty">Loading…</div>}>
                    <GroupsTab connectionId={t.connectionId} connectionName={t.connectionName} />
                  </Suspense>
                ) : t.kind === 'audit' ? (
                  <Suspense fallback={<div className="empty">Loading…</div>}>
                    <AuditTab focus={t.focus} onOpenDeadLetters={openDeadLetters} />
                  </Suspense>
                ) : t.kind === 'read-models' ? (
                  <Suspense fallback={<div className="empty">Loading…</div>}>
                    <ReadModelsTab connections={connections ?? []} focus={t.focus} />
                  </Suspense>
                ) : (
                  <Suspense fallback={<div className="empty">Loading the editor…</div>}>
                    <ProjectionTab
                      initialDraft={drafts.current.get(t.id) ?? null}
                      onDraft={(d) => {
                        drafts.current.set(t.id, d);
                        draftChanged();
                      }}
                      connections={connections ?? []}
                      dark={theme === 'dark'}
                      onSubscriptionSaved={sourceChanged}
                      onOpenReadModel={openReadModels}
                      title={t.title}
                      attachJob={t.attachJob ?? null}
                    />
                  </Suspense>
                )}
              </ViewBoundary>
            </section>
          ))}
          <ViewBoundary name="jobs">
            <JobsPanel jobs={jobs} notices={notices} onDismissNotice={dismissNotice} openerOf={openerOf} />
          </ViewBoundary>
        </main>
        <StatusBar connection={active} status={status} info={info} theme={theme} onToggleTheme={toggleTheme} />
        {dialog && 'newTopic' in dialog && (
          <CreateTopicDialog
            connectionId={dialog.newTopic.id}
            connectionName={dialog.newTopic.name}
            onClose={() => setDialog(null)}
            onCreated={() => {
              const id = dialog.newTopic.id;
              setDialog(null);
              sourceChanged(id);
            }}
          />
        )}
        {palette.view}
        {discarding && (
          <DiscardDraftDialog
            title={tabs.find((t) => t.id === discarding)?.kind === 'projection' ? tabTitle(tabs.find((t) => t.id === discarding)!) : 'this projection'}
            onKeep={() => setDiscarding(null)}
            onDiscard={() => {
              closeTab(discarding);
              setDiscarding(null);
            }}
          />
        )}
        {dialog && 'trace' in dialog && (
          <TraceDialog
            origin={dialog.trace}
            connections={connections ?? []}
            onClose={() => setDialog(null)}
            onStart={(request) => {
              setDialog(null);
              openTrace({ kind: 'run', request }, traceTitle(request));
            }}
          />
        )}
        {dialog && 'tracingLink' in dialog && <TracingLinkDialog onClose={() => setDialog(null)} />}
        <input
          ref={traceFileInput}
          type="file"
          accept=".jsonl,.json,application/x-ndjson"
          hidden
          aria-label="Trace file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void openTraceFile(f);
          }}
        />
        {dialog && 'editing' in dialog && (
          <ConnectionDialog editing={dialog.editing} info={info} onClose={() => setDialog(null)} onSaved={(p) => void onSaved(p)} onDeleted={(id) => void onDeleted(id)} />
        )}
      </div>
    </TraceActionsProvider>
  );
}

/** The keyboard goes on in the view a member opened in: its table, once the tab shows it (a second at most). */
function focusOpenedTable(tab: string) {
  const started = Date.now();
  const look = () => {
    const grid = document.querySelector<HTMLElement>(`[role="tabpanel"][aria-label="${CSS.escape(tab)}"]:not([hidden]) [role="grid"]`);
    if (grid) grid.focus();
    else if (Date.now() - started < 1000) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

function fromSaved(t: SavedTab): Tab {
  switch (t.kind) {
    case 'resource':
    case 'groups':
    case 'rabbit-map':
      return t;
    case 'projection':
      return { kind: 'projection', id: t.id, title: t.title };
    case 'read-models':
      return { kind: 'read-models', id: READ_MODELS_TAB, focus: { name: null, n: 0 } };
    case 'dead-letters':
      return { kind: 'dead-letters', id: DEAD_LETTERS_TAB };
    case 'audit':
      return { kind: 'audit', id: AUDIT_TAB, focus: { id: null, n: 0 } };
  }
}

function toSaved(t: Tab, draft: ProjectionDraft | null): SavedTab | null {
  switch (t.kind) {
    case 'resource': {
      const { focus: _focus, ...saved } = t;
      return saved;
    }
    case 'groups':
      return t;
    case 'trace':
    case 'catalogue':
      return null;
    case 'rabbit-map':
      return { kind: 'rabbit-map', id: t.id, connectionId: t.connectionId, connectionName: t.connectionName, vhost: t.vhost };
    case 'projection':
      return { kind: 'projection', id: t.id, title: t.title, draft };
    case 'read-models':
      return { kind: 'read-models', id: READ_MODELS_TAB };
    case 'dead-letters':
      return { kind: 'dead-letters', id: DEAD_LETTERS_TAB };
    case 'audit':
      return { kind: 'audit', id: AUDIT_TAB };
  }
}

/** The sidebar row of a tab, if it shows one resource. */
function activeResourceOf(t: Tab | undefined): { connectionId: string; type: string; name: string } | null {
  return t?.kind === 'resource' ? { connectionId: t.connectionId, type: t.resource.type, name: t.resource.name } : null;
}

const isOrphan = (t: Tab, connections: ConnectionSummary[]) => (t.kind === 'resource' || t.kind === 'groups' || t.kind === 'rabbit-map') && !connections.some((c) => c.id === t.connectionId);

function tabTitle(t: Tab): string {
  switch (t.kind) {
    case 'resource':
      return t.resource.name;
    case 'projection':
      return t.title;
    case 'read-models':
      return 'Read models';
    case 'dead-letters':
      return 'Dead letters';
    case 'audit':
      return 'Audit';
    case 'groups':
      return 'Consumer groups';
    case 'rabbit-map':
      return `Map ${t.vhost}`;
    case 'trace':
    case 'catalogue':
      return t.title;
  }
}

function tabSubtitle(t: Tab): string {
  switch (t.kind) {
    case 'resource':
      return t.connectionName;
    case 'projection':
      return 'projection';
    case 'read-models':
      return 'SQLite';
    case 'dead-letters':
      return 'all sources';
    case 'audit':
      return 'who moved what';
    case 'groups':
    case 'rabbit-map':
      return t.connectionName;
    case 'trace':
      return 'conversation';
    case 'catalogue':
      return t.connectionName || 'events';
  }
}

function Welcome({ onNewProjection }: { onNewProjection(): void }) {
  return (
    <div className="tab-panel">
      <div className="welcome">
        <h1>Pick something to read</h1>
        <p className="muted">The local event store on the left holds a demo: bank accounts and shopping carts.</p>
        <ol>
          <li>
            Open a stream (such as <span className="mono">account-A-17</span>) or <span className="mono">$all</span> to read its events.
          </li>
          <li>
            Add a Kafka cluster or a RabbitMQ broker with <strong>+ Add connection</strong>, then open a topic or a stream queue.
          </li>
          <li>
            Write a{' '}
            <button className="btn small" onClick={onNewProjection}>
              New projection
            </button>{' '}
            and rebuild it from any position of any source; scrub back in time; diff two versions.
          </li>
          <li>
            <kbd>Ctrl</kbd>+<kbd>K</kbd> goes to anything by name. In the sidebar <kbd>↑</kbd> <kbd>↓</kbd> move and <kbd>Enter</kbd> opens; in a table <kbd>↑</kbd> <kbd>↓</kbd> pick a row and{' '}
            <kbd>Ctrl</kbd>+<kbd>C</kbd> copies its payload.
          </li>
        </ol>
      </div>
    </div>
  );
}
