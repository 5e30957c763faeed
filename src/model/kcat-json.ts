import { z } from 'zod';

/**
 * One record per line in the shape `kcat -C -J` writes: topic, partition, offset, tstype, ts,
 * broker, headers (a flat [name, value, name, value…] array), key and payload as strings.
 * kcat puts bytes that are not UTF-8 raw into its strings, which JSON cannot carry; Rewind writes
 * those fields as base64 and names them in `rewind_base64` (["key"], ["payload"], ["headers.3"]),
 * so a file round-trips exactly. A kcat file without that field is read as kcat means it: text.
 */
export interface RawRecord {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'create' | 'log-append';
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function asText(b: Buffer): string | null {
  try {
    return utf8.decode(b);
  } catch {
    return null;
  }
}

export function toKcatJson(topic: string, r: RawRecord): string {
  const base64: string[] = [];
  const field = (name: string, b: Buffer | null): string | null => {
    if (b === null) return null;
    const text = asText(b);
    if (text !== null) return text;
    base64.push(name);
    return b.toString('base64');
  };
  const headers: (string | null)[] = [];
  r.headers.forEach((h, i) => headers.push(h.key, field(`headers.${i * 2 + 1}`, h.value)));
  const line: Record<string, unknown> = {
    topic,
    partition: r.partition,
    offset: r.offset,
    tstype: r.timestamp < 0 ? 'unknown' : r.timestampType === 'log-append' ? 'logappend' : 'create',
    ts: r.timestamp,
    broker: -1,
    ...(headers.length ? { headers } : {}),
    key: field('key', r.key),
    payload: field('payload', r.value),
  };
  if (base64.length) line.rewind_base64 = base64;
  return JSON.stringify(line);
}

const KcatLine = z.object({
  topic: z.string().optional(),
  partition: z.number().int().nonnegative().optional(),
  offset: z.number().int().optional(),
  tstype: z.enum(['create', 'logappend', 'unknown', 'none']).optional(),
  ts: z.number().int().optional(),
  headers: z.array(z.string().nullable()).optional(),
  key: z.string().nullable().optional(),
  payload: z.string().nullable().optional(),
  rewind_base64: z.array(z.string()).optional(),
});

export interface ImportedRecord {
  partition: number | null;
  timestamp: number | null;
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer | null][];
}

/** A line of a kcat -J (or Rewind) file, or what is wrong with it. */
export function fromKcatJson(line: string): ImportedRecord | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  const parsed = KcatLine.safeParse(json);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ') };
  const l = parsed.data;
  if ((l.headers?.length ?? 0) % 2 !== 0) return { error: 'headers must be pairs: [name, value, name, value…]' };
  const b64 = new Set(l.rewind_base64 ?? []);
  const bytes = (name: string, s: string | null | undefined) => (s === null || s === undefined ? null : Buffer.from(s, b64.has(name) ? 'base64' : 'utf8'));
  const headers: [string, Buffer | null][] = [];
  const hs = l.headers ?? [];
  for (let i = 0; i < hs.length; i += 2) {
    if (hs[i] === null) return { error: `header ${i / 2 + 1} has no name` };
    headers.push([hs[i]!, bytes(`headers.${i + 1}`, hs[i + 1])]);
  }
  return { partition: l.partition ?? null, timestamp: l.ts !== undefined && l.ts >= 0 ? l.ts : null, key: bytes('key', l.key), value: bytes('payload', l.payload), headers };
}
