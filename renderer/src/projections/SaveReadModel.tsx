import { useState } from 'react';
import { useClient } from '../api/client-context';
import type { ReadModelInfo } from '../api/types';
import { formatCount } from '../ui/format';

/**
 * Saves the finished run as a read-model table (a row per partition) with its last position as
 * checkpoint; saving under an existing name replaces that table.
 */
export function SaveReadModel({ runId, disabledReason, onOpen }: { runId: string; disabledReason: string | null; onOpen(name: string): void }) {
  const client = useClient();
  const [name, setName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<ReadModelInfo | null>(null);

  const save = async () => {
    if (name === null || busy) return;
    setBusy(true);
    setError(null);
    try {
      const info = await client.call('read-models/save', { runId, name });
      setSaved(info);
      setName(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (name === null) {
    return (
      <>
        <button
          className="btn"
          disabled={disabledReason !== null}
          title={disabledReason ?? 'Write this run’s state to a table you can query, and continue it later from its checkpoint'}
          onClick={() => (setName(''), setSaved(null))}
        >
          Save as read model…
        </button>
        {saved && (
          <span className="notice-inline" role="status">
            <span>
              Saved <span className="mono">{saved.name}</span>: {formatCount(saved.rows)} rows, checkpoint {saved.checkpoint}
            </span>
            <button className="btn small" onClick={() => onOpen(saved.name)}>
              Open
            </button>
          </span>
        )}
      </>
    );
  }
  return (
    <form className="save-sub" onSubmit={(e) => (e.preventDefault(), void save())}>
      <input
        className="input mono"
        aria-label="Read model name"
        placeholder="account_balances"
        value={name}
        autoFocus
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setName(null)}
      />
      <button className="btn primary" type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      <button className="btn" type="button" onClick={() => (setName(null), setError(null))}>
        Cancel
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
