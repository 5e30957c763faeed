import type { ReadFrom } from '../api/types';

export type FromMode = 'start' | 'position' | 'time';

/** Where a read or a rebuild starts, from the toolbar's mode and box, or what is wrong with it. */
export function fromOf(mode: FromMode, value: string): ReadFrom | { error: string } {
  if (mode === 'start') return { type: 'start' };
  if (mode === 'position') {
    const v = value.trim();
    return /^\d+$/.test(v) ? { type: 'position', value: v } : { error: 'A position is a whole number, such as 0 or 1200.' };
  }
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? { error: 'Pick a date and time to start from.' } : { type: 'time', value: t.toISOString() };
}
