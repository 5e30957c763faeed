import { useCallback, useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useClient } from '../api/client-context';
import { queryKeys } from '../api/queries';
import { saveDownload } from '../ui/download';
import { startTransfer, useTransfer } from '../jobs/background-transfers';

export interface Transfer {
  kind: 'export' | 'import';
  done: number;
  total: number | null;
}

export interface ImportOutcome {
  imported: number;
  errors: { line: number; message: string }[];
  /** Set when the import stopped before the end of the file. */
  cancelled?: boolean;
}

const IMPORT_CHUNK = 1000;

/**
 * Export to a downloaded .ndjson file and import from one, with progress and cancel. Both run
 * outside the tab (see background-transfers): closing it leaves them running.
 */
export function useNdjson(connectionId: string, onImported: () => void) {
  const client = useClient();
  const queryClient = useQueryClient();
  const key = `store:${connectionId}`;
  const { state, cancel, dismiss } = useTransfer<ImportOutcome | string>(key);
  const imported = useRef(onImported);
  imported.current = onImported;

  // The view refreshes when an import it shows ends (a tab opened later reads afresh anyway).
  const importing = state?.kind === 'import' && state.running;
  const wasImporting = useRef(importing);
  useEffect(() => {
    if (wasImporting.current && !importing) imported.current();
    wasImporting.current = importing;
  }, [importing]);

  const exportTo = useCallback(
    (streamId: string | null, filename: string) =>
      startTransfer<ImportOutcome | string>(
        key,
        'export',
        `Export of ${streamId ?? '$all'}`,
        async (t) => {
          const parts: string[] = [];
          const r = await client.stream(
            'store/export',
            { connectionId, streamId },
            { signal: t.signal, onBatch: (lines) => parts.push(lines.join('\n') + '\n'), onProgress: (p) => t.progress(p.done, p.total) },
          );
          saveDownload(parts, filename);
          return `Exported ${r.count} events to ${filename}`;
        },
        (o) => (typeof o === 'string' ? o : ''),
      ),
    [client, connectionId, key],
  );

  const importFrom = useCallback(
    (file: File) =>
      startTransfer<ImportOutcome | string>(
        key,
        'import',
        `Import of ${file.name} into the store`,
        async (t) => {
          const lines = (await file.text()).split(/\r?\n/);
          if (lines[lines.length - 1] === '') lines.pop();
          t.progress(0, lines.length);
          const total: ImportOutcome = { imported: 0, errors: [] };
          let session = '';
          const opened = new Promise<void>((resolve, reject) => {
            const run = client.stream(
              'imports/run',
              { connectionId, into: { kind: 'store' }, file: file.name, lines: lines.length },
              { signal: t.signal, onBatch: (items) => ((session = items[0]?.session ?? ''), resolve()) },
            );
            run.catch(reject);
          });
          try {
            await opened;
            // Chunk by chunk: each is one transaction, and cancel stops before the next.
            for (let i = 0; i < lines.length; i += IMPORT_CHUNK) {
              const r = await client.call('store/import', { connectionId, lines: lines.slice(i, i + IMPORT_CHUNK), firstLine: i + 1, session }, { signal: t.signal });
              total.imported += r.imported;
              total.errors.push(...r.errors);
              t.progress(Math.min(lines.length, i + IMPORT_CHUNK), lines.length);
            }
          } catch (e) {
            const cancelled = t.signal.aborted || (e instanceof Error && 'code' in e && e.code === 'cancelled');
            if (!cancelled) throw e;
            total.cancelled = true;
          } finally {
            // The sidebar's counts follow the store whether or not this tab is still open.
            void queryClient.invalidateQueries({ queryKey: queryKeys.resources(connectionId) });
          }
          return total;
        },
        (o) =>
          typeof o === 'string'
            ? o
            : `${o.imported.toLocaleString('en-US')} events imported${o.errors.length ? `, ${o.errors.length} lines left out` : ''}${o.cancelled ? ' (cancelled before the end)' : ''}`,
      ),
    [client, connectionId, key, queryClient],
  );

  return {
    transfer: state?.running ? ({ kind: state.kind, done: state.done, total: state.total } satisfies Transfer) : null,
    outcome: state && !state.running ? state.outcome : null,
    error: state && !state.running ? state.error : null,
    exportTo,
    importFrom,
    cancel,
    dismiss,
  };
}
