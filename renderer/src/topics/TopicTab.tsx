import { useEffect, useMemo, useRef, useState } from 'react';
import { useSelectFocused, type RecordFocus } from '../records/record-focus';
import type { RecordFilter } from '../../../src/model/topic-scan';
import { CatalogueButton } from '../trace/CatalogueButton';
import type { Envelope, Resource } from '../api/types';
import { PublishDialog } from '../compose/PublishDialog';
import { columnsFor, sortRows, type Sort } from '../records/columns';
import { RecordsPanel } from '../records/RecordsPanel';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { ScanStatus } from './ScanStatus';
import { SearchBar } from './SearchBar';
import { FileImportButton } from '../ui/FileImportButton';
import { formOfTopicFrom, topicFromOf, type TopicFromMode } from './topic-from';
import { TopicDetailsDialog } from './TopicDetailsDialog';
import { DecodeAsDialog } from '../records/DecodeAsDialog';
import { TopicToolbar } from './TopicToolbar';
import { useTopicPage } from './useTopicPage';
import { MAX_HITS, useTopicSearch } from './useTopicSearch';
import { TAIL_BUFFER, useTopicTail } from './useTopicTail';
import { useTopicTransfer } from './useTopicTransfer';

type Topic = Extract<Resource, { type: 'kafka-topic' }>;
type Mode = 'browse' | 'search' | 'tail';

interface Props {
  connectionId: string;
  resource: Topic;
  /** The topic changed in a way the sidebar should show (deleted). */
  onChanged?: () => void;
  /** A search job to show (the jobs panel's Open); `n` moves on each Open. */
  attachJob?: { id: string; n: number } | null;
  /** A record to open on: its partition read from its offset, the record selected (a trace's member). */
  focus?: RecordFocus | null;
}

/**
 * A Kafka topic as one table: all partitions merged in time order (or one partition), paged
 * from the newest, a time, an offset or the last N; searched with streaming hits; followed live.
 */
