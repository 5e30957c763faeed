import { useEffect } from 'react';
import type { Envelope } from '../api/types';
import { traceKeyOf } from '../../../src/model/trace';
import type { RecordSource } from '../records/whole-payload';
import { useTraceActions } from './trace-launch';

/** The detail pane's way into a trace: offered on every message, said plainly when there is nothing to follow. */
export function TraceButton({ envelope, source, connectionId }: { envelope: Envelope; source: RecordSource | null; connectionId: string | null }) {
  const actions = useTraceActions();
  useEffect(() => {
    if (actions && connectionId !== null) actions.shown({ connectionId, record: envelope, target: source?.target ?? null });
  }, [actions, connectionId, envelope, source?.target]);
  if (!actions || connectionId === null) return null;
  const key = traceKeyOf(envelope);
  return (
    <button
      className="btn small"
      disabled={!key}
      title={
        key
          ? `Find every message with ${key.by === 'correlation' ? 'correlation id' : 'trace id'} ${key.value}, across the sources you pick (T on the table)`
          : 'This message has no correlation id and no traceparent: there is nothing to follow it by.'
      }
      onClick={() => actions.start({ connectionId, record: envelope, target: source?.target ?? null })}
    >
      Trace conversation
    </button>
  );
}
