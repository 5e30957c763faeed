import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Envelope, ReadStart, ReadTarget, Resource, ResourceList } from '../api/types';
import { queryKeys } from '../api/queries';
import { fromOf } from '../ui/read-from';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { columnsFor, sortRows, type Sort } from './columns';
import { nounOf, positionFormOf, positionLabel } from './read-target';
import { ReadToolbar, type RecordsFromMode } from './ReadToolbar';
import { RecordsPanel } from './RecordsPanel';
import { MAX_ROWS, useRecordReader } from './useRecordReader';
import { useSelectFocused, type RecordFocus } from './record-focus';
import { CatalogueButton } from '../trace/CatalogueButton';
import { NO_TYPE } from '../../../src/model/catalogue';

/** What the tab composing the view may use: where the read ended, and a fresh read. */
export interface RecordsViewState {
  last: Envelope | null;
  end: string | null;
}

/** Rows a follow added after the read (a stream's tail), in position order. */
export interface Followed {
  records: Envelope[];
  active: boolean;
  dropped: number;
}

interface Props {
  connectionId: string;
  resource: Resource;
  target: ReadTarget;
  /** A long read that went on without this tab (the jobs panel's Open): show it instead of a first page. */
  attachJob?: { id: string; n: number } | null;
  /** A record to open on: read from its position, and selected (a trace's member). */
  focus?: RecordFocus | null;
  /** The source can start at its last chunk (a RabbitMQ stream). */
  startsAtLast?: boolean;
  followed?: Followed | null;
  /** Read again from the chosen start whenever this changes (after an append or an import). */
  generation?: number;
  /** The tab's own actions, at the toolbar's right end. */
  actions?(state: RecordsViewState): ReactNode;
  /** The tab's own notices, above the table. */
  notices?: ReactNode;
}

