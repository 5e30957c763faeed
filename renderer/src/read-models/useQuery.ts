import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { Cell } from './ResultGrid';

const PAGE = 500;
/** Pages kept on screen; past this the query should narrow, not the memory grow. */
export const MAX_ROWS = 50_000;

interface QueryState {
  sql: string;
  columns: string[];
  rows: Cell[][];
  more: boolean;
  elapsedMs: number;
}

/** One read-only query over the read-model file, read a page at a time; cancellable. */
export function useQuery() {
  const client = useClient();
  const [result, setResult] = useState<QueryState | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const controller = useRef<AbortController | null>(null);

  const fetchPage = useCallback(
    async (sql: string, offset: number, previous: QueryState | null) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setRunning(true);
      setError(null);
      try {
        const page = await client.call('read-models/query', { sql, offset, limit: PAGE }, { signal: c.signal });
        setResult({
          sql,
          columns: page.columns,
          rows: previous ? [...previous.rows, ...page.rows] : page.rows,
          more: page.more,
          elapsedMs: page.elapsedMs,
        });
      } catch (e) {
        if (!c.signal.aborted) {
          setError(e);
          if (!previous) setResult(null);
        }
      } finally {
        if (controller.current === c) setRunning(false);
      }
    },
    [client],
  );

  const run = useCallback((sql: string) => fetchPage(sql, 0, null), [fetchPage]);
  const more = useCallback(() => {
    if (result && result.more && result.rows.length < MAX_ROWS) void fetchPage(result.sql, result.rows.length, result);
  }, [fetchPage, result]);
  const cancel = useCallback(() => {
    controller.current?.abort();
    setRunning(false);
  }, []);

  // A closed tab stops what it started.
  useEffect(() => () => controller.current?.abort(), []);

  return { result, running, error, run, more, cancel };
}
