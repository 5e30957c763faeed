import { useState } from 'react';
import type { Resource } from '../api/types';
import { RecordsView } from '../records/RecordsView';
import { StreamGroupsDialog } from './StreamGroupsDialog';

type SourceResource = Extract<Resource, { type: 'source' }>;

interface Props {
  connectionId: string;
  resource: SourceResource;
  attachJob: { id: string; n: number } | null;
  onChanged(): void;
}

/** A Redis stream or queue state: the records view, and for a stream its consumer groups. */
export function RedisResourceTab({ connectionId, resource, attachJob, onChanged }: Props) {
  const [groups, setGroups] = useState(false);
  const [generation, setGeneration] = useState(0);
  const isStream = resource.kind === 'stream';
  return (
    <>
      {groups && (
        <StreamGroupsDialog
          connectionId={connectionId}
          stream={resource.name}
          onClose={() => setGroups(false)}
          onChanged={() => {
            setGeneration((g) => g + 1);
            onChanged();
          }}
        />
      )}
      <RecordsView
        connectionId={connectionId}
        resource={resource}
        target={{ type: 'source', resource: resource.name }}
        attachJob={attachJob}
        generation={generation}
        actions={() =>
          isStream && (
            <button className="btn" onClick={() => setGroups(true)} title="Who reads this stream, what is pending, and moving poison entries to its DLQ">
              Consumer groups…
            </button>
          )
        }
      />
    </>
  );
}
