import { useCallback, useMemo, useRef, useState } from 'react';
import { describe } from '../../../src/sources/descriptors';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../api/client-context';
import { queryKeys } from '../api/queries';
import type { DeadLetter, DeadLetterSource, Envelope, Resource } from '../api/types';
import { sortRows, type Sort } from '../records/columns';
import { RecordsPanel } from '../records/RecordsPanel';
import { ErrorBox } from '../ui/ErrorBox';
import { moveFocusInList } from '../ui/focus';
import { countTitle, formatCount, formatEstimate } from '../ui/format';
import { deadLetterColumns } from './dead-letter-columns';
import { DeathPanel } from './DeathPanel';
import { RedriveDialog } from './RedriveDialog';
import { deathGroup, noDeath, type DeathGroupBy } from '../../../src/model/dead-letters';

const PEEK = 200;
const keyOf = (s: DeadLetterSource) => `${s.connectionId}|${JSON.stringify(s.ref)}`;

type Listing = { sources: DeadLetterSource[]; unreachable: { connectionId: string; connectionName: string; message: string }[] };
type Peek = { messages: DeadLetter[]; depth: { value: number; exact: boolean }; note: string };

/**
 * Everything that died, whatever the source: Kafka dead-letter topics, RabbitMQ dead-letter
 * queues and the store's parked events, with why each message died. Looking moves nothing.
 */
type GroupBy = 'none' | DeathGroupBy;
// The core's grouping: the reason with ids masked, the origin, or the root cause's class (not a wrapper's).
const groupKey = (m: DeadLetter, by: GroupBy): string => (by === 'none' ? '' : deathGroup(m.death, by));

