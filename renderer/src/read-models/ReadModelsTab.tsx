import { useCallback, useEffect, useState } from 'react';
import type { ConnectionSummary, ReadModelInfo } from '../api/types';
import { ErrorBox } from '../ui/ErrorBox';
import { QueryPanel } from './QueryPanel';
import { defaultSql } from './read-model-text';
import { ReadModelList } from './ReadModelList';
import { ReadModelToolbar } from './ReadModelToolbar';
import { useReadModelList } from './useReadModelList';

/**
 * The read side: every saved read model with its source and checkpoint, Continue to apply what
 * arrived since, and read-only SQL over the tables.
 */
export function ReadModelsTab({ connections, focus }: { connections: ConnectionSummary[]; focus: { name: string | null; n: number } }) {
  const { models, path, error: listError, refresh } = useReadModelList();
  const [selectedName, setSelectedName] = useState<string | null>(focus.name);
  const [seed, setSeed] = useState<{ sql: string | null; n: number } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const select = useCallback((m: ReadModelInfo) => {
    setSelectedName(m.name);
    setMessage(null);
    setActionError(null);
    setSeed((s) => ({ sql: defaultSql(m), n: (s?.n ?? 0) + 1 }));
  }, []);

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

  const changed = async (text: string, deleted: boolean) => {
    const list = await refresh();
    setMessage(text);
    setActionError(null);
    if (deleted) {
      setSelectedName(null);
      if (list?.[0]) select(list[0]);
      setMessage(text);
    } else setSeed((s) => ({ sql: null, n: (s?.n ?? 0) + 1 }));
  };

  return (
    <div className="read-models">
      <ReadModelList models={models} path={path} error={listError} selectedName={selectedName} connectionName={connectionName} onSelect={select} onReload={() => void refresh()} />
      <div className="rm-main">
        {selected ? (
          <ReadModelToolbar model={selected} connectionName={connectionName} onChanged={(t, d) => void changed(t, d)} onError={setActionError} />
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
        <QueryPanel seed={seed} />
      </div>
    </div>
  );
}
