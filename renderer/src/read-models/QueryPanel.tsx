import { useEffect, useRef, useState } from 'react';
import { JsonTree } from '../projections/JsonTree';
import { copyText } from '../ui/copy';
import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import { ResultGrid, type Cell } from './ResultGrid';
import { MAX_ROWS, useQuery } from './useQuery';

/**
 * Read-only SQL over the read-model file: the box, the rows (virtualized, more on demand) and the
 * selected row whole. `seed` puts a query in the box and runs it (a model was picked); a seed
 * without SQL runs again what is in the box (the model changed under it).
 */
export function QueryPanel({ seed }: { seed: { sql: string | null; n: number } | null }) {
  const [sql, setSql] = useState('');
  const [row, setRow] = useState(-1);
  const query = useQuery();
  const run = query.run;
  const typed = useRef(sql);
  typed.current = sql;

  useEffect(() => {
    if (!seed) return;
    setRow(-1);
    if (seed.sql === null) {
      void run(typed.current);
      return;
    }
    setSql(seed.sql);
    void run(seed.sql);
  }, [seed, run]);

  const result = query.result;
  const selectedRow = result?.rows[row] ?? null;
  const rowObject = (r: Cell[]) => Object.fromEntries((result?.columns ?? []).map((c, i) => [c, c === 'state' && typeof r[i] === 'string' ? safeJson(r[i]) : r[i]]));

  return (
    <>
      <form
        className="rm-query"
        onSubmit={(e) => {
          e.preventDefault();
          setRow(-1);
          void run(sql);
        }}
      >
        <textarea
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
    </>
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
