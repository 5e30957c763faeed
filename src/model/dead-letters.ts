import { z } from 'zod';
import { Envelope, SourceKind, type Header } from './envelope';
import { Count, Resource } from './resources';

/** One death as RabbitMQ recorded it in `x-death`. */
export const DeathEntry = z.object({
  count: z.number().int().nullable(),
  reason: z.string().nullable(),
  queue: z.string().nullable(),
  exchange: z.string().nullable(),
  routingKeys: z.array(z.string()),
  time: z.string().nullable(),
  /** The per-message TTL RabbitMQ removed when it dead-lettered an expired message. */
  originalExpiration: z.string().nullable(),
});
export type DeathEntry = z.infer<typeof DeathEntry>;

/** Where a Kafka dead letter came from and why it died, as Spring Kafka or Kafka Connect wrote it in headers. */
export const KafkaOrigin = z.object({
  convention: z.enum(['spring', 'connect', 'other']),
  topic: z.string().nullable(),
  partition: z.number().int().nullable(),
  offset: z.string().nullable(),
  timestamp: z.string().nullable(),
  /** Spring: the listener's consumer group. */
  group: z.string().nullable(),
  /** Kafka Connect: the connector, its task, the stage that failed (VALUE_CONVERTER, TRANSFORMATION…) and the class doing it. */
  connector: z.string().nullable().default(null),
  taskId: z.string().nullable().default(null),
  stage: z.string().nullable().default(null),
  failingClass: z.string().nullable().default(null),
  exceptionClass: z.string().nullable(),
  causeClass: z.string().nullable(),
  message: z.string().nullable(),
  stackTrace: z.string().nullable(),
  /** The innermost cause (the stack trace's last "Caused by:"): what failed, under the wrappers. */
  rootCause: z.object({ className: z.string(), message: z.string().nullable() }).nullable().default(null),
});
export type KafkaOrigin = z.infer<typeof KafkaOrigin>;

/** Why and where a message died, as far as its source's conventions say. */
export const Death = z.object({
  /** The summary, all from one entry: the latest death (RabbitMQ) or the exception (Kafka). */
  reason: z.string().nullable(),
  /** The queue, topic or subscription it came from. */
  origin: z.string().nullable(),
  attempts: z.number().int().nullable(),
  at: z.string().nullable(),
  /** RabbitMQ: every `x-death` entry, latest first. */
  history: z.array(DeathEntry),
  /** RabbitMQ: the first death, from the `x-first-death-*` headers. */
  first: z.object({ reason: z.string().nullable(), queue: z.string().nullable(), exchange: z.string().nullable() }).nullable(),
  kafka: KafkaOrigin.nullable(),
  /** Headers that claim to say why but could not be read; the raw values stay in the headers. */
  problems: z.array(z.string()),
});
export type Death = z.infer<typeof Death>;

/** `id` picks it for a redrive: a fingerprint in a queue, partition:offset in a topic, a position in a store. */
export const DeadLetter = z.object({
  id: z.string(),
  envelope: Envelope,
  death: Death,
  /** Kafka: when this record was redriven before (a DLT keeps its records), from the audit log. */
  redrivenAt: z.string().nullable().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** What a dead-letter view points at: a DLT topic, a DLQ, or a subscription's parked events. */
export const DeadLetterRef = z.discriminatedUnion('type', [
  z.object({ type: z.literal('kafka-topic'), name: z.string().min(1) }),
  z.object({ type: z.literal('rabbit-queue'), vhost: z.string().min(1), name: z.string().min(1) }),
  z.object({ type: z.literal('store-subscription'), name: z.string().min(1) }),
  /** A dead-letter resource of a source that lists its own kinds (Redis: a queue's failed jobs), by its name. */
  z.object({ type: z.literal('source'), name: z.string().min(1) }),
]);
export type DeadLetterRef = z.infer<typeof DeadLetterRef>;

export const DeadLetterSource = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  kind: SourceKind,
  ref: DeadLetterRef,
  /** The resource as the sidebar lists it, so the view can open its own tab. */
  resource: Resource,
  depth: Count,
  /** Why its messages cannot be shown here, when they cannot. */
  unavailable: z.string().nullable(),
});
export type DeadLetterSource = z.infer<typeof DeadLetterSource>;

export const noDeath = (): Death => ({ reason: null, origin: null, attempts: null, at: null, history: [], first: null, kafka: null, problems: [] });

const find = (e: Envelope, name: string): Header | undefined => e.headers.find((h) => h.name.toLowerCase() === name);

