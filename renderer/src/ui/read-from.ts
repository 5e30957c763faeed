import type { ReadFrom } from '../api/types';
import { parseTimeInput } from '../../../src/model/time-input';
import { WHOLE_POSITION } from '../../../src/sources/descriptor';

export type FromMode = 'start' | 'position' | 'time';

/** Where a read or a rebuild starts, from the toolbar's mode and box, or what is wrong with it. */
export function fromOf(mode: FromMode, value: string, form: { pattern: string; hint: string } = WHOLE_POSITION): ReadFrom | { error: string } {
  if (mode === 'start') return { type: 'start' };
  if (mode === 'position') {
    const v = value.trim();
    return new RegExp(form.pattern).test(v) ? { type: 'position', value: v } : { error: `A position is ${form.hint}.` };
  }
  // As people type it: 08:00, yesterday 08:00, -15m, an ISO date, epoch ms (the same as the topic view).
  const t = parseTimeInput(value);
  return t.ok ? { type: 'time', value: t.date.toISOString() } : { error: t.error };
}
