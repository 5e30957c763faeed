import { useCallback } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useClient } from '../api/client-context';
import { queryKeys } from '../api/queries';
import { saveDownload } from '../ui/download';
import { startTransfer, useTransfer } from '../jobs/background-transfers';
import type { ExportScope } from '../../../src/model/topic-scan';

const IMPORT_CHUNK = 1000;

/**
 * JSONL (kcat -J) out of a topic to a downloaded file, and from a file into the topic, with
 * progress and cancel. Both run outside the tab: closing it leaves them running (see background-transfers).
 */
export function useTopicTransfer(connectionId: string, topic: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  const key = `topic:${connectionId}:${topic}`;
  const { state, cancel } = useTransfer<string>(key);

  const exportTo = useCallback(
    (scope: ExportScope, filename: string) =>
      startTransfer(
        key,
        'export',
        `Export of ${topic}`,
        async (t) => {
          const parts: string[] = [];
          try {
            const r = await client.stream(
              'topics/export',
              { connectionId, topic, scope },
              { signal: t.signal, onBatch: (lines) => parts.push(lines.join('\n') + '\n'), onProgress: (p) => t.progress(p.done, p.total) },
            );
            saveDownload(parts, filename);
            return `Exported ${r.count.toLocaleString('en-US')} records to ${filename} (kcat -J lines).`;
          } catch (e) {
            if (t.signal.aborted) return 'Export cancelled: nothing was saved.';
            throw e;
          }
        },
        (o) => o,
      ),
    [client, connectionId, topic, key],
  );

  const importFrom = useCallback(
    (file: File) =>
      startTransfer(
        key,
        'import',
        `Import of ${file.name} into ${topic}`,
        async (t) => {
          const lines = (await file.text()).split(/\r?\n/);
          if (lines[lines.length - 1] === '') lines.pop();
          t.progress(0, lines.length);
          let produced = 0;
          const errors: { line: number; message: string }[] = [];
          // One job in the core for the whole file: the panel's Cancel refuses the next chunk.
          let session = '';
          const opened = new Promise<void>((resolve, reject) => {
            const run = client.stream(
              'imports/run',
              { connectionId, into: { kind: 'topic', topic }, file: file.name, lines: lines.length },
              { signal: t.signal, onBatch: (items) => ((session = items[0]?.session ?? ''), resolve()) },
            );
            run.catch(reject);
          });
          try {
            await opened;
            for (let i = 0; i < lines.length; i += IMPORT_CHUNK) {
              const r = await client.call('topics/import', { connectionId, topic, lines: lines.slice(i, i + IMPORT_CHUNK), firstLine: i + 1, keepPartitions: true, session }, { signal: t.signal });
              produced += r.produced;
              errors.push(...r.errors);
              t.progress(Math.min(lines.length, i + IMPORT_CHUNK), lines.length);
            }
          } catch (e) {
            const cancelled = t.signal.aborted || (e instanceof Error && 'code' in e && e.code === 'cancelled');
            if (!cancelled) throw e;
            return `Import cancelled: the ${produced.toLocaleString('en-US')} records produced before it stay in the topic.`;
          } finally {
            // The sidebar's counts follow the topic whether or not this tab is still open.
            void queryClient.invalidateQueries({ queryKey: queryKeys.resources(connectionId) });
          }
          const bad = errors.length
            ? ` ${errors.length} line${errors.length === 1 ? '' : 's'} skipped: ${errors
                .slice(0, 3)
                .map((e) => `line ${e.line}: ${e.message}`)
                .join('; ')}${errors.length > 3 ? '…' : ''}`
            : '';
          return `Produced ${produced.toLocaleString('en-US')} records from ${file.name} to ${topic}.${bad}`;
        },
        (o) => o,
      ),
    [client, connectionId, topic, key, queryClient],
  );

  return {
    transfer: state?.running ? { kind: state.kind, done: state.done, total: state.total } : null,
    outcome: state && !state.running ? state.outcome : null,
    error: state && !state.running ? state.error : null,
    exportTo,
    importFrom,
    cancel,
  };
}
