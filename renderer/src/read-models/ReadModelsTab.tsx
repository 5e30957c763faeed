import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { ConnectionSummary, ReadModelInfo } from '../api/types';
import { JsonTree } from '../projections/JsonTree';
import { labelOf } from '../projections/SourcePicker';
import { copyText } from '../ui/copy';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount, formatRelative } from '../ui/format';
import { ResultGrid, type Cell } from './ResultGrid';
import { MAX_ROWS, useQuery } from './useQuery';

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Where a read model stands: a position, or for a whole topic the next offset per partition. */
const checkpointText = (m: ReadModelInfo) =>
  m.source.resume ? `next offsets ${Object.entries(m.source.resume).map(([p, o]) => `${p}:${o}`).join(', ')}` : `checkpoint ${m.checkpoint}`;
const defaultSql = (m: ReadModelInfo) => `SELECT * FROM ${quoteName(m.name)} ORDER BY key`;

interface Continuing {
  name: string;
  done: number;
  total: number | null;
  controller: AbortController;
}

/**
 * The read side: every saved read model with its source and checkpoint, Continue to apply what
 * arrived since, and read-only SQL over the tables.
 */
export function ReadModelsTab({ connections, focus }: { connections: ConnectionSummary[]; focus: { name: string | null; n: number } }) {
  const client = useClient();
  const [models, setModels] = useState<ReadModelInfo[] | null>(null);
  const [path, setPath] = useState('');
  const [selectedName, setSelectedName] = useState<string | null>(focus.name);
  const [sql, setSql] = useState('');
  const [row, setRow] = useState(-1);
  const [listError, setListError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [continuing, setContinuing] = useState<Continuing | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const query = useQuery();
  const sqlBox = useRef<HTMLTextAreaElement>(null);

  const refresh = useCallback(async () => {
    try {
      const list = await client.call('read-models/list', {});
      setModels(list.models);
      setPath(list.path);
      setListError(null);
      return list.models;
    } catch (e) {
      setListError(e);
      return null;
    }
  }, [client]);

  const select = useCallback(
    (m: ReadModelInfo) => {
      setSelectedName(m.name);
      setConfirmDelete(false);
      setMessage(null);
      setActionError(null);
      setRow(-1);
      const text = defaultSql(m);
      setSql(text);
      void query.run(text);
    },
    [query.run],
  );

  // Opened or re-focused from a projection tab: list again and show that model.
  useEffect(() => {
    void refresh().then((list) => {
      const wanted = list?.find((m) => m.name === focus.name) ?? (focus.name === null ? list?.[0] : undefined);
      if (wanted) select(wanted);
    });
    // Only a new focus request should move the selection.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus.n]);

  const selected = models?.find((m) => m.name === selectedName) ?? null;
  const connectionName = (id: string) => connections.find((c) => c.id === id)?.name ?? `${id} (deleted connection)`;

  const continueModel = async (m: ReadModelInfo) => {
    const controller = new AbortController();
    setContinuing({ name: m.name, done: 0, total: null, controller });
    setActionError(null);
    setMessage(null);
    try {
      const r = await client.stream('read-models/continue', { name: m.name }, { signal: controller.signal, onProgress: (p) => setContinuing((c) => c && { ...c, done: p.done, total: p.total }) });
      await refresh();
      setMessage(
        r.processed === 0
          ? `Nothing new after ${m.source.resume ? checkpointText(m) : `position ${m.checkpoint}`}: ${m.name} is up to date.`
          : `Applied ${formatCount(r.processed)} ${r.processed === 1 ? 'event' : 'events'}: ${m.name} is at ${checkpointText(r.info)} with ${formatCount(r.info.rows)} rows.`,
      );
      if (selectedName === m.name) void query.run(sql || defaultSql(m));
    } catch (e) {
      setActionError(e);
    } finally {
      setContinuing(null);
    }
  };

  const deleteModel = async (m: ReadModelInfo) => {
    try {
      await client.call('read-models/delete', { name: m.name });
      setConfirmDelete(false);
      const list = await refresh();
      setSelectedName(null);
      setMessage(`Deleted read model ${m.name}.`);
      if (list?.[0]) select(list[0]);
    } catch (e) {
      setActionError(e);
    }
  };

  const result = query.result;
  const selectedRow = result?.rows[row] ?? null;
  const rowObject = (r: Cell[]) => Object.fromEntries((result?.columns ?? []).map((c, i) => [c, c === 'state' && typeof r[i] === 'string' ? safeJson(r[i]) : r[i]]));

  return (
    <div className="read-models">
      <nav className="rm-list" aria-label="Read models">
        <div className="section">
          <h3>
            Read models <span className="faint">{models ? models.length : ''}</span>
            <span className="spacer" />
            <button className="icon-btn" aria-label="Reload read models" title="Reload" onClick={() => void refresh()}>
              ↻
            </button>
          </h3>
        </div>
        {listError !== null && (
          <div className="section">
            <ErrorBox error={listError} />
          </div>
        )}
        {models?.length === 0 && (
          <div className="empty">
            <div>
              <h3>No read models yet</h3>
              <p>Rebuild a projection, then press <strong>Save as read model…</strong> to write its state to a table here.</p>
            </div>
          </div>
        )}
        <ul className="rm-items">
          {models?.map((m) => (
            <li key={m.name}>
              <button className="rm-item" aria-current={m.name === selectedName} onClick={() => select(m)}>
                <span className="mono name">{m.name}</span>
                <span className="faint">
                  {formatCount(m.rows)} rows · {checkpointText(m)}
                </span>
                <span className="faint" title={`${connectionName(m.source.connectionId)} · ${labelOf(m.source.target)}`}>
                  {connectionName(m.source.connectionId)} · {labelOf(m.source.target)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {path && (
          <div className="rm-path faint" title={`${path}\nAny SQLite tool can open this file.`}>
            <span className="mono">{path.split(/[\\/]/).pop()}</span>
            <button className="btn small ghost" onClick={() => void copyText(path)} aria-label="Copy file path">
              Copy path
            </button>
          </div>
        )}
      </nav>
      <div className="rm-main">
        {selected ? (
          <div className="toolbar">
            <strong className="mono">{selected.name}</strong>
            <span className="muted">
              {connectionName(selected.source.connectionId)} · {labelOf(selected.source.target)} · {selected.source.resume ? `${formatCount(selected.checkpoint)} records applied` : `built from ${selected.builtFrom}`} · {checkpointText(selected)} · updated {formatRelative(selected.updatedAt)}
            </span>
            <span className="spacer" />
            {continuing?.name === selected.name ? (
              <>
                <span className="muted" role="status">
                  Continuing… {formatCount(continuing.done)}
                  {continuing.total !== null && ` / ${formatCount(continuing.total)}`} events
                </span>
                <button className="btn" onClick={() => continuing.controller.abort()}>
                  Cancel
                </button>
              </>
            ) : (
              <button className="btn primary" disabled={continuing !== null} onClick={() => void continueModel(selected)} title="Run the saved code over the events after the checkpoint, from the saved state">
                {selected.source.resume ? 'Continue' : `Continue from ${selected.checkpoint + 1}`}
              </button>
            )}
            {confirmDelete ? (
              <span className="save-sub">
                Delete the table {selected.name}?
                <button className="btn danger" onClick={() => void deleteModel(selected)}>
                  Delete
                </button>
                <button className="btn" onClick={() => setConfirmDelete(false)}>
                  Keep
                </button>
              </span>
            ) : (
              <button className="btn" onClick={() => setConfirmDelete(true)}>
                Delete…
              </button>
            )}
          </div>
        ) : (
          <div className="toolbar muted">Pick a read model, or query the file with any SQL that reads.</div>
        )}
        {message && (
          <div className="notice" role="status">
            {message}
          </div>
        )}
        {actionError !== null && (
          <div className="section">
            <ErrorBox error={actionError} />
          </div>
        )}
        <form
          className="rm-query"
          onSubmit={(e) => {
            e.preventDefault();
            setRow(-1);
            void query.run(sql);
          }}
        >
          <textarea
            ref={sqlBox}
            className="input mono"
            aria-label="SQL query"
            rows={3}
            spellCheck={false}
            placeholder={'SELECT key, balance FROM balances WHERE balance > 100 ORDER BY balance DESC'}
            value={sql}
            onChange={(e) => setSql(e.target.value)}
            onKeyDown={(e) => {
              if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <div className="rm-query-actions">
            {query.running ? (
              <button type="button" className="btn" onClick={query.cancel}>
                Cancel
              </button>
            ) : (
              <button type="submit" className="btn primary" title="Ctrl+Enter">
                Run query
              </button>
            )}
            <span className="faint">Read-only; a query stops after 10 s.</span>
          </div>
        </form>
        {query.error !== null && (
          <div className="section">
            <ErrorBox error={query.error} />
          </div>
        )}
        <div className="split">
          <div className="table-wrap">
            <ResultGrid
              columns={result?.columns ?? []}
              rows={result?.rows ?? []}
              selected={row}
              onSelect={setRow}
              onCopy={(r) => void copyText(JSON.stringify(rowObject(r), null, 2))}
              label="Query result"
              empty={<div className="empty">{query.running ? 'Running the query…' : result ? 'The query returned no rows.' : 'Run a query to see rows.'}</div>}
            />
            {result && (
              <div className="toolbar table-foot">
                <span className="muted" data-testid="query-summary">
                  {formatCount(result.rows.length)} {result.rows.length === 1 ? 'row' : 'rows'}
                  {result.more ? ' so far' : ''} · {Math.round(result.elapsedMs)} ms
                </span>
                <span className="spacer" />
                {result.more && result.rows.length < MAX_ROWS && (
                  <button className="btn small" disabled={query.running} onClick={query.more}>
                    Load more
                  </button>
                )}
                {result.more && result.rows.length >= MAX_ROWS && <span className="faint">Showing the first {formatCount(MAX_ROWS)}: narrow the query to see the rest.</span>}
              </div>
            )}
          </div>
          <div className="panel-scroll detail">
            {selectedRow ? (
              <div className="section">
                <h3>
                  Row {row + 1}
                  <span className="spacer" />
                  <button className="btn small" onClick={() => void copyText(JSON.stringify(rowObject(selectedRow), null, 2))}>
                    Copy JSON
                  </button>
                </h3>
                <JsonTree value={rowObject(selectedRow)} openDepth={2} />
              </div>
            ) : (
              <div className="empty">Select a row to see it whole.</div>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
