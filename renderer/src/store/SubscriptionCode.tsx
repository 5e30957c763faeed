import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/queries';
import { useClient } from '../api/client-context';
import { CodeEditor } from '../projections/CodeEditor';
import { JsonTree } from '../projections/JsonTree';
import { ErrorBox } from '../ui/ErrorBox';
import { formatBytes } from '../ui/format';

type Detail = { code: string; maxAttempts: number; checkpoint: number; state: unknown; stateBytes: number; stateShown: boolean };

/**
 * A subscription's code, editable in place (saving keeps its checkpoint, state and parked events),
 * beside its state at the checkpoint, read again whenever the page's subscription query is.
 */
export function SubscriptionCode({ connectionId, name, dark }: { connectionId: string; name: string; dark: boolean }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: queryKeys.subscriptionDetail(connectionId, name), queryFn: ({ signal }) => client.call('subscriptions/get', { connectionId, name }, { signal }) });
  const detail: Detail | null = query.data ?? null;
  // The user's edit, until saved; null shows the stored code.
  const [edited, setCode] = useState<string | null>(null);
  const code = edited ?? detail?.code ?? null;
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    if (code === null || !detail) return;
    setSaving(true);
    setError(null);
    try {
      await client.call('subscriptions/save', { connectionId, name, code, maxAttempts: detail.maxAttempts, replace: true });
      queryClient.setQueryData(queryKeys.subscriptionDetail(connectionId, name), { ...detail, code });
      setStatus(`Saved the code of ${name}: its checkpoint and state stay.`);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const changed = detail !== null && code !== null && code !== detail.code;
  return (
    <div className="sub-code">
      <div className="sub-code-editor">
        <div className="toolbar">
          <strong>Code</strong>
          {changed && <span className="faint">changed, not saved</span>}
          <span className="spacer" />
          <button className="btn primary" disabled={!changed || saving} onClick={() => void save()} title="Ctrl+Enter in the editor">
            {saving ? 'Saving…' : 'Save code'}
          </button>
        </div>
        {status && (
          <div className="notice" role="status">
            {status}
          </div>
        )}
        {(error ?? query.error) !== null && <ErrorBox error={error ?? query.error} />}
        {code !== null && <CodeEditor value={code} onChange={setCode} onRun={() => void save()} eventTypes={[]} dark={dark} label="Subscription code" />}
      </div>
      <div className="sub-state">
        <h3 data-testid="subscription-state-head">
          State at checkpoint {detail?.checkpoint ?? '…'}
          {detail && <span className="faint"> · {formatBytes(detail.stateBytes)}</span>}
        </h3>
        <div data-testid="subscription-state">
          {!detail ? (
            <p className="muted">Loading…</p>
          ) : detail.stateBytes === 0 ? (
            <p className="muted">No state yet: catch up to build it.</p>
          ) : detail.stateShown ? (
            <JsonTree value={detail.state} openDepth={1} />
          ) : (
            <p className="muted">The state is {formatBytes(detail.stateBytes)}, too large to show here. Save it as a read model to query it with SQL.</p>
          )}
        </div>
      </div>
    </div>
  );
}
