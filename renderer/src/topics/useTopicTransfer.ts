import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import { saveDownload } from '../ui/download';
import type { ExportScope } from '../../../src/model/topic-scan';

const IMPORT_CHUNK = 1000;

interface Transfer {
  kind: 'export' | 'import';
  done: number;
  total: number | null;
  controller: AbortController;
}

/** JSONL (kcat -J) out of a topic to a downloaded file, and from a file into the topic, with progress and cancel. */
export function useTopicTransfer(connectionId: string, topic: string) {
  const client = useClient();
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  // A closed tab stops its export or import (what was imported so far stays, and says so in the audit).
  const current = useRef<Transfer | null>(null);
  current.current = transfer;
  useEffect(() => () => current.current?.controller.abort(), []);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const busy = useRef(false);

  const run = async (kind: Transfer['kind'], work: (t: Transfer) => Promise<string>) => {
    if (busy.current) return;
    busy.current = true;
    const t: Transfer = { kind, done: 0, total: null, controller: new AbortController() };
    setTransfer(t);
    setError(null);
    setOutcome(null);
    try {
      setOutcome(await work(t));
    } catch (e) {
      if (!t.controller.signal.aborted) setError(e);
      else setOutcome(kind === 'export' ? 'Export cancelled: nothing was saved.' : 'Import cancelled: the chunks already produced stay in the topic.');
    } finally {
      busy.current = false;
      setTransfer(null);
    }
  };

  const exportTo = useCallback(
    (scope: ExportScope, filename: string) =>
      run('export', async (t) => {
        const parts: string[] = [];
        const r = await client.stream(
          'topics/export',
          { connectionId, topic, scope },
          { signal: t.controller.signal, onBatch: (lines) => parts.push(lines.join('\n') + '\n'), onProgress: (p) => setTransfer((x) => (x ? { ...x, done: p.done, total: p.total } : x)) },
        );
        saveDownload(parts, filename);
        return `Exported ${r.count.toLocaleString('en-US')} records to ${filename} (kcat -J lines).`;
      }),
    [client, connectionId, topic],
  );

  const importFrom = useCallback(
    (file: File) =>
      run('import', async (t) => {
        const lines = (await file.text()).split(/\r?\n/);
        if (lines[lines.length - 1] === '') lines.pop();
        setTransfer({ ...t, total: lines.length });
        let produced = 0;
        const errors: { line: number; message: string }[] = [];
        for (let i = 0; i < lines.length && !t.controller.signal.aborted; i += IMPORT_CHUNK) {
          const r = await client.call('topics/import', { connectionId, topic, lines: lines.slice(i, i + IMPORT_CHUNK), firstLine: i + 1, keepPartitions: true }, { signal: t.controller.signal });
          produced += r.produced;
          errors.push(...r.errors);
          setTransfer((x) => (x ? { ...x, done: Math.min(lines.length, i + IMPORT_CHUNK) } : x));
        }
        const bad = errors.length
          ? ` ${errors.length} line${errors.length === 1 ? '' : 's'} skipped: ${errors
              .slice(0, 3)
              .map((e) => `line ${e.line}: ${e.message}`)
              .join('; ')}${errors.length > 3 ? '…' : ''}`
          : '';
        return `Produced ${produced.toLocaleString('en-US')} records from ${file.name} to ${topic}.${bad}`;
      }),
    [client, connectionId, topic],
  );

  return { transfer, outcome, error, exportTo, importFrom, cancel: () => transfer?.controller.abort() };
}
