import { ErrorBox } from '../ui/ErrorBox';
import { formatCount } from '../ui/format';
import type { ImportOutcome, Transfer } from './useNdjson';

/** Progress of an export or import, then what came of it (with the lines that were refused). */
export function StoreTransferNotice({
  transfer,
  outcome,
  error,
  cancel,
  dismiss,
}: {
  transfer: Transfer | null;
  outcome: ImportOutcome | string | null;
  error: unknown;
  cancel(): void;
  dismiss(): void;
}) {
  if (transfer) {
    const pct = transfer.total ? Math.min(100, (transfer.done / transfer.total) * 100) : null;
    return (
      <div className="notice" role="status" data-testid="transfer">
        <span className="progress">
          <span className={`bar${pct === null ? ' indeterminate' : ''}`} style={pct === null ? undefined : ({ '--pct': `${pct}%` } as React.CSSProperties)}>
            <i />
          </span>
          {transfer.kind === 'export' ? 'Exporting' : 'Importing'} {formatCount(transfer.done)}
          {transfer.total !== null && ` of ${formatCount(transfer.total)}`} {transfer.kind === 'export' ? 'events' : 'lines'}
          <button className="btn small" onClick={cancel}>
            Cancel
          </button>
        </span>
      </div>
    );
  }
  if (error) {
    return (
      <div className="section">
        <ErrorBox error={error} />
      </div>
    );
  }
  if (!outcome) return null;
  return (
    <div className={`notice${typeof outcome !== 'string' && outcome.errors.length ? ' warn' : ''}`} role="status" data-testid="transfer-outcome">
      {typeof outcome === 'string' ? (
        outcome
      ) : (
        <>
          Imported {formatCount(outcome.imported)} events{outcome.cancelled && ' before the import was cancelled'}
          {outcome.errors.length > 0 && `; ${formatCount(outcome.errors.length)} lines left out:`}
          {outcome.errors.length > 0 && (
            <ul className="mono import-errors">
              {outcome.errors.slice(0, 20).map((e) => (
                <li key={e.line}>
                  line {e.line}: {e.message}
                </li>
              ))}
              {outcome.errors.length > 20 && <li>… and {outcome.errors.length - 20} more</li>}
            </ul>
          )}
        </>
      )}{' '}
      <button className="btn small ghost" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
