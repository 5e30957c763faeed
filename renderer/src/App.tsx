import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useClient } from './api/client-context';
import type { AppInfo, ConnectionProfile, ConnectionSummary, Resource } from './api/types';
import { ConnectionDialog } from './connections/ConnectionDialog';
import { RecordsTab } from './records/RecordsTab';
import { SubscriptionTab } from './store/SubscriptionTab';
import { TopicTab } from './topics/TopicTab';
import { CreateTopicDialog } from './topics/CreateTopicDialog';
import { resourceKey } from './sidebar/tree-rows';
import { Sidebar } from './sidebar/Sidebar';
import { StatusBar } from './status/StatusBar';
import { useConnectionStatus } from './status/useConnectionStatus';
import { TabBar } from './TabBar';
import { ErrorBox } from './ui/ErrorBox';
import { useTheme } from './useTheme';

// The editor is heavy; load it with the first projection tab, not with the app. The read-model
// and dead-letter views load when first opened, too: the first paint needs neither.
const ProjectionTab = lazy(() => import('./projections/ProjectionTab').then((m) => ({ default: m.ProjectionTab })));
const ReadModelsTab = lazy(() => import('./read-models/ReadModelsTab').then((m) => ({ default: m.ReadModelsTab })));
const DeadLettersTab = lazy(() => import('./dead-letters/DeadLettersTab').then((m) => ({ default: m.DeadLettersTab })));
const GroupsTab = lazy(() => import('./groups/GroupsTab').then((m) => ({ default: m.GroupsTab })));
const AuditTab = lazy(() => import('./audit/AuditTab').then((m) => ({ default: m.AuditTab })));

type Tab =
  | { kind: 'resource'; id: string; connectionId: string; connectionName: string; resource: Resource }
  | { kind: 'projection'; id: string; title: string }
  | { kind: 'read-models'; id: typeof READ_MODELS_TAB; focus: { name: string | null; n: number } }
  | { kind: 'dead-letters'; id: typeof DEAD_LETTERS_TAB; revision: number }
  | { kind: 'audit'; id: typeof AUDIT_TAB; focus: { id: number | null; n: number } }
  | { kind: 'groups'; id: string; connectionId: string; connectionName: string };

const READ_MODELS_TAB = 'read-models';
const DEAD_LETTERS_TAB = 'dead-letters';
const AUDIT_TAB = 'audit';

type Dialog = null | { editing: ConnectionProfile | null } | { newTopic: ConnectionSummary };