export function DeadLettersTab({ onOpen, onOpenAudit }: { onOpen(connectionId: string, resource: Resource): void; onOpenAudit(id: number): void }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const listQuery = useQuery({ queryKey: queryKeys.deadLetters, queryFn: ({ signal }) => client.call('dead-letters/list', {}, { signal }), staleTime: 0 });
  const listing: Listing | null = listQuery.data ?? null;
  const listError = listQuery.error;
  const loading = listQuery.isFetching;
  /** A peek learns a source's depth: the listing shows it at once. */
  const setListing = useCallback((update: (l: Listing | undefined) => Listing | undefined) => queryClient.setQueryData<Listing>(queryKeys.deadLetters, update), [queryClient]);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [peek, setPeek] = useState<Peek | null>(null);
  const [peeking, setPeeking] = useState(false);
  const [peekError, setPeekError] = useState<unknown>(null);
  const [row, setRow] = useState(-1);
  const [sort, setSort] = useState<Sort>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [groupBy, setGroupBy] = useState<GroupBy>('none');
  const [group, setGroup] = useState<string | null>(null);
  const [redriving, setRedriving] = useState<{ selection: { all: true } | { ids: string[] }; count: number } | null>(null);
  const [consented, setConsented] = useState<Set<string>>(new Set());
  const peekController = useRef<AbortController | null>(null);

  const { refetch } = listQuery;
  const refresh = useCallback(() => refetch(), [refetch]);

  const selected = listing?.sources.find((s) => keyOf(s) === selectedKey) ?? null;

  /** A classic queue is peeked only when the user asks: the peek marks messages redelivered. */
  const needsConsent = (s: DeadLetterSource) => s.resource.type === 'rabbit-queue' && s.resource.queueType === 'classic';

  const look = useCallback(
    async (s: DeadLetterSource, consent = false) => {
      peekController.current?.abort();
      const c = new AbortController();
      peekController.current = c;
      setSelectedKey(keyOf(s));
      setRow(-1);
      setPeek(null);
      setPeekError(null);
      setPicked(new Set());
      setGroup(null);
      // Failed jobs come grouped by their reason (a source's descriptor says so); a choice the user made stays.
      const preferred = describe(s.kind).redrive.groupBy;
      if (preferred) setGroupBy((g) => (g === 'none' ? preferred : g));
      if (consent) setConsented((c) => new Set(c).add(keyOf(s)));
      if (s.unavailable || (needsConsent(s) && !consent)) return;
      setPeeking(true);
      try {
        const result = await client.call('dead-letters/peek', { connectionId: s.connectionId, ref: s.ref, limit: PEEK, ...(consent ? { acceptRedelivered: true } : {}) }, { signal: c.signal });
        setPeek(result);
        // The broker's answer is fresher than the list's sampled count.
        setListing((l) => l && { ...l, sources: l.sources.map((x) => (keyOf(x) === keyOf(s) ? { ...x, depth: result.depth } : x)) });
      } catch (e) {
        if (!c.signal.aborted) setPeekError(e);
      } finally {
        if (peekController.current === c) setPeeking(false);
      }
    },
    [client, setListing],
  );

  const deaths = useMemo(() => new Map(peek?.messages.map((m) => [m.envelope, m.death]) ?? []), [peek]);
  const letters = useMemo(() => new Map(peek?.messages.map((m) => [m.envelope, m]) ?? []), [peek]);
  const groups = useMemo(() => {
    const out = new Map<string, number>();
    if (groupBy !== 'none') for (const m of peek?.messages ?? []) out.set(groupKey(m, groupBy), (out.get(groupKey(m, groupBy)) ?? 0) + 1);
    return [...out].sort((a, b) => b[1] - a[1]);
  }, [peek, groupBy]);
  const source = selected ? describe(selected.kind) : null;
  const positionLabel = selected && needsConsent(selected) ? 'Place' : (source?.positionLabel ?? 'Offset');
  const marksRedriven = source?.redrive.marksRedriven === true;
  const columns = useMemo(
    () => deadLetterColumns(positionLabel, (e) => deaths.get(e) ?? noDeath(), marksRedriven ? (e) => letters.get(e)?.redrivenAt ?? null : undefined),
    [deaths, letters, positionLabel, marksRedriven],
  );
  const rows = useMemo(
    () =>
      sortRows(
        (peek?.messages ?? []).filter((m) => group === null || groupKey(m, groupBy) === group).map((m) => m.envelope),
        columns,
        sort,
      ),
    [peek, columns, sort, group, groupBy],
  );
  const idOf = (e: Envelope) => letters.get(e)?.id ?? '';
  const picks = {
    isPicked: (i: number) => picked.has(idOf(rows[i]!)),
    toggle: (i: number) =>
      setPicked((p) => {
        const next = new Set(p);
        const id = idOf(rows[i]!);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    allPicked: rows.length > 0 && rows.every((e) => picked.has(idOf(e))),
    toggleAll: () => setPicked((p) => (rows.every((e) => p.has(idOf(e))) ? new Set() : new Set(rows.map(idOf)))),
  };
  const current: Envelope | null = rows[row] ?? null;
  const death = current ? (deaths.get(current) ?? null) : null;
  const total = listing?.sources.reduce((n, s) => n + s.depth.value, 0) ?? 0;
  /**
   * A source's depth as shown: a list read again after the peek (a refresh, another window's
   * action) brings back the management API's sample; where it still agrees with what the peek
   * counted, the count is said as exact.
   */
  const depthOf = (s: DeadLetterSource) => (peek?.depth.exact && keyOf(s) === selectedKey && !s.depth.exact && s.depth.value === peek.depth.value ? peek.depth : s.depth);

  return (
    <div className="dead-letters">
      <div className="toolbar">
        <strong>Dead letters</strong>
        <span className="muted" data-testid="dead-letter-summary">
          {listing ? `${listing.sources.length} ${listing.sources.length === 1 ? 'source' : 'sources'} · ${formatCount(total)} dead letters` : 'Asking every connection…'}
        </span>
        <span className="spacer" />
        <button className="btn" onClick={() => void refresh()} disabled={loading}>
          {loading ? 'Listing…' : 'Reload'}
        </button>
      </div>
      {listing?.unreachable.map((u) => (
        <div key={u.connectionId} className="notice warn" role="alert">
          {u.connectionName} did not answer ({u.message}); its dead letters are not listed.
        </div>
      ))}
      {listError !== null && (
        <div className="section">
          <ErrorBox error={listError} />
        </div>
      )}
      <div className="dl-body">
        <nav className="rm-list" aria-label="Dead-letter sources">
          {listing?.sources.length === 0 && (
            <div className="empty">
              <div>
                <h3>Nothing has died</h3>
                <p>
                  Topics and queues named like <span className="mono">orders.DLT</span> or <span className="mono">orders.dlq</span>, and subscriptions’ parked events, show here.
                </p>
              </div>
            </div>
          )}
          <ul className="rm-items" aria-label="Dead-letter sources" onKeyDown={moveFocusInList}>
            {listing?.sources.map((s) => (
              <li key={keyOf(s)}>
                <button className="rm-item" aria-current={keyOf(s) === selectedKey} onClick={() => void look(s)}>
                  <span className="dl-item-head">
                    <span className="badge kind">{describe(s.kind).badge}</span>
                    <span className="mono name">{s.ref.name}</span>
                    <span className={s.depth.value > 0 ? 'badge dead' : 'badge'} title={countTitle('dead letters', depthOf(s))}>
                      {formatEstimate(depthOf(s))}
                    </span>
                  </span>
                  <span className="faint">
                    {s.connectionName}
                    {s.ref.type === 'rabbit-queue' ? ` · vhost ${s.ref.vhost}` : s.ref.type === 'store-subscription' ? ' · parked events' : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="rm-main">
          {!selected ? (
            listing?.sources.length === 0 ? null : (
              <div className="empty">
                <div>
                  <h3>Pick a dead-letter source</h3>
                  <p>Its messages show with why each one died. Nothing is consumed; a classic queue is peeked only when you ask.</p>
                </div>
              </div>
            )
          ) : (
            <>
              <div className="toolbar">
                <strong className="mono">{selected.ref.name}</strong>
                <span className="muted">{peeking ? 'Reading…' : (peek?.note ?? selected.unavailable ?? '')}</span>
                <span className="spacer" />
                {needsConsent(selected) ? (
                  <button className="btn" onClick={() => void look(selected, true)} disabled={peeking} title="Takes the first messages and puts them back, in order; RabbitMQ marks them redelivered">
                    {peek ? 'Peek again' : `Peek the first ${PEEK}`}
                  </button>
                ) : (
                  <button className="btn" onClick={() => void look(selected)} disabled={peeking}>
                    Look again
                  </button>
                )}
                {(!needsConsent(selected) || peek) && !selected.unavailable && (
                  <>
                    <button className="btn" disabled={picked.size === 0} onClick={() => setRedriving({ selection: { ids: [...picked] }, count: picked.size })}>
                      Redrive {picked.size > 0 ? `${formatCount(picked.size)} picked` : 'picked'}…
                    </button>
                    <button className="btn" onClick={() => setRedriving({ selection: { all: true }, count: selected.depth.value })}>
                      Redrive all…
                    </button>
                  </>
                )}
                <OpenButton source={selected} onOpen={onOpen} />
              </div>
              <DeadLetterLinks source={selected} />
              {peek && peek.messages.length > 0 && (
                <div className="dl-groups">
                  <label>
                    Group by{' '}
                    <select className="input" value={groupBy} onChange={(e) => (setGroupBy(e.target.value as GroupBy), setGroup(null))} aria-label="Group by">
                      <option value="none">nothing</option>
                      <option value="reason">reason (ids masked)</option>
                      <option value="origin">origin</option>
                      <option value="exception">root cause</option>
                    </select>
                  </label>
                  {groups.map(([key, n]) => (
                    <button
                      key={key}
                      className="chip"
                      aria-pressed={group === key}
                      onClick={() => setGroup((g) => (g === key ? null : key))}
                      title={group === key ? 'Show all' : 'Show only these; then pick them all with the header checkbox'}
                    >
                      {key} · {formatCount(n)}
                    </button>
                  ))}
                </div>
              )}
              {selected.unavailable && <div className="notice warn">{selected.unavailable}</div>}
              {needsConsent(selected) && !peek && !peeking && (
                <div className="notice" data-testid="peek-consequence">
                  RabbitMQ has no way to read a classic queue without touching it. <strong>Peek</strong> takes the first {PEEK} messages and puts them all back in their places: nothing is lost or
                  reordered, but RabbitMQ then marks each one <em>redelivered</em>, which a consumer may treat as a retry.
                </div>
              )}
              {peekError !== null && (
                <div className="section">
                  <ErrorBox error={peekError} />
                </div>
              )}
              <RecordsPanel
                connectionId={selected.connectionId}
                target={null}
                rows={rows}
                columns={columns}
                selected={row}
                onSelect={setRow}
                sort={sort}
                onSort={setSort}
                picks={picks}
                label={`${selected.ref.name} dead letters`}
                empty={<div className="empty">{peeking ? 'Reading…' : peek ? 'No dead letters here.' : ''}</div>}
                noun={describe(selected.kind).noun}
                positionLabel={positionLabel}
                aboveDetail={death && <DeathPanel death={death} />}
              />
            </>
          )}
        </div>
      </div>
      {redriving && selected && (
        <RedriveDialog
          source={selected}
          selection={redriving.selection}
          count={redriving.count}
          onClose={() => setRedriving(null)}
          onOpenAudit={(id) => (setRedriving(null), onOpenAudit(id))}
          onDone={() => {
            void refresh();
            void look(selected, consented.has(keyOf(selected)));
          }}
        />
      )}
    </div>
  );
}

/** "work queue → DLX (key) → this queue", as the topology says; for Kafka, the topics its records came from. */
function DeadLetterLinks({ source }: { source: DeadLetterSource }) {
  const r = source.resource;
  if (r.type === 'rabbit-queue' && r.deadLetterOf?.length) {
    return (
      <div className="dl-link" data-testid="dl-links">
        {r.deadLetterOf.map((l) => (
          <div key={l.queue}>
            <span className="mono">{l.queue}</span> → <span className="mono">{l.exchange === '' ? '(default exchange)' : l.exchange}</span>
            {l.routingKey !== null && (
              <>
                {' '}
                (key <span className="mono">{l.routingKey}</span>)
              </>
            )}{' '}
            → <span className="mono">{r.name}</span>
          </div>
        ))}
        {r.deadLetterOfTotal !== undefined && r.deadLetterOfTotal > r.deadLetterOf.length && (
          <div>and {(r.deadLetterOfTotal - r.deadLetterOf.length).toLocaleString('en-US')} more queues send their dead letters here (the map lists them all)</div>
        )}
      </div>
    );
  }
  if (r.type === 'kafka-topic' && r.deadLetterOf?.length) {
    return (
      <div className="dl-link" data-testid="dl-links">
        Records from <span className="mono">{r.deadLetterOf.join(', ')}</span> (their dead-letter headers say so)
      </div>
    );
  }
  return null;
}

/** Where to act on a source: its subscription (replay), its topic or stream tab. */
function OpenButton({ source, onOpen }: { source: DeadLetterSource; onOpen(connectionId: string, resource: Resource): void }) {
  const r = source.resource;
  if (r.type === 'rabbit-queue' && r.queueType !== 'stream') return null;
  const label = r.type === 'store-subscription' ? 'Replay in subscription…' : r.type === 'kafka-topic' ? 'Open topic' : r.type === 'source' ? `Open ${r.kind}` : 'Open queue';
  return (
    <button className="btn primary" onClick={() => onOpen(source.connectionId, r)}>
      {label}
    </button>
  );
}
