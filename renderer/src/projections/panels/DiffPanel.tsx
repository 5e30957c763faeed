import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { StateDiff } from '../../../../src/model/state-diff';
import { useClient } from '../../api/client-context';
import { ErrorBox } from '../../ui/ErrorBox';
import type { RunRecord } from '../useRebuild';

type Diff = z.infer<typeof StateDiff>;

/** "We fixed the bug: what changes?" — this run against an earlier one, per partition. */
export function DiffPanel({ runs }: { runs: RunRecord[] }) {
  const client = useClient();
  const current = runs[0];
  const [otherId, setOtherId] = useState<string>(runs[1]?.summary.runId ?? '');
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [showSame, setShowSame] = useState(false);

  useEffect(() => {
    if (!current || !otherId) return setDiff(null);
    setError(null);
    client.call('projections/diff', { leftRunId: otherId, rightRunId: current.summary.runId }).then(setDiff, setError);
  }, [client, current, otherId]);

  if (!current || runs.length < 2) {
    return (
      <div className="empty">
        <div>
          <h3>Nothing to compare yet</h3>
          <p>Rebuild again, after changing the code or the start position, to compare the two runs.</p>
        </div>
      </div>
    );
  }
  const rows = diff?.rows.filter((r) => showSame || r.status !== 'same') ?? [];
  return (
    <div className="panel-scroll">
      <div className="toolbar">
        <label>
          Compare latest run with
          <select className="input" aria-label="Compare with" value={otherId} onChange={(e) => setOtherId(e.target.value)}>
            {runs.slice(1).map((r) => (
              <option key={r.summary.runId} value={r.summary.runId}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={showSame} onChange={(e) => setShowSame(e.target.checked)} /> show unchanged
        </label>
        {diff && (
          <span className="muted" data-testid="diff-counts">
            {diff.counts.changed} changed · {diff.counts.added} added · {diff.counts.removed} removed · {diff.counts.same} unchanged
          </span>
        )}
      </div>
      {error !== null && <ErrorBox error={error} />}
      {diff && rows.length === 0 && <div className="empty">Both runs end in the same state.</div>}
      <div className="diff-rows" data-testid="diff-rows">
        {rows.map((r) => (
          <div key={r.key} className={`diff-row ${r.status}`}>
            <div className="mono">
              <span className={`badge diff-${r.status}`}>{r.status}</span> {r.key}
            </div>
            {r.changes.map((c) => (
              <div key={c.path} className="diff-change mono">
                <span className="faint">{c.path}</span> <span className="diff-left">{c.left === undefined ? '—' : JSON.stringify(c.left)}</span> →{' '}
                <span className="diff-right">{c.right === undefined ? '—' : JSON.stringify(c.right)}</span>
              </div>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
