import { useEffect, useRef, useState } from 'react';
import { useClient } from '../api/client-context';
import type { ReadModelInfo } from '../api/types';
import { labelOf } from '../projections/SourcePicker';
import { formatCount, formatRelative } from '../ui/format';
import { checkpointText } from './read-model-text';

interface Continuing {
  name: string;
  done: number;
  total: number | null;
  controller: AbortController;
}

interface Props {
  model: ReadModelInfo;
  connectionName(id: string): string;
  /** After a continue or a delete: what happened, in one sentence, once the list is fresh. */
  onChanged(message: string, deleted: boolean): void;
  onError(error: unknown): void;
}

/**
 * The selected read model: where it comes from and stands, Continue (which goes on as a job if
 * the tab closes) and Delete with a confirmation.
 */
export function ReadModelToolbar({ model, connectionName, onChanged, onError }: Props) {
  const client = useClient();
  const [continuing, setContinuing] = useState<Continuing | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const unmounted = useRef(new AbortController());
  useEffect(() => {
    const c = new AbortController();
    unmounted.current = c;
    return () => c.abort();
  }, []);
  useEffect(() => setConfirmDelete(false), [model.name]);

  const continueModel = async () => {
    const m = model;
    const controller = new AbortController();
    setContinuing({ name: m.name, done: 0, total: null, controller });
    try {
      const r = await client.stream(
        'read-models/continue',
        { name: m.name },
        { signal: controller.signal, detach: unmounted.current.signal, onProgress: (p) => setContinuing((c) => c && { ...c, done: p.done, total: p.total }) },
      );
      onChanged(
        r.processed === 0
          ? `Nothing new after ${m.source.resume ? checkpointText(m) : `position ${m.checkpoint}`}: ${m.name} is up to date.`
          : `Applied ${formatCount(r.processed)} ${r.processed === 1 ? 'event' : 'events'}: ${m.name} is at ${checkpointText(r.info)} with ${formatCount(r.info.rows)} rows.`,
        false,
      );
    } catch (e) {
      if (!unmounted.current.signal.aborted) onError(e);
    } finally {
      if (!unmounted.current.signal.aborted) setContinuing(null);
    }
  };

  const deleteModel = async () => {
    try {
      await client.call('read-models/delete', { name: model.name });
      setConfirmDelete(false);
      onChanged(`Deleted read model ${model.name}.`, true);
    } catch (e) {
      onError(e);
    }
  };

  const m = model;
  return (
    <div className="toolbar">
      <strong className="mono">{m.name}</strong>
      <span className="muted">
        {connectionName(m.source.connectionId)} · {labelOf(m.source.target)} · {m.source.resume ? `${formatCount(m.checkpoint)} records applied` : `built from ${m.builtFrom}`} · {checkpointText(m)} ·
        updated {formatRelative(m.updatedAt)}
      </span>
      <span className="spacer" />
      {continuing?.name === m.name ? (
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
        <button className="btn primary" disabled={continuing !== null} onClick={() => void continueModel()} title="Run the saved code over the events after the checkpoint, from the saved state">
          {m.source.resume ? 'Continue' : `Continue from ${m.checkpoint + 1}`}
        </button>
      )}
      {confirmDelete ? (
        <span className="save-sub">
          Delete the table {m.name}?
          <button className="btn danger" onClick={() => void deleteModel()}>
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
  );
}
