import { ApiCallError } from '../../../src/model/errors';

/** Says what failed and, when the back end knows, what to do about it. */
export function ErrorBox({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof ApiCallError ? error.hint : undefined;
  return (
    <div className="error-box" role="alert">
      <div>{message}</div>
      {hint && <div className="hint">{hint}</div>}
    </div>
  );
}