export function App({ disconnected }: { disconnected: string | null }) {
  const client = useClient();
  const [theme, toggleTheme] = useTheme();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [connections, setConnections] = useState<ConnectionSummary[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [activeConnection, setActiveConnection] = useState<string>('local');
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [activeTab, setActiveTab] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [reloadToken, setReloadToken] = useState<{ id: string; n: number } | null>(null);
  const [statusRevision, setStatusRevision] = useState(0);
  const status = useConnectionStatus(connections ? activeConnection : null, statusRevision);

  const refreshConnections = useCallback(async () => {
    try {
      setConnections(await client.call('connections/list', {}));
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, [client]);

  useEffect(() => {
    client.call('app/info', {}).then(setInfo, setLoadError);
    void refreshConnections();
  }, [client, refreshConnections]);

  const openResource = (connection: ConnectionSummary, resource: Resource) => {
    const id = resourceKey(connection.id, resource);
    setTabs((ts) => (ts.some((t) => t.id === id) ? ts : [...ts, { kind: 'resource', id, connectionId: connection.id, connectionName: connection.name, resource }]));
    setActiveTab(id);
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
    setTabs((ts) =>
      ts.some((t) => t.kind === 'dead-letters')
        ? ts.map((t) => (t.kind === 'dead-letters' ? { ...t, revision: t.revision + 1 } : t))
        : [...ts, { kind: 'dead-letters', id: DEAD_LETTERS_TAB, revision: 0 }],
    );
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

  const closeTab = (id: string) => {
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
    setReloadToken((t) => ({ id: profile.id, n: (t?.n ?? 0) + 1 }));
    setStatusRevision((n) => n + 1);
  };

  const onDeleted = async (id: string) => {
    setDialog(null);
    setTabs((ts) => ts.filter((t) => t.kind !== 'resource' || t.connectionId !== id));
    if (activeConnection === id) setActiveConnection('local');
    await refreshConnections();
  };

  const appState = loadError ? 'error' : connections && info ? 'loaded' : 'loading';
  const active = connections?.find((c) => c.id === activeConnection) ?? null;

  return (
    <div className="app" data-app-state={appState}>
      <Sidebar
        connections={connections ?? []}
        activeConnectionId={activeConnection}
        onSelectConnection={setActiveConnection}
        onOpenResource={openResource}
        onOpenGroups={openGroups}
        onNewTopic={(c) => setDialog({ newTopic: c })}
        onAddConnection={() => setDialog({ editing: null })}
        onNewProjection={newProjection}
        onOpenReadModels={() => openReadModels(null)}
        onOpenDeadLetters={openDeadLetters}
        onOpenAudit={() => openAudit(null)}
        onEditConnection={(c) => void editConnection(c)}
        reloadToken={reloadToken}
      />
      <main className="main">
        {disconnected && <div className="notice warn" role="alert">{disconnected} Reconnecting…</div>}
        {loadError !== null && (
          <div className="section">
            <ErrorBox error={loadError} />
          </div>
        )}
        <TabBar
          tabs={tabs.map((t) => ({ id: t.id, title: tabTitle(t), subtitle: tabSubtitle(t) }))}
          active={activeTab}
          onSelect={setActiveTab}
          onClose={closeTab}
        />
        {tabs.length === 0 && <Welcome onNewProjection={newProjection} />}
        {tabs.map((t) => (
          <section key={t.id} className="tab-panel" role="tabpanel" hidden={t.id !== activeTab} aria-label={tabTitle(t)}>
            {t.kind === 'resource' && t.resource.type === 'store-subscription' ? (
              <SubscriptionTab connectionId={t.connectionId} name={t.resource.name} onChanged={() => setReloadToken((r) => ({ id: t.connectionId, n: (r?.n ?? 0) + 1 }))} />
            ) : t.kind === 'resource' && t.resource.type === 'kafka-topic' ? (
              <TopicTab connectionId={t.connectionId} resource={t.resource} onChanged={() => setReloadToken((r) => ({ id: t.connectionId, n: (r?.n ?? 0) + 1 }))} />
            ) : t.kind === 'resource' ? (
              <RecordsTab connectionId={t.connectionId} resource={t.resource} onStoreChanged={() => setReloadToken((r) => ({ id: t.connectionId, n: (r?.n ?? 0) + 1 }))} />
            ) : t.kind === 'dead-letters' ? (
              <Suspense fallback={<div className="empty">Loading…</div>}>
                <DeadLettersTab
                  revision={t.revision}
                  onOpenAudit={openAudit}
                  onOpen={(connectionId, resource) => {
                    const c = connections?.find((x) => x.id === connectionId);
                    if (c) openResource(c, resource);
                  }}
                />
              </Suspense>
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
                  connections={connections ?? []}
                  dark={theme === 'dark'}
                  onSubscriptionSaved={(id) => setReloadToken((r) => ({ id, n: (r?.n ?? 0) + 1 }))}
                  onOpenReadModel={openReadModels}
                />
              </Suspense>
            )}
          </section>
        ))}
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
            setReloadToken((r) => ({ id, n: (r?.n ?? 0) + 1 }));
          }}
        />
      )}
      {dialog && 'editing' in dialog && <ConnectionDialog editing={dialog.editing} info={info} onClose={() => setDialog(null)} onSaved={(p) => void onSaved(p)} onDeleted={(id) => void onDeleted(id)} />}
    </div>
  );
}

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
      return t.connectionName;
  }
}

function Welcome({ onNewProjection }: { onNewProjection(): void }) {
  return (
    <div className="tab-panel">
      <div className="welcome">
        <h1>Pick something to read</h1>
        <p className="muted">The local event store on the left holds a demo: bank accounts and shopping carts.</p>
        <ol>
          <li>Open a stream (such as <span className="mono">account-A-17</span>) or <span className="mono">$all</span> to read its events.</li>
          <li>Add a Kafka cluster or a RabbitMQ broker with <strong>+ Add connection</strong>, then open a topic or a stream queue.</li>
          <li>
            Write a <button className="btn small" onClick={onNewProjection}>New projection</button> and rebuild it from any position of any source; scrub back in time; diff two versions.
          </li>
          <li>In the sidebar and the table, <kbd>↑</kbd> <kbd>↓</kbd> move, <kbd>Enter</kbd> opens, <kbd>Ctrl</kbd>+<kbd>C</kbd> copies a payload.</li>
        </ol>
      </div>
    </div>
  );
}
