import { useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import { useQueryClient } from '@tanstack/react-query';
import type { ReadStart, Resource, ResourceList } from '../api/types';
import { queryKeys } from '../api/queries';
import { fromOf } from '../ui/read-from';
import { copyText } from '../ui/copy';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { columnsFor, nextSort, sortRows, type Sort } from './columns';
import { DetailPane } from './DetailPane';
import { copyWhole, sourceFor } from './whole-payload';
import { nounOf, positionFormOf, positionLabel, targetOf } from './read-target';
import { ReadToolbar, type RecordsFromMode } from './ReadToolbar';
import { RecordsTable } from './RecordsTable';
import { MAX_ROWS, useRecordReader } from './useRecordReader';
import { AppendEventDialog } from '../store/AppendEventDialog';
import { StoreTransferNotice } from '../store/StoreTransferNotice';
import { PublishDialog } from '../compose/PublishDialog';
import { RedriveDialog } from '../dead-letters/RedriveDialog';
import { useNdjson } from '../store/useNdjson';
import { QueuePage } from '../rabbit/QueuePage';
import { FileImportButton } from '../ui/FileImportButton';
import { SuperStreamPage } from '../rabbit/SuperStreamPage';
import { useStreamTail } from './useStreamTail';
import { StreamTailControls } from './StreamTailControls';

interface Props {
  connectionId: string;
  resource: Resource;
  /** The store changed (append, import): counts elsewhere should refresh. */
  onStoreChanged?: () => void;
  /** A long read that went on without this tab (the jobs panel's Open): show it instead of a first page. */
  attachJob?: { id: string; n: number } | null;
  /** RabbitMQ: the vhost's map with a queue selected, and another queue's page. */
  onOpenMap?(vhost: string, queue: string | null): void;
  onOpenQueue?(vhost: string, queue: string): void;
}

export function RecordsTab({ connectionId, resource, onStoreChanged, attachJob = null, onOpenMap, onOpenQueue }: Props) {
  const [partition, setPartition] = useState(0);
  const [fromMode, setFromMode] = useState<RecordsFromMode>('start');
  const [fromValue, setFromValue] = useState('');
  const [limit, setLimit] = useState(500);
  const [selected, setSelected] = useState(-1);
  const [sort, setSort] = useState<Sort>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  /** Kafka: show records of aborted transactions too (read_uncommitted). */
  const [showAborted, setShowAborted] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [moving, setMoving] = useState(false);
  const [check, setCheck] = useState<{ running: boolean; result: { ok: boolean; problems: string[]; elapsedMs: number } | null; error: unknown }>({ running: false, result: null, error: null });
  const client = useClient();
  // The sidebar listed this resource with its source's capabilities: offer only the starts it has.
  const seeksByTime = useQueryClient().getQueryData<ResourceList>(queryKeys.resources(connectionId))?.capabilities.seekByTime !== false;
  const reader = useRecordReader(connectionId);
  const target = targetOf(resource, partition);
  const noun = nounOf(resource);
  const posLabel = positionLabel(resource);
  const columns = useMemo(() => columnsFor(resource), [resource]);
  const tail = useStreamTail(connectionId);
  // A followed stream's new messages join the rows already read, in offset order.
  const rows = useMemo(() => sortRows(tail.records.length ? reader.rows.concat(tail.records) : reader.rows, columns, sort), [reader.rows, tail.records, columns, sort]);
  const isStore = resource.type === 'store-all' || resource.type === 'store-stream';
  const [appending, setAppending] = useState(false);
  const [appended, setAppended] = useState<number | null>(null);
  const mounted = useRef(false);
  const ndjson = useNdjson(connectionId, () => {
    onStoreChanged?.();
    start();
  });

  const start = (append = false) => {
    if ('unsupported' in target) return;
    const from: ReadStart | { error: string } =
      append && reader.next ? { type: 'position', value: reader.next } : fromMode === 'last' ? { type: 'last' } : fromOf(fromMode, fromValue, positionFormOf(resource));
    if ('error' in from) return setInputError(from.error);
    setInputError(null);
    if (!append) setSelected(-1);
    void reader.read(target, from, limit, append, resource.type === 'kafka-topic' ? (showAborted ? 'read_uncommitted' : 'read_committed') : undefined);
  };

  const checkFile = async () => {
    setCheck({ running: true, result: null, error: null });
    try {
      setCheck({ running: false, result: await client.call('store/check', { connectionId }), error: null });
    } catch (error) {
      setCheck({ running: false, result: null, error });
    }
  };

  // Open on something useful: the first page from the beginning, for this partition, or the
  // long read this tab was opened to show.
  const attached = useRef<number | null>(null);
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
  }, [partition, showAborted]);

  const publishTarget =
    resource.type === 'kafka-topic'
      ? { kind: 'topic' as const, topic: resource.name, partition: null }
      : resource.type === 'rabbit-queue'
        ? { kind: 'exchange' as const, vhost: resource.vhost, exchange: '', routingKey: resource.name }
        : null;
  const composer = publishing && publishTarget && <PublishDialog connectionId={connectionId} initial={publishTarget} onClose={() => setPublishing(false)} />;

  if ('unsupported' in target) {
    const moveDialog = moving && resource.type === 'rabbit-queue' && (
      <RedriveDialog
        source={{
          connectionId,
          connectionName: '',
          kind: 'rabbitmq',
          ref: { type: 'rabbit-queue', vhost: resource.vhost, name: resource.name },
          resource,
          depth: resource.messages,
          unavailable: null,
        }}
        selection={{ all: true }}
        count={resource.messages.value}
        onClose={() => setMoving(false)}
        onDone={() => onStoreChanged?.()}
        onOpenAudit={() => setMoving(false)}
      />
    );
    if (resource.type === 'rabbit-queue' && onOpenMap && onOpenQueue) {
      // A classic or quorum queue cannot be read without consuming: its page instead of a dead end.
      return (
        <>
          <QueuePage
            connectionId={connectionId}
            resource={resource}
            onOpenMap={() => onOpenMap(resource.vhost, resource.name)}
            onOpenQueue={(q) => onOpenQueue(resource.vhost, q)}
            onChanged={() => onStoreChanged?.()}
            actions={
              <>
                <button type="button" className="btn" onClick={() => setPublishing(true)}>
                  Publish to this queue…
                </button>
                <button type="button" className="btn" onClick={() => setMoving(true)} title="Move every message to another queue or exchange, each confirmed there before it leaves (the shovel's job)">
                  Move all messages…
                </button>
              </>
            }
          />
          {composer}
          {moveDialog}
        </>
      );
    }
    if (resource.type === 'rabbit-super-stream' && onOpenQueue) return <SuperStreamPage resource={resource} onOpenPartition={(q) => onOpenQueue(resource.vhost, q)} />;
    return (
      <div className="empty">
        <div>
          <h3>Not browsable here</h3>
          <p>{target.unsupported}</p>
        </div>
      </div>
    );
  }

  // Said from the read itself: counts listed in the sidebar may be older than the data.
  // Every row the table holds: the read's, and what a tail added after it.
  const loaded = reader.rows.length + tail.records.length;
  const summary = tail.active
    ? `${formatCount(loaded)} ${noun}${loaded === 1 ? '' : 's'} loaded · following${tail.dropped ? ` (the newest ${formatCount(tail.records.length)} of the tail kept)` : ''}`
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
        <p>
          {fromMode === 'start' ? `This ${resource.type === 'kafka-topic' ? 'partition' : 'resource'} is empty.` : `Nothing at or after that ${fromMode === 'time' ? 'time' : posLabel.toLowerCase()}.`}
        </p>
      </div>
    </div>
  ) : null;

  return (
    <>
      <ReadToolbar
        resource={resource}
        partition={partition}
        onPartition={setPartition}
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
        actions={
          resource.type === 'kafka-topic' || resource.type === 'rabbit-queue' ? (
            <>
              {resource.type === 'kafka-topic' && (
                <label className="check" title="read_committed (the default) hides records of aborted transactions, as Kafka's consumers do">
                  <input type="checkbox" checked={showAborted} onChange={(e) => setShowAborted(e.target.checked)} />
                  Show aborted transactions
                </label>
              )}
              {resource.type === 'rabbit-queue' && resource.queueType === 'stream' && (
                <StreamTailControls
                  tail={tail}
                  onStart={() => {
                    const last = reader.rows[reader.rows.length - 1];
                    tail.start({ type: 'rabbit-stream', vhost: resource.vhost, queue: resource.name }, last ? String(BigInt(last.position) + 1n) : reader.end);
                  }}
                />
              )}
              <button className="btn" onClick={() => setPublishing(true)}>
                {resource.type === 'kafka-topic' ? 'Produce…' : 'Publish…'}
              </button>
            </>
          ) : (
            isStore && (
              <>
                <button className="btn" disabled={check.running} onClick={() => void checkFile()} title="SQLite's full integrity check of the store file">
                  {check.running ? 'Checking…' : 'Check file'}
                </button>
                <button className="btn" onClick={() => setAppending(true)}>
                  Append event
                </button>
                <button
                  className="btn"
                  disabled={!!ndjson.transfer}
                  onClick={() => void ndjson.exportTo(resource.type === 'store-stream' ? resource.name : null, `${resource.name === '$all' ? 'all' : resource.name}.ndjson`)}
                >
                  Export NDJSON
                </button>
                {resource.type === 'store-all' && (
                  <>
                    <FileImportButton
                      label="Import NDJSON…"
                      fileLabel="NDJSON file to import"
                      accept=".ndjson,.jsonl,.json,application/x-ndjson"
                      disabled={!!ndjson.transfer}
                      onFile={(f) => void ndjson.importFrom(f)}
                    />
                  </>
                )}
              </>
            )
          )
        }
      />
      {reader.notes.map((n) => (
        <div key={n} className="notice" role="status" data-testid="read-note">
          {n}
        </div>
      ))}
      {check.result && (
        <div className={`notice${check.result.ok ? '' : ' warn'}`} role="status" data-testid="store-check">
          {check.result.ok
            ? `The file is sound: SQLite's integrity check found no problems (${Math.round(check.result.elapsedMs)} ms).`
            : `The file is damaged: ${check.result.problems.slice(0, 3).join('; ')}${check.result.problems.length > 3 ? ` (and ${check.result.problems.length - 3} more)` : ''}. Restore it from a backup, or export what can still be read.`}
        </div>
      )}
      {check.error !== null && (
        <div className="section">
          <ErrorBox error={check.error} />
        </div>
      )}
      {composer}
      <StoreTransferNotice {...ndjson} />
      {appended !== null && (
        <div className="notice" role="status">
          Appended at position {appended}.
        </div>
      )}
      {appending && (
        <AppendEventDialog
          connectionId={connectionId}
          streamId={resource.type === 'store-stream' ? resource.name : null}
          currentVersion={resource.type === 'store-stream' ? resource.events.value - 1 : null}
          onClose={() => setAppending(false)}
          onAppended={(position) => {
            setAppending(false);
            setAppended(position);
            onStoreChanged?.();
            start();
          }}
        />
      )}
      {inputError && <div className="notice warn">{inputError}</div>}
      {reader.error !== null && reader.rows.length > 0 && (
        <div className="section">
          <ErrorBox error={reader.error} />
        </div>
      )}
      <div className="records">
        <div className="table-wrap">
          <RecordsTable
            rows={rows}
            columns={columns}
            selected={selected}
            onSelect={setSelected}
            sort={sort}
            onSort={(column) => setSort((s) => nextSort(s, column))}
            onCopy={(e) => void copyWhole(client, e, sourceFor(connectionId, e, 'unsupported' in target ? null : target), copyText)}
            empty={empty}
            label={`${resource.name} ${noun}s`}
            followEnd={tail.active && sort === null}
          />
          <div className="toolbar table-foot">
            <span className="muted" data-testid="records-summary">
              {summary}
              {reader.dropped > 0 && ` · oldest ${formatCount(reader.dropped)} dropped to stay under ${formatCount(MAX_ROWS)}`}
              {reader.via && !reader.reading && (
                <span
                  data-testid="read-via"
                  title={
                    reader.via === 'AMQP'
                      ? 'The stream port did not answer: read over AMQP, which has no end marker'
                      : 'Read by the stream protocol, to the last offset the stream had when the read began'
                  }
                >
                  {` · via ${reader.via}`}
                </span>
              )}
            </span>
            <div className="spacer" />
            {/* A tail has read on past where the read stopped: loading more would show those rows twice. */}
            {reader.next && !reader.reading && !tail.active && (
              <button className="btn small" onClick={() => start(true)}>
                Load {formatCount(limit)} more from {posLabel.toLowerCase()} {reader.next}
              </button>
            )}
          </div>
        </div>
        <DetailPane
          envelope={rows[selected] ?? null}
          noun={noun}
          positionLabel={posLabel}
          source={rows[selected] ? sourceFor(connectionId, rows[selected], 'unsupported' in target ? null : target) : null}
        />
      </div>
    </>
  );
}