export function TopicTab({ connectionId, resource, onChanged, attachJob = null, focus = null }: Props) {
  const opensOn = focus?.kind === 'record' ? focus : null;
  const [partition, setPartition] = useState<number | null>(opensOn?.partition ?? null);
  const [fromMode, setFromMode] = useState<TopicFromMode>(opensOn ? 'offset' : 'newest');
  const [fromText, setFromText] = useState(opensOn?.position ?? '');
  /** A search this tab was asked to run (an event type from the catalogue): the form shows it. */
  const [preset, setPreset] = useState<RecordFilter | null>(null);
  const [pageSize, setPageSize] = useState(100);
  const [showAborted, setShowAborted] = useState(false);
  const [mode, setMode] = useState<Mode>('browse');
  const [searchOpen, setSearchOpen] = useState(false);
  const [selected, setSelected] = useState(-1);
  const [sort, setSort] = useState<Sort>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [details, setDetails] = useState(false);
  const [decodeAs, setDecodeAs] = useState(false);
  const transfer = useTopicTransfer(connectionId, resource.name);
  const [deleted, setDeleted] = useState(false);
  const pages = useTopicPage(connectionId);
  const search = useTopicSearch(connectionId);
  const tail = useTopicTail(connectionId);
  const columns = useMemo(() => columnsFor(resource), [resource]);
  const partitions = partition === null ? null : [partition];
  const chosen = partition === null ? resource.partitions.map((p) => p.partition) : [partition];
  const isolation = showAborted ? ('read_uncommitted' as const) : ('read_committed' as const);

  const pageRecords = pages.page?.records;
  const source: Envelope[] = useMemo(() => (mode === 'search' ? search.hits : mode === 'tail' ? tail.records : (pageRecords ?? [])), [mode, search.hits, tail.records, pageRecords]);
  const rows = useMemo(() => sortRows(source, columns, sort), [source, columns, sort]);

  const fromNow = () => {
    const from = topicFromOf(fromMode, fromText, chosen);
    if ('error' in from) {
      setInputError(from.error);
      return null;
    }
    setInputError(null);
    return from;
  };

  const read = () => {
    const from = fromNow();
    if (!from) return;
    tail.stop();
    setMode('browse');
    setSelected(-1);
    void pages.load({ topic: resource.name, partitions, from, direction: 'forward', limit: pageSize, isolation });
  };

  const step = (direction: 'forward' | 'backward') => {
    const page = pages.page;
    if (!page) return;
    setSelected(-1);
    void pages.load({ topic: resource.name, partitions, from: { type: 'offsets', value: direction === 'forward' ? page.next : page.first }, direction, limit: pageSize, isolation });
  };

  useEffect(() => {
    read();
    // Open on the newest page; read again when the partition or isolation changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [partition, showAborted]);

  // A trace's member opened in a tab that was open already: its partition from its offset, then selected.
  // A record opened on is read by the first read; a type, by the effect below once mounted.
  const focusRead = useRef(focus?.kind === 'record' ? focus.n : null);
  useEffect(() => {
    if (!focus || focusRead.current === focus.n) return;
    focusRead.current = focus.n;
    tail.stop();
    if (focus.kind === 'type') {
      // The whole topic searched for the type, from its start: a catalogue counted them all.
      const filter: RecordFilter = { type: focus.type };
      setPreset(filter);
      setSearchOpen(true);
      setMode('search');
      setSelected(-1);
      search.start({ topic: resource.name, partitions: null, filter, isolation, from: { type: 'start' } });
      return;
    }
    setMode('browse');
    setSelected(-1);
    setPartition(focus.partition);
    setFromMode('offset');
    setFromText(focus.position);
    const p = focus.partition ?? 0;
    void pages.load({ topic: resource.name, partitions: [p], from: { type: 'offsets', value: { [String(p)]: focus.position } }, direction: 'forward', limit: pageSize, isolation });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus]);
  useSelectFocused(mode === 'browse' ? focus : null, rows, setSelected);

  // A search taken back from the jobs panel: the toolbar shows where it started, not the default.
  const attachedFrom = search.attachedFrom;
  useEffect(() => {
    if (!attachedFrom) return;
    const form = formOfTopicFrom(attachedFrom);
    setFromMode(form.mode);
    setFromText(form.text);
  }, [attachedFrom]);

  // After the first page's read (which shows browse mode): a search job from the jobs panel.
  const attachTo = search.attach;
  useEffect(() => {
    if (!attachJob) return;
    setSearchOpen(true);
    setMode('search');
    attachTo(attachJob.id);
  }, [attachJob, attachTo]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || mode !== 'browse') return;
      if (e.key === 'ArrowLeft' && pages.page && !pages.page.atStart) step('backward');
      else if (e.key === 'ArrowRight' && pages.page && !pages.page.atEnd) step('forward');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const exportShown = () => {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    if (mode === 'search' && search.request) {
      const { topic: _t, ...rest } = search.request;
      void transfer.exportTo({ kind: 'search', search: rest }, `${resource.name}-hits-${stamp}.jsonl`);
    } else if (source.length > 0) {
      void transfer.exportTo({ kind: 'records', records: source.map((e) => ({ partition: e.partition ?? 0, offset: e.position })) }, `${resource.name}-${stamp}.jsonl`);
    }
  };

  const startTail = () => {
    setMode('tail');
    setSelected(-1);
    tail.start({ topic: resource.name, partitions, filter: {}, isolation });
  };

  const busy = mode === 'browse' ? pages.loading : mode === 'search' ? search.running : false;
  const empty = busy ? (
    <div className="empty">
      <p>{mode === 'search' ? 'Searching…' : 'Reading…'}</p>
    </div>
  ) : mode === 'tail' ? (
    <div className="empty">
      <div>
        <h3>{tail.paused ? 'Paused' : 'Waiting for new records…'}</h3>
        <p>Records produced to {partition === null ? `any of the ${resource.partitions.length} partitions` : `partition ${partition}`} appear here as they arrive.</p>
      </div>
    </div>
  ) : mode === 'search' ? (
    <div className="empty">
      <div>
        <h3>{search.summary ? 'No hits' : 'Search the whole topic'}</h3>
        <p>{search.summary ? 'Nothing in the range searched matches every condition.' : 'Fill in any of the conditions above, then Search (Enter). Hits stream in as they are found.'}</p>
      </div>
    </div>
  ) : pages.error ? (
    <div className="empty">
      <ErrorBox error={pages.error} />
    </div>
  ) : pages.page ? (
    <div className="empty">
      <div>
        <h3>No records here</h3>
        <p>{fromMode === 'time' ? 'Nothing at or after that time.' : fromMode === 'newest' || fromMode === 'start' ? 'This topic is empty.' : 'Nothing from there on.'}</p>
      </div>
    </div>
  ) : null;

  const page = pages.page;
  const summary =
    mode === 'tail'
      ? `${formatCount(tail.received)} new record${tail.received === 1 ? '' : 's'} since the tail started${tail.dropped ? ` · showing the newest ${formatCount(TAIL_BUFFER)}` : ''}`
      : mode === 'search'
        ? `${formatCount(search.hits.length)} hit${search.hits.length === 1 ? '' : 's'} shown${search.hits.length >= MAX_HITS ? ` (the newest ${formatCount(MAX_HITS)} found)` : ''}${chosen.length > 1 ? ' · merged by time' : ''}`
        : page
          ? `${formatCount(page.records.length)} record${page.records.length === 1 ? '' : 's'} · ${partition === null ? (resource.partitions.length === 1 ? 'one partition' : `${resource.partitions.length} partitions merged by time`) : `partition ${partition}`}${page.atStart ? ' · from the start' : ''}${page.atEnd ? ' · to the end' : ''}`
          : '';

  return (
    <>
      <TopicToolbar
        topic={resource}
        partition={partition}
        onPartition={setPartition}
        fromMode={fromMode}
        onFromMode={(m) => {
          setFromMode(m);
          setInputError(null);
        }}
        fromText={fromText}
        onFromText={setFromText}
        pageSize={pageSize}
        onPageSize={setPageSize}
        loading={pages.loading}
        onRead={read}
        onCancel={pages.cancel}
        onPrevious={mode === 'browse' && page && !page.atStart ? () => step('backward') : null}
        onNext={mode === 'browse' && page && !page.atEnd ? () => step('forward') : null}
        actions={
          <>
            {mode === 'tail' ? (
              <>
                <span className="live" role="status" data-testid="tail-status">
                  {tail.paused ? '❚❚ Paused' : '● Live'}
                </span>
                {tail.paused ? (
                  <button type="button" className="btn" onClick={tail.resume}>
                    Resume
                  </button>
                ) : (
                  <button type="button" className="btn" onClick={tail.pause} title="Stop reading; Resume starts where it stopped, nothing missed">
                    Pause
                  </button>
                )}
                <button type="button" className="btn" onClick={() => (tail.stop(), setMode('browse'))}>
                  Stop tail
                </button>
              </>
            ) : (
              <button type="button" className="btn" onClick={startTail} title="Follow new records as they are produced">
                Live tail
              </button>
            )}
            <button type="button" className="btn" aria-pressed={searchOpen} onClick={() => setSearchOpen((o) => !o)} title="Search the whole topic by key, header, value, JSON path or predicate">
              Search…
            </button>
            <label className="check" title="read_committed (the default) hides records of aborted transactions, as Kafka's consumers do">
              <input type="checkbox" checked={showAborted} onChange={(e) => setShowAborted(e.target.checked)} />
              Show aborted transactions
            </label>
            <button type="button" className="btn" onClick={() => setPublishing(true)}>
              Produce…
            </button>
            <CatalogueButton connectionId={connectionId} resource={resource} />
            <button
              type="button"
              className="btn"
              disabled={!!transfer.transfer || (mode === 'search' ? !search.summary && !search.stoppedByUser : source.length === 0)}
              onClick={exportShown}
              title={mode === 'search' ? 'Every hit of this search, over the range searched, as kcat -J lines' : 'The records shown, read again from the broker, as kcat -J lines'}
            >
              {mode === 'search' ? 'Export hits…' : 'Export page…'}
            </button>
            <FileImportButton
              label="Import…"
              fileLabel="JSONL file to import"
              accept=".jsonl,.ndjson,.json,application/x-ndjson"
              disabled={!!transfer.transfer}
              title="Produce a JSONL file (kcat -J lines) to this topic"
              onFile={(f) => void transfer.importFrom(f)}
            />
            <button type="button" className="btn" onClick={() => setDecodeAs(true)} title="How values are decoded: automatic, .proto or .avsc files, or one decoder">
              Decode as…
            </button>
            <button type="button" className="btn" onClick={() => setDetails(true)} title="Partitions, replicas, configs; delete">
              Details…
            </button>
          </>
        }
      />
      {searchOpen && (
        <SearchBar
          key={JSON.stringify(preset ?? search.attachedFilter ?? 'new')}
          initial={preset ?? search.attachedFilter}
          running={search.running}
          canResume={search.canResume && !search.summary?.complete}
          onSearch={(filter) => {
            const from = fromNow();
            if (!from) return;
            tail.stop();
            setMode('search');
            setSelected(-1);
            search.start({ topic: resource.name, partitions, filter, isolation, from: from.type === 'end' ? { type: 'start' } : from });
          }}
          onStop={search.stop}
          onResume={() => {
            setMode('search');
            search.resume();
          }}
          onClose={() => {
            setSearchOpen(false);
            search.clear();
            if (mode === 'search') setMode('browse');
          }}
        />
      )}
      {mode === 'search' && <ScanStatus progress={search.progress} summary={search.summary} running={search.running} hits={search.hits.length} stoppedByUser={search.stoppedByUser} />}
      {inputError && <div className="notice warn">{inputError}</div>}
      {mode === 'browse' &&
        page?.notes.map((n) => (
          <div key={n} className="notice" role="status" data-testid="read-note">
            {n}
          </div>
        ))}
      {mode === 'search' && search.error !== null && (
        <div className="section">
          <ErrorBox error={search.error} />
        </div>
      )}
      {mode === 'tail' && tail.error !== null && (
        <div className="section">
          <ErrorBox error={tail.error} />
        </div>
      )}
      {mode === 'browse' && pages.error !== null && rows.length > 0 && (
        <div className="section">
          <ErrorBox error={pages.error} />
        </div>
      )}
      {details && (
        <TopicDetailsDialog
          connectionId={connectionId}
          topic={resource.name}
          onClose={() => setDetails(false)}
          onDeleted={() => {
            setDetails(false);
            setDeleted(true);
            tail.stop();
            onChanged?.();
          }}
        />
      )}
      {transfer.transfer && (
        <div className="notice" role="status" data-testid="transfer-progress">
          {transfer.transfer.kind === 'export' ? 'Exporting' : 'Importing'} {formatCount(transfer.transfer.done)}
          {transfer.transfer.total !== null ? ` of ${formatCount(transfer.transfer.total)}` : ''}…{' '}
          <button className="btn small" onClick={transfer.cancel}>
            Cancel
          </button>
        </div>
      )}
      {transfer.outcome && (
        <div className="notice" role="status" data-testid="transfer-outcome">
          {transfer.outcome}
        </div>
      )}
      {transfer.error !== null && (
        <div className="section">
          <ErrorBox error={transfer.error} />
        </div>
      )}
      {deleted && (
        <div className="notice warn" role="status">
          Topic {resource.name} was deleted. Close this tab.
        </div>
      )}
      {decodeAs && (
        <DecodeAsDialog
          connectionId={connectionId}
          resource={resource.name}
          onClose={() => setDecodeAs(false)}
          onSaved={() => {
            setDecodeAs(false);
            // What is shown was decoded the old way: read it again.
            if (mode === 'browse') read();
          }}
        />
      )}
      {publishing && <PublishDialog connectionId={connectionId} initial={{ kind: 'topic', topic: resource.name, partition: null }} onClose={() => setPublishing(false)} />}
      <RecordsPanel
        connectionId={connectionId}
        target={null}
        rows={rows}
        columns={columns}
        selected={selected}
        onSelect={setSelected}
        sort={sort}
        onSort={setSort}
        label={mode === 'search' ? `${resource.name} search hits` : `${resource.name} records`}
        empty={empty}
        noun="record"
        positionLabel="Offset"
        foot={
          <div className="toolbar table-foot">
            <span className="muted" data-testid="records-summary">
              {summary}
            </span>
          </div>
        }
      />
    </>
  );
}