/** A text header's value; binary or absent: null. */
function text(e: Envelope, ...names: string[]): string | null {
  for (const n of names) {
    const h = find(e, n);
    if (h && h.value !== null && !h.binary) return h.value;
  }
  return null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function rabbitDeath(e: Envelope): Death | null {
  const raw = find(e, 'x-death');
  const first = { reason: text(e, 'x-first-death-reason'), queue: text(e, 'x-first-death-queue'), exchange: text(e, 'x-first-death-exchange') };
  if (!raw && first.reason === null) return null;
  const problems: string[] = [];
  const history: DeathEntry[] = [];
  if (raw && raw.value !== null) {
    try {
      const parsed: unknown = JSON.parse(raw.value);
      if (!Array.isArray(parsed)) throw new Error('it is not an array of tables');
      for (const d of parsed as Record<string, unknown>[]) {
        if (d === null || typeof d !== 'object') throw new Error('an entry is not a table');
        const keys = d['routing-keys'];
        history.push({
          count: typeof d.count === 'number' && Number.isInteger(d.count) ? d.count : null,
          reason: str(d.reason),
          queue: str(d.queue),
          exchange: str(d.exchange),
          routingKeys: Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [],
          time: str(d.time) ?? (typeof d.time === 'number' ? new Date(d.time * 1000).toISOString() : null),
          originalExpiration: str(d['original-expiration']),
        });
      }
    } catch (err) {
      problems.push(`x-death could not be read: ${(err as Error).message}`);
    }
  }
  // RabbitMQ keeps the most recent death first: the summary is that entry, and only that one.
  const latest = history[0];
  return {
    reason: latest?.reason ?? first.reason,
    origin: latest?.queue ?? first.queue,
    attempts: latest?.count ?? null,
    at: latest?.time ?? null,
    history,
    first: first.reason !== null || first.queue !== null ? first : null,
    kafka: null,
    problems,
  };
}

/**
 * An integer header Spring writes as big-endian bytes (int32 partition, int64 offset and
 * timestamp), or as decimal text (older versions, hand-written producers).
 */
function integer(e: Envelope, name: string, width: 4 | 8, problems: string[]): string | null {
  const h = find(e, name);
  if (!h || h.value === null) return null;
  if (!h.binary) {
    if (/^-?\d+$/.test(h.value.trim())) return h.value.trim();
    // Printable bytes can still be the binary form: 4 or 8 bytes that happen to be letters.
    const asBytes = Buffer.from(h.value, 'utf8');
    if (asBytes.length === width) return width === 4 ? String(asBytes.readInt32BE(0)) : asBytes.readBigInt64BE(0).toString();
    problems.push(`${name} is neither a ${width * 8}-bit integer nor decimal text: "${h.value.slice(0, 40)}"`);
    return null;
  }
  const bytes = Buffer.from(h.value, 'base64');
  if (bytes.length !== width) {
    problems.push(`${name} is ${bytes.length} bytes, not a ${width}-byte integer`);
    return null;
  }
  return width === 4 ? String(bytes.readInt32BE(0)) : bytes.readBigInt64BE(0).toString();
}

/** The innermost cause in a Java stack trace: its last `Caused by:` line (the first line when there is none). */
function rootOf(stackTrace: string | null): { className: string; message: string | null } | null {
  if (!stackTrace) return null;
  let found: RegExpExecArray | null = null;
  const causedBy = /^Caused by: ([\w.$]+)(?::[ \t]?(.*))?$/gm;
  for (let m = causedBy.exec(stackTrace); m; m = causedBy.exec(stackTrace)) found = m;
  found ??= /^([\w.$]+)(?::[ \t]?(.*))?$/m.exec(stackTrace.split('\n', 1)[0] ?? '');
  if (!found) return null;
  const message = found[2]?.trimEnd() ?? '';
  return { className: found[1]!, message: message === '' ? null : message };
}

const simpleName = (className: string) => className.slice(className.lastIndexOf('.') + 1);

function kafkaDeath(e: Envelope): Death | null {
  const problems: string[] = [];
  const spring = e.headers.some((h) => h.name.startsWith('kafka_dlt-'));
  const connect = e.headers.some((h) => h.name.startsWith('__connect.errors.'));
  let origin: KafkaOrigin | null;
  if (spring) {
    const partition = integer(e, 'kafka_dlt-original-partition', 4, problems);
    const ms = integer(e, 'kafka_dlt-original-timestamp', 8, problems);
    origin = {
      convention: 'spring',
      topic: text(e, 'kafka_dlt-original-topic'),
      partition: partition === null ? null : Number(partition),
      offset: integer(e, 'kafka_dlt-original-offset', 8, problems),
      timestamp: ms === null || Number(ms) < 0 ? null : new Date(Number(ms)).toISOString(),
      group: text(e, 'kafka_dlt-original-consumer-group'),
      connector: null,
      taskId: null,
      stage: null,
      failingClass: null,
      exceptionClass: text(e, 'kafka_dlt-exception-fqcn', 'kafka_dlt-key-exception-fqcn'),
      causeClass: text(e, 'kafka_dlt-exception-cause-fqcn', 'kafka_dlt-key-exception-cause-fqcn'),
      message: text(e, 'kafka_dlt-exception-message', 'kafka_dlt-key-exception-message'),
      stackTrace: text(e, 'kafka_dlt-exception-stacktrace', 'kafka_dlt-key-exception-stacktrace'),
      rootCause: null,
    };
    const traced = rootOf(origin.stackTrace);
    // Without a "Caused by:" in the trace, Spring's cause header names it; the wrapper's message ends with the cause's.
    origin.rootCause =
      traced && (traced.className !== origin.exceptionClass || !origin.causeClass || origin.causeClass === origin.exceptionClass)
        ? traced
        : origin.causeClass
          ? { className: origin.causeClass, message: origin.message?.replace(/^Listener failed; /, '') ?? null }
          : traced;
  } else if (connect) {
    const partition = text(e, '__connect.errors.partition');
    const offset = text(e, '__connect.errors.offset');
    origin = {
      convention: 'connect',
      topic: text(e, '__connect.errors.topic'),
      partition: partition !== null && /^\d+$/.test(partition) ? Number(partition) : null,
      offset: offset !== null && /^\d+$/.test(offset) ? offset : null,
      // Connect writes the dead letter with the original record's time.
      timestamp: e.timestamp,
      group: null,
      connector: text(e, '__connect.errors.connector.name'),
      taskId: text(e, '__connect.errors.task.id'),
      stage: text(e, '__connect.errors.stage'),
      failingClass: text(e, '__connect.errors.class.name'),
      exceptionClass: text(e, '__connect.errors.exception.class.name'),
      causeClass: null,
      message: text(e, '__connect.errors.exception.message'),
      stackTrace: text(e, '__connect.errors.exception.stacktrace'),
      rootCause: null,
    };
    origin.rootCause = rootOf(origin.stackTrace);
  } else {
    const reason = text(e, 'x-exception-message', 'error', 'error-message', 'reason');
    const kind = text(e, 'x-exception-type');
    const topic = text(e, 'x-original-topic', 'original-topic');
    if (reason === null && kind === null && topic === null) return null;
    origin = {
      convention: 'other',
      topic,
      partition: null,
      offset: null,
      timestamp: null,
      group: null,
      connector: null,
      taskId: null,
      stage: null,
      failingClass: null,
      exceptionClass: kind,
      causeClass: null,
      message: reason,
      stackTrace: null,
      rootCause: null,
    };
  }
  const attempts = text(e, 'retry-count', 'x-retry-count', 'kafka_dlt-attempts', 'attempts');
  // The summary names what failed under the wrappers; Connect's also where in the pipeline.
  const root = origin.rootCause;
  const cause = root
    ? root.message === null
      ? simpleName(root.className)
      : `${simpleName(root.className)}: ${root.message}`
    : origin.exceptionClass === null
      ? origin.message
      : origin.message === null
        ? origin.exceptionClass
        : `${origin.exceptionClass}: ${origin.message}`;
  const where = origin.stage ? `${origin.stage}${origin.failingClass ? ` in ${simpleName(origin.failingClass)}` : ''}` : null;
  const reason = where ? (cause ? `${where}: ${cause}` : where) : cause;
  return {
    reason,
    origin: origin.topic,
    attempts: attempts !== null && /^\d+$/.test(attempts) ? Number(attempts) : null,
    at: e.timestamp,
    history: [],
    first: null,
    kafka: origin,
    problems,
  };
}

/** The cause of death a message carries in its headers; empty when it carries none. */
export function deathOf(e: Envelope): Death {
  return deathReaders[e.source]?.(e) ?? noDeath();
}

/** How each source writes why a message died: RabbitMQ's x-death, the Kafka frameworks' headers. */
const deathReaders: Partial<Record<Envelope['source'], (e: Envelope) => Death | null>> = { rabbitmq: rabbitDeath, kafka: kafkaDeath };

/**
 * A reason with what varies per message masked, so one failure is one group however many accounts,
 * orders or requests it hit: times as <time>, UUIDs and ids (a token of letters and at least two
 * digits, 0x…, long hex) as <id>, other numbers as <n>.
 */
export function maskIds(text: string): string {
  return text
    .replace(/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, '<time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<id>')
    .replace(/\b[0-9a-f]{16,}\b/gi, '<id>')
    .replace(/[a-z0-9_][\w-]*/gi, (token) => (/[a-z]/i.test(token) && /\d.*\d/.test(token) ? '<id>' : token))
    .replace(/(?<![\w<])-?\d+(?:\.\d+)?(?![\w>])/g, '<n>');
}

export type DeathGroupBy = 'reason' | 'origin' | 'exception';

/** What groups dead letters: the reason with ids masked, where they came from, or the root cause's class. */
export function deathGroup(d: Death, by: DeathGroupBy): string {
  if (by === 'origin') return d.origin ?? '(no origin)';
  if (by === 'exception') return d.kafka?.rootCause?.className ?? d.kafka?.exceptionClass ?? d.history[0]?.reason ?? '(none)';
  return d.reason === null ? '(no reason)' : maskIds(d.reason);
}
