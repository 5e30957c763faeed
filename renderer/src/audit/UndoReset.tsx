import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useClient } from '../api/client-context';
import { ErrorBox } from '../ui/ErrorBox';

interface ResetDetail {
  connectionId: string;
  groupId: string;
  before: { topic: string; partition: number; offset: string | null }[];
}

const isReset = (d: unknown): d is ResetDetail => typeof d === 'object' && d !== null && 'groupId' in d && 'before' in d && Array.isArray((d as ResetDetail).before);

/** On an offset reset's audit entry: set the group back to the committed offsets it had before. */
export function UndoReset({ entryId, detail }: { entryId: number; detail: unknown }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [state, setState] = useState<{ busy: boolean; error: unknown; done: boolean }>({ busy: false, error: null, done: false });
  if (!isReset(detail)) return null;
  const offsets = detail.before.filter((b): b is { topic: string; partition: number; offset: string } => b.offset !== null);
  const skipped = detail.before.length - offsets.length;
  if (offsets.length === 0) return <p className="muted">The group had no committed offsets before this reset: there is nothing to go back to.</p>;
  return (
    <p>
      <button
        className="btn small"
        disabled={state.busy || state.done}
        onClick={() => {
          setState({ busy: true, error: null, done: false });
          client.call('groups/reset', { connectionId: detail.connectionId, groupId: detail.groupId, offsets, description: `undo: back to the offsets before audit entry ${entryId}` }).then(
            // The list is not reloaded here, so the selection stays on this entry; the undo is a new entry.
            () => {
              setState({ busy: false, error: null, done: true });
              // An open groups tab shows the offsets moved back at once.
              void queryClient.invalidateQueries({ queryKey: ['groups', detail.connectionId] });
              void queryClient.invalidateQueries({ queryKey: ['group', detail.connectionId, detail.groupId] });
            },
            (error: unknown) => setState({ busy: false, error, done: false }),
          );
        }}
      >
        {state.done ? 'Reset back' : state.busy ? 'Resetting back…' : 'Reset back to the offsets before'}
      </button>
      {state.done && <span className="muted"> Written to the audit log as a new entry.</span>}
      {skipped > 0 && (
        <span className="muted">
          {' '}
          ({skipped} partition{skipped === 1 ? '' : 's'} had no offset before and keep the new one)
        </span>
      )}
      {state.error !== null && <ErrorBox error={state.error} />}
    </p>
  );
}
