/**
 * A decoded value as JSON can hold it: bytes as base64 (as Protobuf's JSON mapping writes them),
 * 64-bit integers past 2^53 as decimal strings, Avro's records as plain objects.
 */
export function plainJson(v: unknown, depth = 0): unknown {
  if (depth > 200) return '…';
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v === undefined ? null : v;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (Array.isArray(v)) return v.map((x) => plainJson(x, depth + 1));
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plainJson(x, depth + 1)]));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = plainJson((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

/** JSON text of a decoded value, two-space indented like the views' JSON. */
export const jsonText = (v: unknown): string => JSON.stringify(plainJson(v));
