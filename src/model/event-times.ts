/** Times as events write them, read into one ISO form (UTC); the text as written is kept beside it by the caller. */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time with any offset and any number of fraction digits (kept to milliseconds). */
export function rfc3339(text: string): string | null {
  const m = RFC3339.exec(text.trim());
  if (!m) return null;
  const fraction = m[7] ? m[7].slice(0, 4).padEnd(4, '0') : '.000';
  const zone = m[8] === 'z' ? 'Z' : m[8];
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${fraction}${zone}`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** A hand-rolled envelope's time: RFC 3339, or epoch seconds (10 digits) or milliseconds (13 digits). */
export function payloadTime(text: string): string | null {
  if (/^\d{13}$/.test(text)) return new Date(Number(text)).toISOString();
  if (/^\d{10}$/.test(text)) return new Date(Number(text) * 1000).toISOString();
  return rfc3339(text);
}

const NSERVICEBUS = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}):(\d{3})\d* Z$/;

/** NServiceBus's `yyyy-MM-dd HH:mm:ss:ffffff Z` (UTC, the Z literal). */
export function nserviceBusTime(text: string): string | null {
  const m = NSERVICEBUS.exec(text.trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
