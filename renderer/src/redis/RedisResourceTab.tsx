import type { RecordFocus } from '../records/record-focus';
import { useState } from 'react';
import type { Resource } from '../api/types';
import { RecordsView } from '../records/RecordsView';
import { StreamTailControls } from '../records/StreamTailControls';
import { useStreamTail } from '../records/useStreamTail';
import { afterId } from '../../../src/model/stream-ids';
import { STREAM_IDS } from './RedisStreamTail';
import { JobSearchView } from './JobSearchView';
import { QueueDialog } from './QueueDialog';
import { StreamGroupsDialog } from './StreamGroupsDialog';

type SourceResource = Extract<Resource, { type: 'source' }>;

interface Props {
  connectionId: string;
  resource: SourceResource;
  attachJob: { id: string; n: number } | null;
  /** A record to open on (a trace's member). */
  focus?: RecordFocus | null;
  onChanged(): void;
}

/** A Redis stream or queue state: the records view, and for a stream its consumer groups. */
export function RedisResourceTab({ connectionId, resource, attachJob, focus = null, onChanged }: Props) {
  const [groups, setGroups] = useState(false);
  const [queueOpen, setQueueOpen] = useState(false);
  const [searching, setSearching] = useState(false);
  const tail = useStreamTail(connectionId, STREAM_IDS);
  const target = { type: 'source' as const, resource: resource.name };
  const [generation, setGeneration] = useState(0);
  const isStream = resource.kind === 'stream';
  // A queue's state is named `<queue> · <state>`; its label is the state.
  const queue = !isStream && resource.label ? resource.name.slice(0, resource.name.length - resource.label.length - 3) : null;
  const changed = () => {
    setGeneration((g) => g + 1);
    onChanged();
  };
  return (
    <>
      {groups && <StreamGroupsDialog connectionId={connectionId} stream={resource.name} onClose={() => setGroups(false)} onChanged={changed} />}
      {queueOpen && queue !== null && <QueueDialog connectionId={connectionId} queue={queue} state={resource.label!} onClose={() => setQueueOpen(false)} onChanged={changed} />}
      {searching && queue !== null ? (
        <JobSearchView connectionId={connectionId} queue={queue} state={resource.label!} resource={resource} onBack={() => setSearching(false)} />
      ) : (
        <RecordsView
          connectionId={connectionId}
          resource={resource}
          target={target}
          attachJob={attachJob}
          focus={focus}
          generation={generation}
          {...(isStream ? { followed: tail } : {})}
          actions={({ last, end }) => (
            <>
              {/* New entries join the rows read, from the id after the last one shown (or after the end the read saw). */}
              {isStream && <StreamTailControls tail={tail} onStart={() => tail.start(target, last ? afterId(last.position) : end ? afterId(end) : null)} />}
              {isStream && (
                <button className="btn" onClick={() => setGroups(true)} title="Who reads this stream, what is pending, and moving poison entries to its DLQ">
                  Consumer groups…
                </button>
              )}
              {queue !== null && (
                <>
                  <button className="btn" onClick={() => setSearching(true)} title="By name, data, a JSON condition, failure reason, time or id, across states">
                    Search jobs…
                  </button>
                  <button className="btn" onClick={() => setQueueOpen(true)} title="Workers, concurrency, rate limit; promote, remove and clean jobs">
                    Queue…
                  </button>
                </>
              )}
            </>
          )}
        />
      )}
    </>
  );
}
