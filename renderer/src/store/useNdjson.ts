import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import { saveDownload } from '../ui/download';

export interface Transfer {
  kind: 'export' | 'import';
  done: number;
  total: number | null;
  controller: AbortController;
}

export interface ImportOutcome {
  imported: number;
  errors: { line: number; message: string }[];
}

const IMPORT_CHUNK = 1000;

/** Export to a downloaded .ndjson file and import from one, with progress and cancel. */
export function useNdjson(connectionId: string, onImported: () => void) {
  const client = useClient();
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  // A closed tab stops its export or import (what was imported so far stays, and says so in the audit).
  const current = useRef<Transfer | null>(null);
  current.current = transfer;
  useEffect(() => () => current.current?.controller.abort(), []);
  const [outcome, setOutcome] = useState<ImportOutcome | string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const busy = useRef(false);

  const exportTo = useCallback(
    async (streamId: string | null, filename: string) => {
      if (busy.current) return;
      busy.current = true;
      const controller = new AbortController();
      setError(null);
      setOutcome(null);
      setTransfer({ kind: 'export', done: 0, total: null, controller });
      const parts: string[] = [];
      try {
        const r = await client.stream(
          'store/export',
          { connectionId, streamId },
          {
            signal: controller.signal,
            onBatch: (lines) => parts.push(lines.join('\n') + '\n'),
            onProgress: (p) => setTransfer((t) => (t ? { ...t, done: p.done, total: p.total } : t)),
          },
        );
        saveDownload(parts, filename);
        setOutcome(`Exported ${r.count} events to ${filename}`);
      } catch (e) {
        if (!controller.signal.aborted) setError(e);
      } finally {
        busy.current = false;
        setTransfer(null);
      }
    },
    [client, connectionId],
  );

  const importFrom = useCallback(
    async (file: File) => {
      if (busy.current) return;
      busy.current = true;
      const controller = new AbortController();
      setError(null);
      setOutcome(null);
      const lines = (await file.text()).split(/\r?\n/);
      if (lines[lines.length - 1] === '') lines.pop();
      setTransfer({ kind: 'import', done: 0, total: lines.length, controller });
      const total: ImportOutcome = { imported: 0, errors: [] };
      try {
        // Chunk by chunk: each is one transaction, and cancel stops before the next.
        for (let i = 0; i < lines.length && !controller.signal.aborted; i += IMPORT_CHUNK) {
          const r = await client.call('store/import', { connectionId, lines: lines.slice(i, i + IMPORT_CHUNK), firstLine: i + 1 }, { signal: controller.signal });
          total.imported += r.imported;
          total.errors.push(...r.errors);
          setTransfer((t) => (t ? { ...t, done: Math.min(lines.length, i + IMPORT_CHUNK) } : t));
        }
      } catch (e) {
        if (!controller.signal.aborted) setError(e);
      } finally {
        busy.current = false;
        setTransfer(null);
        setOutcome(total);
        onImported();
      }
    },
    [client, connectionId, onImported],
  );

  return { transfer, outcome, error, exportTo, importFrom, dismiss: () => (setOutcome(null), setError(null)) };
}
