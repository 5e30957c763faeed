import type { ResetStrategy } from '../../../src/model/groups';
import { parseTimeInput } from '../../../src/model/time-input';

export type StrategyKind = ResetStrategy['kind'];

export const STRATEGY_LABELS: Record<StrategyKind, string> = {
  time: 'to a time',
  earliest: 'to the earliest offset',
  latest: 'to the latest offset (skip everything)',
  shift: 'shift by ±N',
  offsets: 'to an exact offset',
};

/** The strategy from the dialog's fields, and how the audit log will describe it; or what is wrong. */
export function strategyOf(kind: StrategyKind, text: string, rows: { topic: string; partition: number }[]): { strategy: ResetStrategy; description: string } | { error: string } {
  const v = text.trim();
  switch (kind) {
    case 'earliest':
      return { strategy: { kind }, description: 'reset to the earliest offset' };
    case 'latest':
      return { strategy: { kind }, description: 'reset to the latest offset' };
    case 'time': {
      const t = parseTimeInput(v);
      return t.ok ? { strategy: { kind, at: t.date.toISOString() }, description: `reset to ${t.understood} ("${v}")` } : { error: t.error };
    }
    case 'shift': {
      if (!/^[+-]?\d+$/.test(v)) return { error: 'Shift by a whole number: -100 reads the last 100 again, +100 skips 100.' };
      return { strategy: { kind, by: Number(v) }, description: `shift by ${Number(v) > 0 ? '+' : ''}${Number(v)}` };
    }
    case 'offsets': {
      if (!/^\d+$/.test(v)) return { error: 'An offset is a whole number, such as 1200.' };
      return { strategy: { kind, offsets: Object.fromEntries(rows.map((r) => [`${r.topic}:${r.partition}`, v])) }, description: `reset to offset ${v}` };
    }
  }
}
