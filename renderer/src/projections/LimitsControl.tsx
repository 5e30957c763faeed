import { useState } from 'react';
import { DEFAULT_LIMITS, LIMIT_BOUNDS, type Limits } from '../../../src/model/projection-limits';

const STORAGE_KEY = 'rewind.projection-limits';

/** The limits the user last set, or the defaults; anything outside the core's bounds is dropped. */
export function savedLimits(): Limits {
  try {
    const v = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Limits> | null;
    if (v && inBounds('perEventMs', v.perEventMs) && inBounds('memoryMb', v.memoryMb)) return { perEventMs: v.perEventMs!, memoryMb: v.memoryMb! };
  } catch {
    /* nothing saved, or not ours */
  }
  return DEFAULT_LIMITS;
}

function inBounds(field: keyof Limits, value: unknown): value is number {
  const b = LIMIT_BOUNDS[field];
  return typeof value === 'number' && Number.isInteger(value) && value >= b.min && value <= b.max;
}

const describe = (l: Limits) => `${l.perEventMs >= 1000 ? `${l.perEventMs / 1000} s` : `${l.perEventMs} ms`} per event · ${l.memoryMb} MB`;

/** Time per event and memory for the projection's sandbox, within the bounds the core enforces. */
export function LimitsControl({ value, onChange }: { value: Limits; onChange(l: Limits): void }) {
  const [draft, setDraft] = useState({ perEventMs: String(value.perEventMs), memoryMb: String(value.memoryMb) });
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    const next = { perEventMs: Number(draft.perEventMs), memoryMb: Number(draft.memoryMb) };
    for (const field of ['perEventMs', 'memoryMb'] as const) {
      if (!inBounds(field, next[field])) {
        const b = LIMIT_BOUNDS[field];
        return setError(field === 'perEventMs' ? `Time per event: ${b.min} to ${b.max} ms` : `Memory: ${b.min} to ${b.max} MB`);
      }
    }
    setError(null);
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    onChange(next);
  };
  return (
    <details className="limits">
      <summary className="btn" title="The sandbox stops a handler that runs longer, or a projection that holds more">
        Limits: {describe(value)}
      </summary>
      <form className="limits-form" onSubmit={(e) => (e.preventDefault(), apply())}>
        <label>
          Time per event (ms)
          <input className="input mono" inputMode="numeric" value={draft.perEventMs} onChange={(e) => setDraft((d) => ({ ...d, perEventMs: e.target.value }))} />
        </label>
        <label>
          Memory (MB)
          <input className="input mono" inputMode="numeric" value={draft.memoryMb} onChange={(e) => setDraft((d) => ({ ...d, memoryMb: e.target.value }))} />
        </label>
        <button className="btn primary" type="submit">
          Apply
        </button>
        <span className="faint">
          {LIMIT_BOUNDS.perEventMs.min}–{LIMIT_BOUNDS.perEventMs.max} ms, {LIMIT_BOUNDS.memoryMb.min}–{LIMIT_BOUNDS.memoryMb.max} MB
        </span>
        {error && <span className="field-error">{error}</span>}
      </form>
    </details>
  );
}
