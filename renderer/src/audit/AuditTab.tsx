import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useEffect, useMemo, useState } from 'react';
import { useClient } from '../api/client-context';
import { UndoReset } from './UndoReset';
import { JsonView } from '../records/JsonView';
import { auditFields } from './audit-fields';
import { ErrorBox } from '../ui/ErrorBox';
import { formatTime } from '../ui/format';
import { VirtualGrid } from '../ui/VirtualGrid';

type Entry = { id: number; at: string; action: string; detail: unknown };
const ACTIONS = [
  'redrive',
  'publish',
  'append',
  'import',
  'import-topic',
  'reset-offsets',
  'delete-group',
  'create-topic',
  'delete-topic',
  'purge-queue',
  'delete-queue',
  'delete-exchange',
  'replay-parked',
  'delete-subscription',
] as const;

const summaryOf = (e: Entry) => {
  const d = e.detail as { summary?: string; streamId?: string; count?: number; events?: number } | null;
  return d?.summary ?? (e.action === 'append' ? `${d?.count ?? ''} event(s) to ${d?.streamId ?? ''}` : e.action === 'import' ? `${d?.events ?? ''} events imported` : '');
};
const connectionOf = (e: Entry) => (e.detail as { connectionName?: string } | null)?.connectionName ?? '';

/**
 * Who moved or sent what, and when: every redrive, publish, append and import, newest first,
 * filtered by action or by any text in the entry (a queue, a topic, a message id).
 */
export function AuditTab({ focus, onOpenDeadLetters }: { focus: { id: number | null; n: number }; onOpenDeadLetters(): void }) {
  const client = useClient();
  const [action, setAction] = useState<string>('');
  const [text, setText] = useState('');
  // The selection is an entry, not a row: the list reloads (a newer entry arrives on top) and a
  // row number would then point at another entry, with its own Reset back button.
  const [selectedId, setSelectedId] = useState<number | null>(null);
  // What the filter box says, taken a moment after the last key so each key is not a request.
  const [query, setQuery] = useState(text);
  useEffect(() => {
    const t = setTimeout(() => setQuery(text.trim()), 150);
    return () => clearTimeout(t);
  }, [text]);

  // Pages of 200, newest first; "Load more" asks for the page before the last entry shown.
  const pages = useInfiniteQuery({
    queryKey: ['audit', action, query],
    queryFn: ({ signal, pageParam }) =>
      client.call('audit/list', { limit: 200, ...(action ? { actions: [action] } : {}), ...(query ? { text: query } : {}), ...(pageParam !== undefined ? { before: pageParam } : {}) }, { signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.more ? last.entries[last.entries.length - 1]?.id : undefined),
    staleTime: 0,
  });
  const entries: Entry[] = useMemo(() => pages.data?.pages.flatMap((p) => p.entries) ?? [], [pages.data]);
  const more = pages.hasNextPage;
  const loading = pages.isFetching;
  const error = pages.error;
  const { refetch } = pages;
  // Opened again (after a redrive, a reset): the newest entries.
  useEffect(() => {
    if (focus.n > 0) void refetch();
  }, [focus.n, refetch]);

  // Opened for one entry (after a redrive): select it once it is listed.
  useEffect(() => {
    if (focus.id === null) return;
    const i = entries.findIndex((e) => e.id === focus.id);
    if (i >= 0) setSelectedId(focus.id);
  }, [entries, focus]);

  const selected = selectedId === null ? -1 : entries.findIndex((e) => e.id === selectedId);
  const current = entries[selected] ?? null;
  const [raw, setRaw] = useState(false);
  const detail = useMemo(() => (current && raw ? JSON.stringify(current.detail, null, 2) : ''), [current, raw]);
  const fields = useMemo(() => (current ? auditFields(current) : []), [current]);

  return (
    <div className="audit">
      <div className="toolbar">
        <strong>Audit</strong>
        <label>
          Action{' '}
          <select className="input" value={action} onChange={(e) => setAction(e.target.value)} aria-label="Action">
            <option value="">all</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <input className="input" type="search" placeholder="Filter: a queue, a topic, a message id…" aria-label="Filter audit entries" value={text} onChange={(e) => setText(e.target.value)} />
        <span className="spacer" />
        <span className="muted">{loading ? 'Loading…' : `${entries.length}${more ? '+' : ''} entries`}</span>
      </div>
      {error !== null && <ErrorBox error={error} />}
      <div className="records">
        <div className="table-wrap">
          <VirtualGrid
            style={{ '--cols': '172px 150px minmax(200px, 1fr) 140px' } as React.CSSProperties}
            header={
              <>
                <span role="columnheader">When</span>
                <span role="columnheader">Action</span>
                <span role="columnheader">What</span>
                <span role="columnheader">Connection</span>
              </>
            }
            count={entries.length}
            selected={selected}
            onSelect={(i: number) => setSelectedId(entries[i]?.id ?? null)}
            onCopy={(i) => void navigator.clipboard.writeText(JSON.stringify(entries[i]!.detail, null, 2)).catch(() => undefined)}
            label="Audit entries"
            empty={
              <div className="empty">
                <div>
                  <h3>Nothing recorded yet</h3>
                  <p>Redrives, publishes, appends and imports are written here, with what moved and where.</p>
                </div>
              </div>
            }
            cells={(i) => {
              const e = entries[i]!;
              return (
                <>
                  <div role="gridcell" className="mono num">
                    {formatTime(e.at)}
                  </div>
                  <div role="gridcell">{e.action}</div>
                  <div role="gridcell" title={summaryOf(e)}>
                    {summaryOf(e)}
                  </div>
                  <div role="gridcell">{connectionOf(e)}</div>
                </>
              );
            }}
          />
          {more && (
            <div className="toolbar table-foot">
              <button className="btn small" onClick={() => void pages.fetchNextPage()}>
                Load older entries
              </button>
            </div>
          )}
        </div>
        <section className="detail" aria-label="Audit entry">
          {current ? (
            <>
              <div className="detail-head">
                <h2>
                  {current.action} · {formatTime(current.at)}
                </h2>
                {current.action === 'redrive' && (
                  <button className="btn small" onClick={onOpenDeadLetters}>
                    Open dead letters
                  </button>
                )}
              </div>
              <div className="section">
                <p data-testid="audit-summary">{summaryOf(current)}</p>
                {current.action === 'reset-offsets' && <UndoReset key={current.id} entryId={current.id} detail={current.detail} />}
                <dl className="kv audit-fields">
                  {fields.map((f) => (
                    <Fragment key={f.label}>
                      <dt>{f.label}</dt>
                      <dd className={f.mono ? 'mono' : undefined}>{f.value}</dd>
                    </Fragment>
                  ))}
                </dl>
                <button type="button" className="btn small" aria-expanded={raw} onClick={() => setRaw((r) => !r)}>
                  Raw JSON
                </button>
                {raw && (
                  <div data-testid="audit-raw">
                    <JsonView text={detail} />
                  </div>
                )}
              </div>
            </>
          ) : (
            <div className="empty">
              <p>Pick an entry to see everything it recorded: from where, to where, how many, which messages.</p>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
