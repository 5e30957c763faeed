import { z } from 'zod';
import { DecodedValue } from './decoded';
import { Payload } from './payload';

/** Which kind of source a record came from: kafka, rabbitmq, store, or a kind a registered source brings. */
export const SourceKind = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
export type SourceKind = z.infer<typeof SourceKind>;

/**
 * A header or property. `value` null: the header is there without a value (Kafka allows it);
 * `binary`: the value is not printable UTF-8 and `value` holds its bytes as base64.
 */
export const Header = z.object({
  name: z.string(),
  value: z.string().nullable(),
  binary: z.boolean().optional(),
  /** The wire type where the source has types (AMQP: integer, float, decimal, timestamp, bytes, table, array…). */
  type: z.string().optional(),
});
export type Header = z.infer<typeof Header>;

/** One event of a CloudEvents batch, as the detail pane lists it. */
export const BatchEvent = z.object({
  id: z.string().nullable(),
  type: z.string().nullable(),
  source: z.string().nullable(),
  subject: z.string().nullable(),
  time: z.string().nullable(),
  timeText: z.string().nullable(),
  /** Its data as JSON text (cut at 4 KB). */
  data: z.string().nullable(),
});
export type BatchEvent = z.infer<typeof BatchEvent>;

/**
 * What an event says about itself beyond id, type, correlation and causation (model/event-envelope.ts):
 * the rule set it was read by (`format`), CloudEvents' attributes and extensions, a time as the event
 * gives it (ISO, and the text as written), Spring's payload class.
 */
export const EventMeta = z.object({
  format: z.string(),
  specVersion: z.string().nullable(),
  source: z.string().nullable(),
  subject: z.string().nullable(),
  time: z.string().nullable(),
  timeText: z.string().nullable(),
  contentType: z.string().nullable(),
  dataSchema: z.string().nullable(),
  traceparent: z.string().nullable(),
  tracestate: z.string().nullable(),
  sequence: z.string().nullable(),
  partitionKey: z.string().nullable(),
  /** Spring's `__TypeId__`: the Java class the payload was serialised from, not an event type. */
  javaClass: z.string().nullable(),
  /** Other CloudEvents extensions (and a hand-rolled envelope's version). */
  extensions: z.array(Header),
  /** Why what claims to be an event is not a valid one (a CloudEvent without id). */
  problem: z.string().nullable(),
  /** A CloudEvents batch: the events it holds (the first 1,000), each as its attributes say. */
  batch: z.array(BatchEvent).optional(),
});
export type EventMeta = z.infer<typeof EventMeta>;

const RULE_FIELDS = ['format', 'id', 'type', 'correlationId', 'causationId', 'source', 'subject', 'time', 'contentType', 'dataSchema', 'traceparent', 'sequence', 'partitionKey'] as const;

/**
 * One record, message or event, whatever the source. Positions are decimal strings because Kafka
 * offsets are 64-bit and JSON numbers are not.
 */
export const Envelope = z.object({
  source: SourceKind,
  /** Topic, queue or stream id. */
  resource: z.string(),
  partition: z.number().int().nullable(),
  /** Offset (Kafka, RabbitMQ streams) or global position (store). */
  position: z.string(),
  id: z.string().nullable(),
  type: z.string().nullable(),
  /** ISO time; null when the source records none (a Kafka timestamp of -1). */
  timestamp: z.string().nullable(),
  /** Kafka: who set the time, the producer (CreateTime) or the broker (LogAppendTime). */
  timestampType: z.enum(['create', 'log-append']).nullable(),
  key: Payload.nullable(),
  headers: z.array(Header),
  /** RabbitMQ: the AMQP properties the message was published with (content type, message id, …). */
  properties: z.array(Header),
  payload: Payload,
  correlationId: z.string().nullable(),
  causationId: z.string().nullable(),
  /** Store events: the stream and version within it. */
  streamId: z.string().nullable(),
  streamVersion: z.number().int().nullable(),
  /** Which rule gave each field its value (model/event-envelope.ts), for the detail pane to say. */
  rules: z
    .object(Object.fromEntries(RULE_FIELDS.map((f) => [f, z.string()])) as Record<(typeof RULE_FIELDS)[number], z.ZodString>)
    .partial()
    .optional(),
  /** The event the record carries, when a rule recognised one. */
  event: EventMeta.nullable().optional(),
  /** What the value's bytes mean, when a decoder beyond text and JSON read them (a registry's Avro, Protobuf…). */
  decoded: DecodedValue.optional(),
  /** The same for the key. */
  keyDecoded: DecodedValue.optional(),
});
export type Envelope = z.infer<typeof Envelope>;
