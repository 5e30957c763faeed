import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { StateAtResult } from '../../../../src/api/contract';
import { useClient } from '../../api/client-context';
import { ErrorBox } from '../../ui/ErrorBox';
import { formatTime } from '../../ui/format';
import { JsonTree } from '../JsonTree';
import type { Summary } from '../useRebuild';

type At = z.infer<typeof StateAtResult>;

/** Scrub through the run: the state right after any position, and what that event changed. */
export function TimeTravelPanel({ summary }: { summary: Summary }) {
  const client = useClient();
  const [position, setPosition] = useState(summary.lastPosition);
  const [typed, setTyped] = useState(String(summary.lastPosition));
  const [at, setAt] = useState<At | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    // A short pause while the slider moves, so only where it rests is fetched.
    const t = setTimeout(() => {
      client
        .call('projections/state-at', { runId: summary.runId, position })
        .then((r) => ticket === latest.current && (setAt(r), setError(null)))
        .catch((e: unknown) => ticket === latest.current && setError(e))
        .finally(() => ticket === latest.current && setLoading(false));
    }, 60);
    return () => clearTimeout(t);
  }, [client, position, summary.runId]);

  const go = (p: number) => {
    const clamped = Math.max(summary.firstPosition, Math.min(summary.lastPosition, p));
    setPosition(clamped);
    setTyped(String(clamped));
  };
  const event = at?.event ?? null;
  return (
    <div className="panel-scroll">
      <div className="toolbar">
        <button className="btn small" aria-label="Previous position" onClick={() => go(position - 1)}>
          ◀
        </button>
        <input
          type="range"
          className="scrubber"
          aria-label="Position in the run"
          min={summary.firstPosition}
          max={summary.lastPosition}
          value={position}
          onChange={(e) => go(Number(e.target.value))}
        />
        <button className="btn small" aria-label="Next position" onClick={() => go(position + 1)}>
          ▶
        </button>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (/^\d+$/.test(typed)) go(Number(typed));
          }}
        >
          <input className="input mono" aria-label="Go to position" value={typed} onChange={(e) => setTyped(e.target.value)} size={8} />
        </form>
        <span className="muted">
          of {summary.firstPosition}–{summary.lastPosition}
          {loading ? ' · …' : ''}
        </span>
      </div>
      {error !== null && (
        <div className="section">
          <ErrorBox error={error} />
        </div>
      )}
      {at && (
        <>
          <div className="section">
            <h3>Event at {at.position}</h3>
            {event ? (
              <div data-testid="travel-event">
                <span className="mono">{event.type}</span>{' '}
                <span className="faint">
                  · {event.streamId} · {formatTime(event.timestamp)}
                </span>
                <pre className="code">{event.data}</pre>
              </div>
            ) : (
              <span className="muted">No event at this position in the run.</span>
            )}
          </div>
          {at.touched.length > 0 && (
            <div className="section">
              <h3>What it changed</h3>
              <div className="before-after" data-testid="travel-changes">
                {at.touched.map((k) => (
                  <div key={k} className="ba-row">
                    <div className="mono faint">{k || '(state)'}</div>
                    <pre className="code">{JSON.stringify((at.before as Record<string, unknown>)[k])}</pre>
                    <span className="faint">→</span>
                    <pre className="code">{JSON.stringify((at.after as Record<string, unknown>)[k])}</pre>
                  </div>
                ))}
              </div>
            </div>
          )}
          <div className="section">
            <h3>State after position {at.position}</h3>
            <div className="mono" data-testid="travel-state">
              {at.state === null ? <span className="muted">Too large to show whole.</span> : <JsonTree value={at.state} openDepth={1} />}
            </div>
          </div>
        </>
      )}
    </div>
  );
}
