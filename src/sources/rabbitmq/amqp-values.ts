import type { Header } from '../../model/envelope';
import { printableText } from '../../model/payload';

/**
 * AMQP field values (as amqplib decodes them) shown as they were sent: a decimal as its exact
 * digits, a timestamp as a time, a byte array as bytes, a nested table or array as JSON whose
 * leaves keep the same rules. Each header says its AMQP type.
 */
type Tagged = { '!': 'decimal'; value: { places: number; digits: number } } | { '!': 'timestamp'; value: number };

function tagged(v: unknown): Tagged | null {
  return v !== null && typeof v === 'object' && '!' in v && ((v as Tagged)['!'] === 'decimal' || (v as Tagged)['!'] === 'timestamp') ? (v as Tagged) : null;
}

/** A decimal's exact text: digits with `places` of them after the point (AMQP decimals are unsigned). */
export function decimalText(places: number, digits: number): string {
  const s = String(digits).padStart(places + 1, '0');
  return places === 0 ? s : `${s.slice(0, s.length - places)}.${s.slice(s.length - places)}`;
}

/** AMQP timestamps are seconds since the epoch. */
const timestampText = (seconds: number) => new Date(seconds * 1000).toISOString();

/** A value inside a table or array, as plain JSON: times as ISO strings, bytes as { $base64 }. */
export function fieldJson(v: unknown): unknown {
  const t = tagged(v);
  if (t?.['!'] === 'decimal') return { $decimal: decimalText(t.value.places, t.value.digits) };
  if (t?.['!'] === 'timestamp') return timestampText(t.value);
  if (Buffer.isBuffer(v)) return { $base64: v.toString('base64') };
  if (Array.isArray(v)) return v.map(fieldJson);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fieldJson(x)]));
  if (typeof v === 'bigint') return v.toString();
  return v ?? null;
}

/** One header as the views show it, with its AMQP type. */
export function amqpHeader(name: string, v: unknown): Header {
  const t = tagged(v);
  if (t?.['!'] === 'decimal') return { name, value: decimalText(t.value.places, t.value.digits), type: 'decimal' };
  if (t?.['!'] === 'timestamp') return { name, value: timestampText(t.value), type: 'timestamp' };
  if (Buffer.isBuffer(v)) {
    const text = printableText(v);
    return text === null ? { name, value: v.toString('base64'), binary: true, type: 'bytes' } : { name, value: text, type: 'bytes' };
  }
  if (v === null || v === undefined) return { name, value: null, type: 'void' };
  if (Array.isArray(v)) return { name, value: JSON.stringify(fieldJson(v)), type: 'array' };
  if (typeof v === 'object') return { name, value: JSON.stringify(fieldJson(v)), type: 'table' };
  if (typeof v === 'boolean') return { name, value: String(v), type: 'boolean' };
  if (typeof v === 'number') return { name, value: String(v), type: Number.isInteger(v) ? 'integer' : 'float' };
  return { name, value: String(v), type: 'string' };
}
