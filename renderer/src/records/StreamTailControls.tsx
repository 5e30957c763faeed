import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import type { useStreamTail } from './useStreamTail';

/** Tail a stream: follow what arrives after the rows read, pause and resume without missing any, stop. */
export function StreamTailControls({ tail, onStart }: { tail: ReturnType<typeof useStreamTail>; onStart(): void }) {
  // "New" is what the broker took after the tail began; "caught up" is what was already there, unread.
  if (!tail.active)
    return (
      <>
        <button type="button" className="btn" onClick={onStart} title="Follow new messages as they arrive, after the ones read">
          Tail
        </button>
        {tail.error !== null && <ErrorBox error={tail.error} />}
      </>
    );
  return (
    <span className="tail-controls" role="status" data-testid="stream-tail">
      <span className={tail.following ? 'live-dot' : 'faint'} aria-hidden="true">
        ●
      </span>{' '}
      {tail.following ? 'Following' : 'Paused'} · {formatCount(tail.received)} new
      {tail.caughtUp ? ` · ${formatCount(tail.caughtUp)} caught up` : ''}
      {tail.via ? ` · via ${tail.via}` : ''}{' '}
      {tail.following ? (
        <button type="button" className="btn small" onClick={tail.pause}>
          Pause
        </button>
      ) : (
        <button type="button" className="btn small" onClick={tail.resume}>
          Resume
        </button>
      )}{' '}
      <button type="button" className="btn small" onClick={tail.stop}>
        Stop
      </button>
    </span>
  );
}
