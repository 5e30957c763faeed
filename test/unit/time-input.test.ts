import { describe, expect, it } from 'vitest';
import { parseTimeInput } from '../../src/model/time-input';

// Local time, whatever zone the machine is in: the parser reads input in the user's zone.
const now = new Date(2026, 10, 23, 14, 30, 0);
const at = (text: string) => {
  const r = parseTimeInput(text, now);
  if (!r.ok) throw new Error(r.error);
  return r.date;
};

describe('times as people type them', () => {
  it.each([
    ['08:00', new Date(2026, 10, 23, 8, 0, 0)],
    ['8:30 pm', new Date(2026, 10, 23, 20, 30, 0)],
    ['12:05 am', new Date(2026, 10, 23, 0, 5, 0)],
    ['08:00:30', new Date(2026, 10, 23, 8, 0, 30)],
    ['yesterday 08:00', new Date(2026, 10, 22, 8, 0, 0)],
    ['Yesterday at 7:15 am', new Date(2026, 10, 22, 7, 15, 0)],
    ['yesterday', new Date(2026, 10, 22, 0, 0, 0)],
    ['today', new Date(2026, 10, 23, 0, 0, 0)],
    ['-15m', new Date(2026, 10, 23, 14, 15, 0)],
    ['-1d', new Date(2026, 10, 22, 14, 30, 0)],
    ['-2h', new Date(2026, 10, 23, 12, 30, 0)],
    ['now', now],
    ['2026-11-22 08:00', new Date(2026, 10, 22, 8, 0, 0)],
    ['2026-11-22T08:00:15', new Date(2026, 10, 22, 8, 0, 15)],
    ['2026-11-22', new Date(2026, 10, 22, 0, 0, 0)],
  ])('%s', (text, expected) => {
    expect(at(text).getTime()).toBe(expected.getTime());
  });

  it('reads a zone when one is given, and epoch milliseconds or seconds', () => {
    expect(at('2026-11-22T08:00:00Z').toISOString()).toBe('2026-11-22T08:00:00.000Z');
    expect(at('2026-11-22T08:00:00+02:00').toISOString()).toBe('2026-11-22T06:00:00.000Z');
    expect(at('1795411200000').toISOString()).toBe(new Date(1_795_411_200_000).toISOString());
    expect(at('1795411200').toISOString()).toBe(new Date(1_795_411_200_000).toISOString());
  });

  it('says how it understood the input, with the zone', () => {
    const r = parseTimeInput('yesterday 08:00', now);
    expect(r.ok && r.understood).toMatch(/Sun,? 22 Nov 2026, 08:00:00 .+ \(UTC[+-]\d\d:\d\d\)/);
  });

  it('refuses what it cannot read, and says what to write', () => {
    for (const bad of ['25:00', 'soon', '13:00 pm', 'yesterday at noonish', '', '42']) {
      const r = parseTimeInput(bad, now);
      expect(r.ok).toBe(false);
    }
    const r = parseTimeInput('soon', now);
    expect(!r.ok && r.error).toMatch(/try 08:00, yesterday 08:00, -15m/);
  });
});
