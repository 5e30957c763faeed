import type { RecordFocus } from '../records/record-focus';
import { useState } from 'react';
import { useClient } from '../api/client-context';
import type { Resource } from '../api/types';
import { ErrorBox } from '../ui/ErrorBox';
import { FileImportButton } from '../ui/FileImportButton';
import { RecordsView } from '../records/RecordsView';
import { AppendEventDialog } from './AppendEventDialog';
import { StoreTransferNotice } from './StoreTransferNotice';
import { useNdjson } from './useNdjson';

type StoreResource = Extract<Resource, { type: 'store-all' | 'store-stream' }>;

interface Props {
  connectionId: string;
  resource: StoreResource;
  attachJob?: { id: string; n: number } | null;
  /** A record to open on (a trace's member). */
  focus?: RecordFocus | null;
  /** The store changed (append, import): counts elsewhere should refresh. */
  onChanged?: () => void;
}

type Check = { running: boolean; result: { ok: boolean; problems: string[]; elapsedMs: number } | null; error: unknown };

/** $all or one stream of the local store: its events, with the store's own actions (check, append, export, import). */
export function StoreRecordsTab({ connectionId, resource, attachJob = null, focus = null, onChanged }: Props) {
  const client = useClient();
  const [generation, setGeneration] = useState(0);
  const [appending, setAppending] = useState(false);
  const [appended, setAppended] = useState<number | null>(null);
  const [check, setCheck] = useState<Check>({ running: false, result: null, error: null });
  const streamId = resource.type === 'store-stream' ? resource.name : null;
  const ndjson = useNdjson(connectionId, () => {
    onChanged?.();
    setGeneration((g) => g + 1);
  });

  const checkFile = async () => {
    setCheck({ running: true, result: null, error: null });
    try {
      setCheck({ running: false, result: await client.call('store/check', { connectionId }), error: null });
    } catch (error) {
      setCheck({ running: false, result: null, error });
    }
  };

  const notices = (
    <>
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
      <StoreTransferNotice {...ndjson} />
      {appended !== null && (
        <div className="notice" role="status">
          Appended at position {appended}.
        </div>
      )}
      {appending && (
        <AppendEventDialog
          connectionId={connectionId}
          streamId={streamId}
          currentVersion={resource.type === 'store-stream' ? resource.events.value - 1 : null}
          onClose={() => setAppending(false)}
          onAppended={(position) => {
            setAppending(false);
            setAppended(position);
            onChanged?.();
            setGeneration((g) => g + 1);
          }}
        />
      )}
    </>
  );

  return (
    <RecordsView
      connectionId={connectionId}
      resource={resource}
      target={streamId === null ? { type: 'store-all' } : { type: 'store-stream', streamId }}
      attachJob={attachJob}
      focus={focus}
      generation={generation}
      notices={notices}
      actions={() => (
        <>
          <button className="btn" disabled={check.running} onClick={() => void checkFile()} title="SQLite's full integrity check of the store file">
            {check.running ? 'Checking…' : 'Check file'}
          </button>
          <button className="btn" onClick={() => setAppending(true)}>
            Append event
          </button>
          <button className="btn" disabled={!!ndjson.transfer} onClick={() => void ndjson.exportTo(streamId, `${resource.name === '$all' ? 'all' : resource.name}.ndjson`)}>
            Export NDJSON
          </button>
          {streamId === null && (
            <FileImportButton
              label="Import NDJSON…"
              fileLabel="NDJSON file to import"
              accept=".ndjson,.jsonl,.json,application/x-ndjson"
              disabled={!!ndjson.transfer}
              onFile={(f) => void ndjson.importFrom(f)}
            />
          )}
        </>
      )}
    />
  );
}
