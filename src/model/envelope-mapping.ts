import { z } from 'zod';
import type { EventMeta, Header } from './envelope';
import { ConditionError, parseJsonCondition, valueAt, type PathStep } from './json-condition';
import { payloadTime } from './event-times';

/** The envelope fields a user's rule can fill. */
export const MappedField = z.enum(['id', 'type', 'correlationId', 'causationId', 'source', 'subject', 'time']);
export type MappedField = z.infer<typeof MappedField>;

/** `$.path` reads the value (decoded JSON); anything else names a header or AMQP property. */
export const EnvelopeRule = z.object({
  field: MappedField,
  from: z
    .string()
    .trim()
    .min(1, { message: 'Give a JSON path ($.meta.id) or a header name' })
    .max(512)
    .refine((f) => !f.startsWith('$') || pathOf(f) !== null, { message: 'A JSON path to one field, such as $.meta.traceId, with no comparison' }),
});
export type EnvelopeRule = z.infer<typeof EnvelopeRule>;

export const EnvelopeRules = z.array(EnvelopeRule).max(32);

function pathOf(from: string): PathStep[] | null {
  try {
    const c = parseJsonCondition(from);
    return c.op === null && c.path.length > 0 ? c.path : null;
  } catch (e) {
    if (e instanceof ConditionError) return null;
    throw e;
  }
}

export interface MappedFields {
  id?: string;
  type?: string;
  correlationId?: string;
  causationId?: string;
  source?: string;
  subject?: string;
  time?: { iso: string; text: string };
  /** Which rule gave each field, in words. */
  rules: Partial<Record<MappedField, string>>;
}

const scalar = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);

/**
 * The user's rules for a connection, run before the built-in ones and winning over them: each reads
 * a JSON path of the value (parsed once, only when a rule asks) or a header, and names itself as the rule.
 */
export function applyEnvelopeRules(rules: readonly EnvelopeRule[], record: { headers: readonly Header[]; properties?: readonly Header[]; json: () => unknown }): MappedFields {
  const out: MappedFields = { rules: {} };
  let parsed: unknown;
  let didParse = false;
  for (const rule of rules) {
    let v: string | null;
    if (rule.from.startsWith('$')) {
      const path = pathOf(rule.from);
      if (!path) continue;
      if (!didParse) {
        parsed = record.json();
        didParse = true;
      }
      v = scalar(valueAt(parsed, path));
    } else {
      const name = rule.from.toLowerCase();
      const h = record.headers.find((x) => x.name.toLowerCase() === name) ?? record.properties?.find((x) => x.name.toLowerCase() === name);
      v = h && !h.binary && h.value !== null && h.value !== '' ? h.value : null;
    }
    if (v === null || out[rule.field] !== undefined) continue;
    if (rule.field === 'time') {
      const iso = payloadTime(v);
      if (!iso) continue;
      out.time = { iso, text: v };
    } else out[rule.field] = v;
    out.rules[rule.field] = `your mapping: ${rule.from}`;
  }
  return out;
}

/** The event meta a mapping alone makes, when no built-in rule found an event. */
export function mappedMeta(m: MappedFields): EventMeta {
  return {
    format: 'Your mapping',
    specVersion: null,
    source: m.source ?? null,
    subject: m.subject ?? null,
    time: m.time?.iso ?? null,
    timeText: m.time?.text ?? null,
    contentType: null,
    dataSchema: null,
    traceparent: null,
    tracestate: null,
    sequence: null,
    partitionKey: null,
    javaClass: null,
    extensions: [],
    problem: null,
  };
}
