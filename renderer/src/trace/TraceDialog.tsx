import { useState } from 'react';
import type { ConnectionSummary } from '../api/types';
import { memberTime, traceKeyOf, TRACE_BOUND_DEFAULT, TRACE_BOUND_MAX, type TraceKey, type TraceRequest } from '../../../src/model/trace';
import { Dialog } from '../ui/Dialog';
import { formatTime } from '../ui/format';
import { whereOf, type TraceOrigin } from './trace-launch';

/** How far either side of the message's time topics and streams are read. */
const WINDOWS: { minutes: number; label: string }[] = [
  { minutes: 5, label: '±5 minutes' },
  { minutes: 30, label: '±30 minutes (one hour)' },
  { minutes: 120, label: '±2 hours' },
  { minutes: 720, label: '±12 hours' },
  { minutes: 4320, label: '±3 days' },
];

/** What a trace from one message looks in: which connections, how far around its time, and when it stops. */
export function TraceDialog(props: { origin: TraceOrigin; connections: ConnectionSummary[]; onStart(r: TraceRequest): void; onClose(): void }) {
  const key = traceKeyOf(props.origin.record);
  // Asked by the keyboard (T) or the palette of a message with nothing to follow: said, not silently ignored.
  if (!key)
    return (
      <Dialog
        title="Trace conversation"
        submitLabel="Close"
        submitting={false}
        onClose={props.onClose}
        onSubmit={(e) => {
          e.preventDefault();
          props.onClose();
        }}
      >
        <p role="alert">This message has no correlation id and no traceparent: there is nothing to follow it by.</p>
        <p className="muted">A trace follows the correlation id a message carries (CloudEvents, a header, an envelope in its value), or the trace id of its W3C traceparent.</p>
      </Dialog>
    );
  return <TraceForm {...props} traceKey={key} />;
}

function TraceForm({
  origin,
  connections,
  onStart,
  onClose,
  traceKey: key,
}: {
  origin: TraceOrigin;
  connections: ConnectionSummary[];
  onStart(r: TraceRequest): void;
  onClose(): void;
  traceKey: TraceKey;
}) {
  const [picked, setPicked] = useState<Set<string>>(() => new Set(connections.map((c) => c.id)));
  const [minutes, setMinutes] = useState(30);
  const [bound, setBound] = useState(String(TRACE_BOUND_DEFAULT));
  const [error, setError] = useState<string | null>(null);
  const time = memberTime(origin.record);
  const at = time ? Date.parse(time) : Date.now();
  const name = connections.find((c) => c.id === origin.connectionId)?.name ?? origin.connectionId;
  return (
    <Dialog
      title="Trace conversation"
      submitLabel="Trace"
      submitting={false}
      onClose={onClose}
      onSubmit={(e) => {
        e.preventDefault();
        const n = Number(bound.replace(/[,_\s]/g, ''));
        if (!Number.isInteger(n) || n < 1 || n > TRACE_BOUND_MAX) return setError(`The bound is a whole number from 1 to ${TRACE_BOUND_MAX.toLocaleString('en-US')}.`);
        if (picked.size === 0) return setError('Pick at least one source to look in.');
        onStart({
          key,
          origin: { where: whereOf(origin.connectionId, name, origin.record, origin.target), position: origin.record.position, partition: origin.record.partition, time: time ?? null },
          window: { from: new Date(at - minutes * 60_000).toISOString(), to: new Date(at + minutes * 60_000).toISOString() },
          connectionIds: connections.filter((c) => picked.has(c.id)).map((c) => c.id),
          bound: n,
        });
      }}
    >
      <p>
        Every message with {key.by === 'correlation' ? 'correlation id' : 'the trace id of its traceparent,'} <code data-testid="trace-key">{key.value}</code>
        {key.by === 'trace' ? ' (this message has no correlation id)' : ''}.
      </p>
      <label className="field">
        <span>Around {time ? formatTime(time) : 'now (the message has no time)'}</span>
        <select className="input" aria-label="Time window" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {WINDOWS.map((w) => (
            <option key={w.minutes} value={w.minutes}>
              {w.label}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">Kafka topics and streams are read only within this window, found by time; the store is asked through its index; queue states are read whole.</p>
      <fieldset className="field">
        <legend>Look in</legend>
        {connections.map((c) => (
          <label key={c.id} className="check">
            <input
              type="checkbox"
              checked={picked.has(c.id)}
              onChange={(e) =>
                setPicked((s) => {
                  const next = new Set(s);
                  if (e.target.checked) next.add(c.id);
                  else next.delete(c.id);
                  return next;
                })
              }
            />{' '}
            {c.name} <span className="muted">({c.kind})</span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Stop after this many messages</span>
        <input className="input" inputMode="numeric" value={bound} onChange={(e) => setBound(e.target.value)} />
      </label>
      {error && (
        <div className="notice warn" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}
