import { z } from 'zod';

/** A message the user writes: the payload as JSON (checked), text or base64 bytes, typed headers. */
export const ComposedMessage = z
  .object({
    payload: z.object({
      format: z.enum(['json', 'text', 'base64']),
      text: z.string().max(16 * 1024 * 1024),
      /** Kafka: the JSON encoded through the connection's schema registry (Avro, Protobuf, JSON Schema) in Confluent's wire format. */
      registry: z
        .object({
          subject: z.string().trim().min(1, { message: 'Give the subject, such as orders-value' }).max(1000),
          version: z.union([z.number().int().positive(), z.literal('latest')]),
          /** Protobuf: which message of the schema (its first when absent). */
          messageType: z.string().trim().max(512).optional(),
        })
        .optional(),
    }),
    /** Kafka: the record key; null for none. */
    key: z
      .object({ format: z.enum(['text', 'base64']), text: z.string().max(1024 * 1024) })
      .nullable()
      .optional(),
    headers: z
      .array(z.object({ name: z.string().min(1, { message: 'A header needs a name' }).max(1000), type: z.enum(['string', 'number', 'boolean', 'null']), value: z.string().max(1024 * 1024) }))
      .max(500),
    /** RabbitMQ: AMQP properties. */
    properties: z
      .object({
        contentType: z.string().max(255).optional(),
        contentEncoding: z.string().max(255).optional(),
        messageId: z.string().max(255).optional(),
        correlationId: z.string().max(255).optional(),
        type: z.string().max(255).optional(),
        appId: z.string().max(255).optional(),
        replyTo: z.string().max(255).optional(),
        expiration: z.string().regex(/^\d+$/, { message: 'Expiration is a number of milliseconds' }).optional(),
        priority: z.number().int().min(0).max(255).optional(),
        persistent: z.boolean().optional(),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.payload.format === 'json') {
      try {
        JSON.parse(m.payload.text);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['payload', 'text'], message: `Not valid JSON: ${(e as Error).message}` });
      }
    }
    if (m.payload.registry && m.payload.format !== 'json') ctx.addIssue({ code: 'custom', path: ['payload', 'format'], message: 'A record written through the registry is given as JSON' });
    if (m.payload.format === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(m.payload.text.replace(/\s/g, ''))) {
      ctx.addIssue({ code: 'custom', path: ['payload', 'text'], message: 'Not valid base64' });
    }
    m.headers.forEach((h, i) => {
      if (h.type === 'number' && !Number.isFinite(Number(h.value))) ctx.addIssue({ code: 'custom', path: ['headers', i, 'value'], message: `Header ${h.name}: "${h.value}" is not a number` });
      if (h.type === 'boolean' && h.value !== 'true' && h.value !== 'false') ctx.addIssue({ code: 'custom', path: ['headers', i, 'value'], message: `Header ${h.name}: write true or false` });
    });
  });
export type ComposedMessage = z.infer<typeof ComposedMessage>;

export const ComposeTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exchange'), vhost: z.string().min(1), exchange: z.string(), routingKey: z.string().max(255) }),
  z.object({ kind: z.literal('topic'), topic: z.string().min(1), partition: z.number().int().nonnegative().nullable() }),
]);
export type ComposeTarget = z.infer<typeof ComposeTarget>;

export const PublishPreview = z.object({
  /** Queues (or topic/partition) it would reach now, and by which path. */
  routes: z.array(z.object({ to: z.string(), path: z.array(z.string()) })),
  problem: z.string().nullable(),
  /** What a value written through the registry becomes ("Avro · schema id 7 · orders-value v2 · 23 bytes"). */
  encoding: z.string().nullable().optional(),
});
export type PublishPreview = z.infer<typeof PublishPreview>;

export const PublishOutcome = z.object({
  /** Copies the broker confirmed (RabbitMQ) or acknowledged with acks=all (Kafka). */
  sent: z.number().int(),
  /** Copies asked for. */
  requested: z.number().int(),
  /** `done`: all sent; `stop`: the user stopped it, and nothing after `sent` was sent. */
  stoppedBy: z.enum(['done', 'stop']),
  /** RabbitMQ: the broker confirmed every copy and returned none (mandatory): some queue took each. */
  routed: z.boolean().nullable(),
  /** RabbitMQ: the broker returned copies as unroutable. */
  returned: z.boolean().nullable(),
  /** RabbitMQ: how many copies the broker returned. */
  returnedCount: z.number().int(),
  /**
   * Rewind's prediction from the bindings, to set beside what the broker did. A publisher confirm
   * names no queues: which queues took a copy is this prediction, never the broker's answer.
   */
  predicted: PublishPreview.nullable(),
  mismatch: z.string().nullable(),
  /** Kafka: where the first copies landed (at most 100). */
  offsets: z.array(z.object({ partition: z.number().int(), offset: z.string() })),
  /** Kafka: every copy, as runs of consecutive offsets per partition. */
  ranges: z.array(z.object({ partition: z.number().int(), first: z.string(), last: z.string() })),
  auditId: z.number().int().nullable(),
});
export type PublishOutcome = z.infer<typeof PublishOutcome>;

/** While copies go out: `started` names the run (for publish/stop), then how many are confirmed. */
export const PublishProgress = z.object({ sent: z.number().int(), inFlight: z.number().int(), total: z.number().int() });
export type PublishProgress = z.infer<typeof PublishProgress>;
export const PublishItem = z.discriminatedUnion('kind', [z.object({ kind: z.literal('started'), runId: z.string() }), PublishProgress.extend({ kind: z.literal('progress') })]);

/** Copies go out in batches of about this many bytes (at least one copy), each confirmed before the next. */
export const PUBLISH_BATCH_BYTES = 4 * 1024 * 1024;
const PUBLISH_BATCH_MAX = 500;

/** The bytes one copy weighs on the wire, near enough: payload, key, header names and values. */
export function copyBytes(m: ComposedMessage): number {
  const key = m.key ? (m.key.format === 'base64' ? Buffer.from(m.key.text, 'base64').length : Buffer.byteLength(m.key.text)) : 0;
  const headers = m.headers.reduce((n, h) => n + Buffer.byteLength(h.name) + Buffer.byteLength(h.value), 0);
  return payloadBytes(m.payload).length + key + headers;
}

/** How many copies go in one batch: memory holds one batch at a time, whatever the count. */
export function copiesPerBatch(bytesPerCopy: number): number {
  return Math.max(1, Math.min(PUBLISH_BATCH_MAX, Math.floor(PUBLISH_BATCH_BYTES / Math.max(1, bytesPerCopy))));
}

/** The bytes and typed header values a composed message stands for. */
export function payloadBytes(m: ComposedMessage['payload']): Buffer {
  return m.format === 'base64' ? Buffer.from(m.text.replace(/\s/g, ''), 'base64') : Buffer.from(m.text, 'utf8');
}

export function headerValue(h: ComposedMessage['headers'][number]): string | number | boolean | null {
  if (h.type === 'number') return Number(h.value);
  if (h.type === 'boolean') return h.value === 'true';
  if (h.type === 'null') return null;
  return h.value;
}
