/**
 * A time as people type it, read the way they mean it, in their own time zone: `08:00`,
 * `8:30 pm`, `yesterday 08:00`, `today`, `-15m`, `-1d`, `now`, an ISO date or date-time (with or
 * without a zone), epoch milliseconds or seconds. The answer says how it was understood.
 */
export type TimeInput = { ok: true; date: Date; understood: string } | { ok: false; error: string };

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function clock(text: string): { h: number; m: number; s: number } | null {
  const m = /^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm)?$/i.exec(text.trim());
  if (!m) return null;
  let h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  const sec = Number(m[3] ?? 0);
  const ampm = m[4]?.toLowerCase();
  if (m[2] === undefined && !ampm) return null; // a bare number is not a time of day
  if (ampm) {
    if (h < 1 || h > 12) return null;
    if (ampm === 'am' && h === 12) h = 0;
    if (ampm === 'pm' && h !== 12) h += 12;
  }
  if (h > 23 || min > 59 || sec > 59) return null;
  return { h, m: min, s: sec };
}

/** How a moment reads to the user: weekday, date, time to the second, and the zone. */
export function describeTime(d: Date, timeZone?: string): string {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(d);
  const offset = -new Date(d).getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const utc = `UTC${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
  return `${text} ${zone} (${utc})`;
}

export function parseTimeInput(input: string, now: Date = new Date()): TimeInput {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Type a time: 08:00, yesterday 08:00, -15m, an ISO date, or epoch milliseconds' };
  const lower = text.toLowerCase();
  const done = (date: Date): TimeInput => (Number.isNaN(date.getTime()) ? { ok: false, error: `"${text}" is not a time Rewind can read` } : { ok: true, date, understood: describeTime(date) });

  if (lower === 'now') return done(new Date(now));
  const rel = /^([+-])\s*(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(lower);
  if (rel) return done(new Date(now.getTime() + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * UNITS[rel[3]!]!));
  if (/^\d{13}$/.test(text)) return done(new Date(Number(text)));
  if (/^\d{10}$/.test(text)) return done(new Date(Number(text) * 1000));

  const day = /^(today|yesterday)(?:\s+(?:at\s+)?(.+))?$/.exec(lower);
  const t = day ? (day[2] ? clock(day[2]) : { h: 0, m: 0, s: 0 }) : clock(text);
  if ((day && t) || (!day && t)) {
    const d = new Date(now);
    if (day?.[1] === 'yesterday') d.setDate(d.getDate() - 1);
    d.setHours(t!.h, t!.m, t!.s, 0);
    return done(d);
  }
  if (day) return { ok: false, error: `"${day[2]}" is not a time of day: write 08:00 or 8:30 pm` };

  // An ISO date or date-time; without a zone it is the user's local time.
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ t](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', zone] = iso;
    if (zone)
      return done(
        new Date(
          `${y}-${mo}-${d}T${h.padStart(2, '0')}:${mi}:${s.padStart(2, '0')}.${ms.padEnd(3, '0')}${zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
        ),
      );
    return done(new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0'))));
  }
  return { ok: false, error: `"${text}" is not a time Rewind can read: try 08:00, yesterday 08:00, -15m, 2026-11-22 08:00 or epoch milliseconds` };
}
