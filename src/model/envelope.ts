import { z } from 'zod';
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
  /** Which rule gave id, type, correlation and causation their values (model/conventions.ts), for the detail pane to say. */
  rules: z.object({ id: z.string(), type: z.string(), correlationId: z.string(), causationId: z.string() }).partial().optional(),
});
export type Envelope = z.infer<typeof Envelope>;
