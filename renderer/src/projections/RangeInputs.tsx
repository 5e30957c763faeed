import type { ProjectionFrom } from '../api/types';
import { fromOf, type FromMode } from '../ui/read-from';
import { TimeField } from '../ui/TimeField';

export interface Range {
  mode: FromMode;
  position: string;
  time: string;
  /** Last position to include; empty for the end. */
  to: string;
}

export const WHOLE_RANGE: Range = { mode: 'start', position: '', time: '', to: '' };

/** `0:120, 1:98` as {"0": "120", "1": "98"}, or what is wrong with it. */
function offsetsOf(text: string): ProjectionFrom | { error: string } {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  const value: Record<string, string> = {};
  for (const part of parts) {
    const m = /^(\d+):(\d+)$/.exec(part);
    if (!m) return { error: `Write offsets as partition:offset, such as 0:120, 1:98 (not “${part}”).` };
    value[m[1]!] = m[2]!;
  }
  return parts.length ? { type: 'offsets', value } : { error: 'Give at least one partition:offset; partitions left out start at their beginning.' };
}

/** The run's start and end as the API takes them, or what to fix. */
export function rangeOf(range: Range, wholeTopic = false): { from: ProjectionFrom; to: string | null } | { error: string } {
  const from = wholeTopic && range.mode === 'position' ? offsetsOf(range.position) : fromOf(range.mode, range.mode === 'time' ? range.time : range.position);
  if ('error' in from) return from;
  const to = range.to.trim();
  if (to !== '' && !/^\d+$/.test(to)) return { error: 'The end is a whole position; leave it empty to run to the end.' };
  return { from, to: to === '' ? null : to };
}

export function describeFrom(from: ProjectionFrom): string {
  if (from.type === 'start') return 'the start';
  if (from.type === 'position') return from.value;
  if (from.type === 'offsets')
    return `offsets ${Object.entries(from.value)
      .map(([p, o]) => `${p}:${o}`)
      .join(', ')}`;
  return new Date(from.value).toLocaleString();
}

/**
 * From (the start, a position, a time) and To (a position or the end) of a rebuild. A whole Kafka
 * topic starts from an offset per partition and stops after a merged record.
 */
export function RangeInputs({ value, onChange, positionLabel, wholeTopic }: { value: Range; onChange(r: Range): void; positionLabel: string; wholeTopic: boolean }) {
  const set = (patch: Partial<Range>) => onChange({ ...value, ...patch });
  return (
    <>
      <label>
        From
        <select className="input" aria-label="Rebuild from" value={value.mode} onChange={(e) => set({ mode: e.target.value as FromMode })}>
          <option value="start">the start</option>
          <option value="position">{wholeTopic ? 'offsets per partition' : positionLabel}</option>
          <option value="time">a time</option>
        </select>
      </label>
      {value.mode === 'position' &&
        (wholeTopic ? (
          <input
            className="input mono"
            aria-label="From offsets"
            placeholder="0:120, 1:98"
            size={14}
            value={value.position}
            autoFocus
            onChange={(e) => set({ position: e.target.value })}
            title="partition:offset pairs; partitions left out start at their beginning"
          />
        ) : (
          <input className="input mono" aria-label="From position" inputMode="numeric" placeholder="0" size={7} value={value.position} autoFocus onChange={(e) => set({ position: e.target.value })} />
        ))}
      {value.mode === 'time' && <TimeField label="From time" value={value.time} autoFocus onChange={(time) => set({ time })} />}
      <label>
        To
        <input
          className="input mono"
          aria-label="To position"
          placeholder="end"
          size={7}
          value={value.to}
          title={wholeTopic ? 'Last merged record to include (records are numbered 1… in the merged order); empty for the end' : 'Last position to include; empty for the end'}
          onChange={(e) => set({ to: e.target.value })}
        />
      </label>
    </>
  );
}
