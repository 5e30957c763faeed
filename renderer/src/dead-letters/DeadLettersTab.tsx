import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { DeadLetter, DeadLetterSource, Envelope, Resource } from '../api/types';
import { nextSort, sortRows, type Sort } from '../records/columns';
import { DetailPane, payloadText } from '../records/DetailPane';
import { RecordsTable } from '../records/RecordsTable';
import { copyText } from '../ui/copy';
import { ErrorBox } from '../ui/ErrorBox';
import { countTitle, formatCount, formatEstimate } from '../ui/format';
import { deadLetterColumns } from './dead-letter-columns';
import { DeathPanel } from './DeathPanel';
import { noDeath } from '../../../src/model/dead-letters';

const PEEK = 200;
const KIND = { kafka: 'kafka', rabbitmq: 'rabbit', store: 'store' } as const;
const keyOf = (s: DeadLetterSource) => `${s.connectionId}|${JSON.stringify(s.ref)}`;

type Listing = { sources: DeadLetterSource[]; unreachable: { connectionId: string; connectionName: string; message: string }[] };
type Peek = { messages: DeadLetter[]; depth: { value: number; exact: boolean }; note: string };

/**
 * Everything that died, whatever the source: Kafka dead-letter topics, RabbitMQ dead-letter
 * queues and the store's parked events, with why each message died. Looking moves nothing.
 */
export function DeadLettersTab({ onOpen, revision }: { onOpen(connectionId: string, resource: Resource): void; revision: number }) {
  const client = useClient();
  const [listing, setListing] = useState<Listing | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [peek, setPeek] = useState<Peek | null>(null);
  const [peeking, setPeeking] = useState(false);
  const [peekError, setPeekError] = useState<unknown>(null);
  const [row, setRow] = useState(-1);
  const [sort, setSort] = useState<Sort>(null);
  const peekController = useRef<AbortController | null>(null);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setListing(await client.call('dead-letters/list', {}));
      setListError(null);
    } catch (e) {
      setListError(e);
    } finally {
      setLoading(false);
    }
  }, [client]);

  useEffect(() => void refresh(), [refresh, revision]);

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
    [client],
  );

  const deaths = useMemo(() => new Map(peek?.messages.map((m) => [m.envelope, m.death]) ?? []), [peek]);
  const positionLabel = selected?.kind === 'store' ? 'Position' : selected && needsConsent(selected) ? 'Place' : 'Offset';
  const columns = useMemo(() => deadLetterColumns(positionLabel, (e) => deaths.get(e) ?? noDeath()), [deaths, positionLabel]);
  const rows = useMemo(() => sortRows(peek?.messages.map((m) => m.envelope) ?? [], columns, sort), [peek, columns, sort]);
  const current: Envelope | null = rows[row] ?? null;
  const death = current ? deaths.get(current) ?? null : null;
  const total = listing?.sources.reduce((n, s) => n + s.depth.value, 0) ?? 0;

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
                <p>Topics and queues named like <span className="mono">orders.DLT</span> or <span className="mono">orders.dlq</span>, and subscriptions’ parked events, show here.</p>
              </div>
            </div>
          )}
          <ul className="rm-items">
            {listing?.sources.map((s) => (
              <li key={keyOf(s)}>
                <button className="rm-item" aria-current={keyOf(s) === selectedKey} onClick={() => void look(s)}>
                  <span className="dl-item-head">
                    <span className="badge kind">{KIND[s.kind]}</span>
                    <span className="mono name">{s.ref.name}</span>
                    <span className={s.depth.value > 0 ? 'badge dead' : 'badge'} title={countTitle('dead letters', s.depth)}>
                      {formatEstimate(s.depth)}
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
                <span className="muted">{peeking ? 'Reading…' : peek?.note ?? selected.unavailable ?? ''}</span>
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
                <OpenButton source={selected} onOpen={onOpen} />
              </div>
              {selected.unavailable && <div className="notice warn">{selected.unavailable}</div>}
              {needsConsent(selected) && !peek && !peeking && (
                <div className="notice" data-testid="peek-consequence">
                  RabbitMQ has no way to read a classic queue without touching it. <strong>Peek</strong> takes the first {PEEK} messages and puts them all back in their places: nothing is lost or reordered, but RabbitMQ then marks each one <em>redelivered</em>, which a consumer may treat as a retry.
                </div>
              )}
              {peekError !== null && (
                <div className="section">
                  <ErrorBox error={peekError} />
                </div>
              )}
              <div className="records">
                <div className="table-wrap">
                  <RecordsTable
                    rows={rows}
                    columns={columns}
                    selected={row}
                    onSelect={setRow}
                    sort={sort}
                    onSort={(column) => setSort((s) => nextSort(s, column))}
                    onCopy={(e) => void copyText(payloadText(e.payload))}
                    label={`${selected.ref.name} dead letters`}
                    empty={<div className="empty">{peeking ? 'Reading…' : peek ? 'No dead letters here.' : ''}</div>}
                  />
                </div>
                <div className="dl-detail">
                  {death && <DeathPanel death={death} />}
                  <DetailPane envelope={current} noun={selected.kind === 'store' ? 'event' : selected.kind === 'kafka' ? 'record' : 'message'} positionLabel={positionLabel} />
                </div>
              </div>
            </>
          )}
        </div>
      </div>
    </div>
  );
}

/** Where to act on a source: its subscription (replay), its topic or stream tab. */
function OpenButton({ source, onOpen }: { source: DeadLetterSource; onOpen(connectionId: string, resource: Resource): void }) {
  const r = source.resource;
  if (r.type === 'rabbit-queue' && r.queueType !== 'stream') return null;
  const label = r.type === 'store-subscription' ? 'Replay in subscription…' : r.type === 'kafka-topic' ? 'Open topic' : 'Open queue';
  return (
    <button className="btn primary" onClick={() => onOpen(source.connectionId, r)}>
      {label}
    </button>
  );
}
