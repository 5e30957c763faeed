import type { DeadLetter } from '../api/types';
import { formatTime } from '../ui/format';

type Death = DeadLetter['death'];

/** Why a message died: the summary from one entry, the whole history, and where it came from. */
export function DeathPanel({ death }: { death: Death }) {
  return (
    <div className="section death" data-testid="death">
      <h3>Why it died</h3>
      <p className="err-text">{death.reason ?? 'The message carries no reason.'}</p>
      <p className="muted">
        {death.origin && (
          <>
            from <span className="mono">{death.origin}</span>
          </>
        )}
        {death.attempts !== null && (
          <>
            {' '}
            · {death.attempts} {death.attempts === 1 ? 'time' : 'times'}
          </>
        )}
        {death.at && <> · {formatTime(death.at)}</>}
        {death.history.length > 1 && ' · the latest of its deaths'}
      </p>
      {death.first && (death.first.reason !== death.reason || death.first.queue !== death.origin) && (
        <p className="muted" data-testid="first-death">
          First died: {death.first.reason ?? 'unknown reason'}
          {death.first.queue && (
            <>
              {' '}
              in <span className="mono">{death.first.queue}</span>
            </>
          )}
        </p>
      )}
      {death.history.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="x-death history">
          <table className="kv-table" aria-label="x-death history, latest first">
            <thead>
              <tr>
                <th>Count</th>
                <th>Reason</th>
                <th>Queue</th>
                <th>Exchange</th>
                <th>Routing keys</th>
                <th>Time</th>
                <th>Original TTL</th>
              </tr>
            </thead>
            <tbody>
              {death.history.map((d, i) => (
                <tr key={i}>
                  <td className="num">{d.count ?? ''}</td>
                  <td>{d.reason ?? ''}</td>
                  <td className="mono">{d.queue ?? ''}</td>
                  <td className="mono">{d.exchange === '' ? '(default)' : (d.exchange ?? '')}</td>
                  <td className="mono">{d.routingKeys.join(', ')}</td>
                  <td className="mono">{formatTime(d.time)}</td>
                  <td className="mono">{d.originalExpiration ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {death.kafka && (
        <dl className="kv" data-testid="kafka-origin">
          {(
            [
              ['Original topic', death.kafka.topic],
              ['Partition', death.kafka.partition === null ? null : String(death.kafka.partition)],
              ['Offset', death.kafka.offset],
              ['Original time', death.kafka.timestamp ? `${formatTime(death.kafka.timestamp)} (${death.kafka.timestamp})` : null],
              ['Consumer group', death.kafka.group],
              ['Connector', death.kafka.connector === null ? null : `${death.kafka.connector}${death.kafka.taskId === null ? '' : `, task ${death.kafka.taskId}`}`],
              ['Stage', death.kafka.stage],
              ['Failing class', death.kafka.failingClass],
              ['Exception', death.kafka.exceptionClass],
              ['Cause', death.kafka.causeClass],
              ['Message', death.kafka.message],
              // What failed under the wrappers, from the stack trace: shown when it says more than the above.
              [
                'Root cause',
                death.kafka.rootCause && (death.kafka.rootCause.className !== death.kafka.exceptionClass || death.kafka.rootCause.message !== death.kafka.message)
                  ? `${death.kafka.rootCause.className}${death.kafka.rootCause.message === null ? '' : `: ${death.kafka.rootCause.message}`}`
                  : null,
              ],
            ] as const
          )
            .filter(([, v]) => v !== null)
            .map(([k, v]) => (
              <Row key={k} name={k} value={v!} />
            ))}
        </dl>
      )}
      {death.kafka?.stackTrace && (
        <details>
          <summary>Stack trace</summary>
          <pre className="code">{death.kafka.stackTrace}</pre>
        </details>
      )}
      {death.problems.map((p) => (
        <p key={p} className="notice warn">
          {p}
        </p>
      ))}
    </div>
  );
}

function Row({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className="mono">{value}</dd>
    </>
  );
}
