import { useState } from 'react';
import { useClient } from '../api/client-context';
import { Dialog } from '../ui/Dialog';
import { ErrorBox } from '../ui/ErrorBox';

interface Props {
  connectionId: string;
  groupId: string;
  onClose(): void;
  onDeleted(): void;
}

/** Deleting a group forgets its committed offsets for good: the name typed again is the confirmation. */
export function DeleteGroupDialog({ connectionId, groupId, onClose, onDeleted }: Props) {
  const client = useClient();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog
      title={`Delete consumer group ${groupId}`}
      onClose={onClose}
      submitLabel="Delete group"
      submitting={busy || typed !== groupId}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        client.call('groups/delete', { connectionId, groupId, confirm: typed }).then(onDeleted, (err: unknown) => {
          setError(err);
          setBusy(false);
        });
      }}
    >
      <p>Its committed offsets are deleted with it: a consumer that joins under this name again starts from its auto.offset.reset setting. The deletion is written to the audit log.</p>
      <label className="field">
        <span>
          Type <strong className="mono">{groupId}</strong> to confirm
        </span>
        <input className="input mono" aria-label="Group name to confirm" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
      </label>
      {error !== null && <ErrorBox error={error} />}
    </Dialog>
  );
}
