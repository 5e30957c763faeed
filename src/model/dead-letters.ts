import { z } from 'zod';
import { Envelope, SourceKind } from './envelope';
import { Resource } from './resources';

/** Why and where a message died, as far as its source's conventions say. */
export const Death = z.object({
  /** e.g. "rejected", "expired", an exception message, a projection's error. */
  reason: z.string().nullable(),
  /** The queue, topic or subscription it came from. */
  origin: z.string().nullable(),
  attempts: z.number().int().nullable(),
  at: z.string().nullable(),
});
export type Death = z.infer<typeof Death>;

export const DeadLetter = z.object({ envelope: Envelope, death: Death });
export type DeadLetter = z.infer<typeof DeadLetter>;

/** What a dead-letter view points at: a DLT topic, a DLQ, or a subscription's parked events. */
export const DeadLetterRef = z.discriminatedUnion('type', [
  z.object({ type: z.literal('kafka-topic'), name: z.string().min(1) }),
  z.object({ type: z.literal('rabbit-queue'), vhost: z.string().min(1), name: z.string().min(1) }),
  z.object({ type: z.literal('store-subscription'), name: z.string().min(1) }),
]);
export type DeadLetterRef = z.infer<typeof DeadLetterRef>;

export const DeadLetterSource = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  kind: SourceKind,
  ref: DeadLetterRef,
  /** The resource as the sidebar lists it, so the view can open its own tab. */
  resource: Resource,
  depth: z.object({ value: z.number().int().nonnegative(), exact: z.boolean() }),
  /** Why its messages cannot be shown here, when they cannot. */
  unavailable: z.string().nullable(),
});
export type DeadLetterSource = z.infer<typeof DeadLetterSource>;

const header = (e: Envelope, ...names: string[]) => {
  for (const n of names) {
    const h = e.headers.find((x) => x.name.toLowerCase() === n);
    if (h && !h.binary) return h.value;
  }
  return null;
};

function rabbitDeath(e: Envelope): Death | null {
  const raw = header(e, 'x-death');
  const first = header(e, 'x-first-death-reason');
  if (raw === null && first === null) return null;
  let deaths: { count?: unknown; reason?: unknown; queue?: unknown; time?: unknown }[] = [];
  try {
    const parsed: unknown = raw === null ? [] : JSON.parse(raw);
    if (Array.isArray(parsed)) deaths = parsed as typeof deaths;
  } catch {
    /* a header that is not the broker's own: keep what the plain headers say */
  }
  const attempts = deaths.reduce((n, d) => n + (typeof d.count === 'number' ? d.count : 0), 0);
  const time = deaths[0]?.time;
  // amqplib gives AMQP timestamps as seconds, or as a {value} wrapper.
  const seconds = typeof time === 'number' ? time : typeof time === 'object' && time !== null && typeof (time as { value?: unknown }).value === 'number' ? (time as { value: number }).value : null;
  return {
    reason: first ?? (typeof deaths[0]?.reason === 'string' ? deaths[0].reason : null),
    origin: header(e, 'x-first-death-queue') ?? (typeof deaths[0]?.queue === 'string' ? deaths[0].queue : null),
    attempts: attempts > 0 ? attempts : null,
    at: seconds === null ? null : new Date(seconds * 1000).toISOString(),
  };
}

function kafkaDeath(e: Envelope): Death | null {
  // Spring Kafka's DeadLetterPublishingRecoverer, Kafka Connect's errors.deadletterqueue, then common names.
  const reason = header(e, 'kafka_dlt-exception-message', '__connect.errors.exception.message', 'x-exception-message', 'error', 'error-message', 'reason');
  const kind = header(e, 'kafka_dlt-exception-fqcn', '__connect.errors.exception.class.name', 'x-exception-type');
  const origin = header(e, 'kafka_dlt-original-topic', '__connect.errors.topic', 'x-original-topic', 'original-topic');
  const attempts = header(e, 'retry-count', 'x-retry-count', 'kafka_dlt-attempts', 'attempts');
  if (reason === null && kind === null && origin === null) return null;
  return {
    reason: reason === null ? kind : kind === null ? reason : `${kind}: ${reason}`,
    origin,
    attempts: attempts !== null && /^\d+$/.test(attempts) ? Number(attempts) : null,
    at: null,
  };
}

/** The cause of death a message carries in its headers; all null when it carries none. */
export function deathOf(e: Envelope): Death {
  const found = e.source === 'rabbitmq' ? rabbitDeath(e) : e.source === 'kafka' ? kafkaDeath(e) : null;
  return found ?? { reason: null, origin: null, attempts: null, at: null };
}
