import type { Envelope, Header } from '../../model/envelope';
import { noDeath, type Death } from '../../model/dead-letters';
import { recognise } from '../../model/event-envelope';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import { decodePayload } from '../../model/payload';

/** A job's hash as Redis holds it (field → value), with its id. */
export interface JobHash {
  id: string;
  fields: Record<string, string>;
}

const ms = (v: string | undefined): string | null => {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : null;
};

/** Bull keeps a failure's reason as JSON text (`"boom"`); BullMQ as it is. */
function unquoted(v: string | undefined): string | null {
  if (v === undefined || v === '') return null;
  if (v.startsWith('"') && v.endsWith('"')) {
    try {
      const s: unknown = JSON.parse(v);
      if (typeof s === 'string') return s;
    } catch {
      /* not JSON after all: shown as written */
    }
  }
  return v;
}

/** The stack traces BullMQ keeps (a JSON array, one per failed attempt, newest last). */
export function stackTraces(fields: Record<string, string>): string[] {
  const raw = fields['stacktrace'];
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed.filter((s): s is string => typeof s === 'string');
  } catch {
    /* a stack trace that is not JSON is kept as one */
  }
  return [raw];
}

/** Attempts made: `atm` since BullMQ 5, `attemptsMade` before and in Bull. */
export const attemptsOf = (f: Record<string, string>): number | null => {
  const v = f['atm'] ?? f['attemptsMade'];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
};

/** The fields the detail lists as headers, each in its own words; the data is the payload. */
const SHOWN: [string, string, (v: string) => string | null][] = [
  ['name', 'name', (v) => v],
  ['attempts made', 'atm', (v) => v],
  ['attempts made', 'attemptsMade', (v) => v],
  ['attempts started', 'ats', (v) => v],
  ['added', 'timestamp', (v) => ms(v)],
  ['processed', 'processedOn', (v) => ms(v)],
  ['finished', 'finishedOn', (v) => ms(v)],
  ['delay (ms)', 'delay', (v) => (v === '0' ? null : v)],
  ['priority', 'priority', (v) => (v === '0' ? null : v)],
  ['progress', 'progress', (v) => v],
  ['failed reason', 'failedReason', (v) => unquoted(v)],
  ['return value', 'returnvalue', (v) => v],
  ['options', 'opts', (v) => v],
  ['parent', 'parentKey', (v) => v],
  ['processed by', 'pb', (v) => v],
  ['deduplication id', 'deid', (v) => v],
];

export function jobHeaders(job: JobHash, logs: string[] = []): Header[] {
  const out: Header[] = [{ name: 'job id', value: job.id }];
  for (const [label, field, show] of SHOWN) {
    const raw = job.fields[field];
    if (raw === undefined) continue;
    const value = show(raw);
    if (value !== null && !out.some((h) => h.name === label)) out.push({ name: label, value });
  }
  const traces = stackTraces(job.fields);
  if (traces.length) out.push({ name: 'stack trace', value: traces[traces.length - 1]! });
  for (const [i, line] of logs.entries()) out.push({ name: `log ${i + 1}`, value: line });
  return out;
}

/** A job as the records table shows it: its id as the key, its name as the type, its data as the value. */
export function jobToEnvelope(job: JobHash, resource: string, position: string, previewBytes: number | undefined, rules: readonly EnvelopeRule[], logs: string[] = []): Envelope {
  const data = job.fields['data'] === undefined ? null : Buffer.from(job.fields['data']);
  const headers = jobHeaders(job, logs);
  // An event inside the job's data (a CloudEvent, a hand-rolled envelope) is recognised as anywhere else.
  const fields = recognise({ headers: [], value: data }, rules);
  return {
    source: 'redis',
    resource,
    partition: null,
    position,
    id: fields.id ?? job.id,
    type: fields.type ?? job.fields['name'] ?? null,
    timestamp: ms(job.fields['timestamp']),
    timestampType: null,
    key: { kind: 'text', text: job.id, bytes: Buffer.byteLength(job.id), truncated: false },
    headers,
    properties: [],
    payload: data === null ? { kind: 'null' } : decodePayload(data, previewBytes),
    correlationId: fields.correlationId,
    causationId: fields.causationId,
    streamId: null,
    streamVersion: null,
    ...(Object.keys(fields.rules).length > 0 ? { rules: fields.rules } : {}),
    ...(fields.event ? { event: fields.event } : {}),
  };
}

/** Why a failed job died: its failure reason, the last stack trace's first line as the exception, its attempts. */
export function jobDeath(job: JobHash, queue: string): Death {
  const traces = stackTraces(job.fields);
  const last = traces[traces.length - 1] ?? null;
  const firstLine = last?.split('\n', 1)[0] ?? null;
  const exception = firstLine ? (/^([\w.$]+)(?::|$)/.exec(firstLine)?.[1] ?? null) : null;
  return {
    ...noDeath(),
    reason: unquoted(job.fields['failedReason']),
    origin: queue,
    attempts: attemptsOf(job.fields),
    at: ms(job.fields['finishedOn']),
    kafka: last
      ? {
          convention: 'other',
          topic: null,
          partition: null,
          offset: null,
          timestamp: null,
          group: null,
          connector: null,
          taskId: null,
          stage: null,
          failingClass: null,
          exceptionClass: exception,
          causeClass: null,
          message: unquoted(job.fields['failedReason']),
          stackTrace: last,
          rootCause: exception ? { className: exception, message: unquoted(job.fields['failedReason']) } : null,
        }
      : null,
  };
}
