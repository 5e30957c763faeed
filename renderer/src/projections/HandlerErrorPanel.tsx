import type { Failure } from './useRebuild';

/** A handler threw: where, on what, why, and the three ways on. */
export function HandlerErrorPanel({ failure, onFix, onSkip, onStop }: { failure: Failure; onFix(): void; onSkip(): void; onStop(): void }) {
  const stack = failure.stack
    .split('\n')
    .filter((l) => l.includes('projection.ts') || !l.trim().startsWith('at '))
    .join('\n');
  // The first frame in the user's code: where to look, without opening the stack.
  const line = /projection\.ts:(\d+):\d+/.exec(failure.stack)?.[1];
  return (
    <div className="handler-error" role="alert" data-testid="handler-error">
      <div className="he-title">
        The <span className="mono">{failure.event.type}</span> handler threw{' '}
        {line && (
          <>
            on line <span className="mono">{line}</span>{' '}
          </>
        )}
        at position{' '}
        <span className="mono" data-testid="failure-position">
          {failure.position}
        </span>
      </div>
      <div className="mono he-message">
        {failure.name}: {failure.message}
      </div>
      <details>
        <summary>Event and stack</summary>
        <pre className="code">{`${failure.event.streamId} v${failure.event.version} · ${failure.event.timestamp}\n${failure.event.data}\n\n${stack}`}</pre>
      </details>
      <div className="he-actions">
        <button className="btn primary" onClick={onFix} title="Apply the code in the editor and retry this event, keeping the state so far">
          Fix and continue
        </button>
        <button className="btn" onClick={onSkip} title="Leave this event out; the run records that it did">
          Skip this event
        </button>
        <button className="btn danger" onClick={onStop}>
          Stop
        </button>
      </div>
    </div>
  );
}
