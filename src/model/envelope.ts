import { z } from 'zod';
import { Payload } from './payload';

export const SourceKind = z.enum(['kafka', 'rabbitmq', 'store']);
export type SourceKind = z.infer<typeof SourceKind>;

export const Header = z.object({ name: z.string(), value: z.string(), binary: z.boolean().optional() });
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
  timestamp: z.string().nullable(),
  key: Payload.nullable(),
  headers: z.array(Header),
  payload: Payload,
  correlationId: z.string().nullable(),
  causationId: z.string().nullable(),
  /** Store events: the stream and version within it. */
  streamId: z.string().nullable(),
  streamVersion: z.number().int().nullable(),
});
export type Envelope = z.infer<typeof Envelope>;
