import { formatCount } from '../ui/format';
import type { Summary } from './useRebuild';

/**
 * The events a run skipped after their handler threw (the user chose Skip): which ones and why,
 * so "3 skipped" can be looked into. The run keeps the first 1,000; beyond that it says how many more.
 */
export function SkippedEvents({ summary }: { summary: Summary }) {
  const total = summary.skipped.length;
  if (total === 0) return null;
  const listed = summary.skippedEvents;
  const more = total - listed.length;
  return (
    <details className="notice warn" data-testid="skipped-events" open={total <= 10}>
      <summary>
        {formatCount(total)} {total === 1 ? 'event was' : 'events were'} skipped: the state never saw {total === 1 ? 'it' : 'them'}
      </summary>
      <div style={{ maxHeight: 240, overflow: 'auto', marginTop: 6 }}>
        <table className="parked" aria-label="Skipped events">
          <thead>
            <tr>
              <th scope="col">Position</th>
              <th scope="col">Type</th>
              <th scope="col">Stream</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {listed.map((e) => (
              <tr key={e.position}>
                <td className="mono">{e.position}</td>
                <td className="mono">{e.type}</td>
                <td className="mono">{e.streamId}</td>
                <td className="bad mono">{e.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more > 0 && (
        <div className="muted" data-testid="skipped-more">
          …and {formatCount(more)} more, not listed (the first {formatCount(listed.length)} are).
        </div>
      )}
    </details>
  );
}