/** One source's records: a read from a start, the table and the detail, more on request. Tabs compose it with their actions. */
export function RecordsView({ connectionId, resource, target, attachJob = null, focus = null, startsAtLast = false, followed = null, generation = 0, actions, notices }: Props) {
  const [fromMode, setFromMode] = useState<RecordsFromMode>(focus?.kind === 'record' ? 'position' : 'start');
  const [fromValue, setFromValue] = useState(focus?.kind === 'record' ? focus.position : '');
  /** Only this event type's rows are shown (an event catalogue's choice); null: all. */
  const [typeOnly, setTypeOnly] = useState<string | null>(focus?.kind === 'type' ? focus.type : null);
  const [limit, setLimit] = useState(500);
  const [selected, setSelected] = useState(-1);
  const [sort, setSort] = useState<Sort>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  // The sidebar listed this resource with its source's capabilities: offer only the starts it has.
  const seeksByTime = useQueryClient().getQueryData<ResourceList>(queryKeys.resources(connectionId))?.capabilities.seekByTime !== false;
  const reader = useRecordReader(connectionId);
  const noun = nounOf(resource);
  const posLabel = positionLabel(resource);
  const columns = useMemo(() => columnsFor(resource), [resource]);
  const extra = followed?.records;
  const all = useMemo(() => (extra?.length ? reader.rows.concat(extra) : reader.rows), [reader.rows, extra]);
  const rows = useMemo(() => sortRows(typeOnly === null ? all : all.filter((r) => (r.type ?? NO_TYPE) === typeOnly), columns, sort), [all, typeOnly, columns, sort]);
  const following = followed?.active ?? false;

  const start = (append = false) => {
    const from: ReadStart | { error: string } =
      append && reader.next ? { type: 'position', value: reader.next } : fromMode === 'last' ? { type: 'last' } : fromOf(fromMode, fromValue, positionFormOf(resource));
    if ('error' in from) return setInputError(from.error);
    setInputError(null);
    if (!append) setSelected(-1);
    void reader.read(target, from, limit, append);
  };

  // Open on something useful: the first page from the beginning, or the long read this tab was opened to show.
  const attached = useRef<number | null>(null);
  const mounted = useRef(false);
  const { attach } = reader;
  useEffect(() => {
    if (!attachJob || attached.current === attachJob.n) return;
    attached.current = attachJob.n;
    void attach(attachJob.id);
  }, [attachJob, attach]);
  useEffect(() => {
    const first = !mounted.current;
    mounted.current = true;
    if (first && attachJob) return;
    start();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [generation]);

  // A trace's member opened here: read from its position (again, when the tab was open already) and select it.
  const focusRead = useRef(focus?.n ?? null);
  useEffect(() => {
    if (!focus || focusRead.current === focus.n) return;
    focusRead.current = focus.n;
    if (focus.kind === 'type') {
      setSelected(-1);
      return setTypeOnly(focus.type);
    }
    setTypeOnly(null);
    setFromMode('position');
    setFromValue(focus.position);
    setSelected(-1);
    void reader.read(target, { type: 'position', value: focus.position }, limit, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus]);
  useSelectFocused(focus, rows, setSelected);

  // Said from the read itself: counts listed in the sidebar may be older than the data.
  const loaded = reader.rows.length + (extra?.length ?? 0);
  const summary = following
    ? `${formatCount(loaded)} ${noun}${loaded === 1 ? '' : 's'} loaded · following${followed?.dropped ? ` (the newest ${formatCount(extra?.length ?? 0)} of the tail kept)` : ''}`
    : `${formatCount(loaded)} ${noun}${loaded === 1 ? '' : 's'} loaded` +
      (reader.reading ? '' : reader.next ? ` · more from ${posLabel.toLowerCase()} ${reader.next}` : reader.loaded ? ' · to the end' : '');

  const empty = reader.reading ? (
    <div className="empty">
      <p>Reading…</p>
    </div>
  ) : reader.error ? (
    <div className="empty">
      <ErrorBox error={reader.error} />
    </div>
  ) : reader.loaded ? (
    <div className="empty">
      <div>
        <h3>No {noun}s here</h3>
        <p>{fromMode === 'start' ? 'This resource is empty.' : `Nothing at or after that ${fromMode === 'time' ? 'time' : posLabel.toLowerCase()}.`}</p>
      </div>
    </div>
  ) : null;

  const foot = (
    <div className="toolbar table-foot">
      <span className="muted" data-testid="records-summary">
        {summary}
        {reader.dropped > 0 && ` · oldest ${formatCount(reader.dropped)} dropped to stay under ${formatCount(MAX_ROWS)}`}
        {reader.via && !reader.reading && (
          <span
            data-testid="read-via"
            title={
              reader.via === 'AMQP' ? 'The stream port did not answer: read over AMQP, which has no end marker' : 'Read by the stream protocol, to the last offset the stream had when the read began'
            }
          >
            {` · via ${reader.via}`}
          </span>
        )}
      </span>
      <div className="spacer" />
      {/* A follow has read on past where the read stopped: loading more would show those rows twice. */}
      {reader.next && !reader.reading && !following && (
        <button className="btn small" onClick={() => start(true)}>
          Load {formatCount(limit)} more from {posLabel.toLowerCase()} {reader.next}
        </button>
      )}
    </div>
  );

  return (
    <>
      <ReadToolbar
        fromMode={fromMode}
        onFromMode={(m) => {
          setFromMode(m);
          setInputError(null);
        }}
        fromValue={fromValue}
        onFromValue={setFromValue}
        limit={limit}
        onLimit={setLimit}
        onRead={() => start()}
        onCancel={reader.cancel}
        reading={reader.reading}
        positionLabel={posLabel}
        seeksByTime={seeksByTime}
        startsAtLast={startsAtLast}
        actions={
          <>
            {actions?.({ last: reader.rows[reader.rows.length - 1] ?? null, end: reader.end })}
            <CatalogueButton connectionId={connectionId} resource={resource} />
          </>
        }
      />
      {reader.notes.map((n) => (
        <div key={n} className="notice" role="status" data-testid="read-note">
          {n}
        </div>
      ))}
      {notices}
      {typeOnly !== null && (
        <div className="notice" role="status" data-testid="type-only">
          Only {typeOnly} is shown: {formatCount(rows.length)} of the {formatCount(all.length)} loaded.{' '}
          <button className="link-button" onClick={() => setTypeOnly(null)}>
            Show all types
          </button>
        </div>
      )}
      {inputError && <div className="notice warn">{inputError}</div>}
      {reader.error !== null && reader.rows.length > 0 && (
        <div className="section">
          <ErrorBox error={reader.error} />
        </div>
      )}
      <RecordsPanel
        connectionId={connectionId}
        target={target}
        rows={rows}
        columns={columns}
        selected={selected}
        onSelect={setSelected}
        sort={sort}
        onSort={setSort}
        label={`${resource.name} ${noun}s`}
        empty={empty}
        noun={noun}
        positionLabel={posLabel}
        foot={foot}
        followEnd={following && sort === null}
      />
    </>
  );
}
