import type { ReadFrom } from '../api/types';
import { fromOf, type FromMode } from '../ui/read-from';

export interface Range {
  mode: FromMode;
  position: string;
  time: string;
  /** Last position to include; empty for the end. */
  to: string;
}

export const WHOLE_RANGE: Range = { mode: 'start', position: '', time: '', to: '' };

/** The run's start and end as the API takes them, or what to fix. */
export function rangeOf(range: Range): { from: ReadFrom; to: string | null } | { error: string } {
  const from = fromOf(range.mode, range.mode === 'time' ? range.time : range.position);
  if ('error' in from) return from;
  const to = range.to.trim();
  if (to !== '' && !/^\d+$/.test(to)) return { error: 'The end is a whole position; leave it empty to run to the end.' };
  return { from, to: to === '' ? null : to };
}

export function describeFrom(from: ReadFrom): string {
  if (from.type === 'start') return 'the start';
  if (from.type === 'position') return from.value;
  return new Date(from.value).toLocaleString();
}

/** From (the start, a position, a time) and To (a position or the end) of a rebuild. */
export function RangeInputs({ value, onChange, positionLabel }: { value: Range; onChange(r: Range): void; positionLabel: string }) {
  const set = (patch: Partial<Range>) => onChange({ ...value, ...patch });
  return (
    <>
      <label>
        From
        <select className="input" aria-label="Rebuild from" value={value.mode} onChange={(e) => set({ mode: e.target.value as FromMode })}>
          <option value="start">the start</option>
          <option value="position">{positionLabel}</option>
          <option value="time">a time</option>
        </select>
      </label>
      {value.mode === 'position' && (
        <input className="input mono" aria-label="From position" inputMode="numeric" placeholder="0" size={7} value={value.position} autoFocus onChange={(e) => set({ position: e.target.value })} />
      )}
      {value.mode === 'time' && <input className="input" type="datetime-local" step="1" aria-label="From time" value={value.time} autoFocus onChange={(e) => set({ time: e.target.value })} />}
      <label>
        To
        <input className="input mono" aria-label="To position" placeholder="end" size={7} value={value.to} onChange={(e) => set({ to: e.target.value })} />
      </label>
    </>
  );
}
