import { parseTimeInput } from '../../../src/model/time-input';

interface Props {
  value: string;
  onChange(v: string): void;
  label: string;
  autoFocus?: boolean;
}

/** A time typed as people say it (yesterday 08:00, -15m, an ISO date), read back with the zone. */
export function TimeField({ value, onChange, label, autoFocus }: Props) {
  const parsed = value.trim() ? parseTimeInput(value) : null;
  return (
    <span className="time-field">
      <input
        className={`input${parsed && !parsed.ok ? ' invalid' : ''}`}
        aria-label={label}
        placeholder="yesterday 08:00, -15m, 2026-11-22 08:00"
        value={value}
        autoFocus={autoFocus}
        onChange={(e) => onChange(e.target.value)}
      />
      {parsed && (
        <span className={parsed.ok ? 'understood' : 'field-error'} data-testid="time-understood">
          {parsed.ok ? parsed.understood : parsed.error}
        </span>
      )}
    </span>
  );
}
