import { decodeBody, type BodyDecoding } from '../../decoding/decode-body';
import type { Message } from 'amqplib';
import type { Envelope, Header } from '../../model/envelope';
import { recognise } from '../../model/event-envelope';
import { decodePayload } from '../../model/payload';
import type { WireEvent } from '../../model/wire';
import { wireData } from '../../model/wire-data';
import { amqpHeader } from './amqp-values';

/** User headers with their AMQP types (the stream's own offset header left out). */
function rabbitHeaders(message: Message): Header[] {
  const raw = (message.properties.headers ?? {}) as Record<string, unknown>;
  return Object.entries(raw)
    .filter(([name]) => name !== 'x-stream-offset')
    .map(([name, value]) => amqpHeader(name, value));
}

/** Every AMQP basic property the message carries, by its AMQP name. */
function rabbitProperties(message: Message): Header[] {
  const p = message.properties;
  const out: Header[] = [];
  const add = (name: string, value: unknown, type: string) => {
    if (value !== undefined && value !== null) out.push({ name, value: type === 'timestamp' ? new Date((value as number) * 1000).toISOString() : String(value), type });
  };
  add('content_type', p.contentType, 'shortstr');
  add('content_encoding', p.contentEncoding, 'shortstr');
  add('delivery_mode', p.deliveryMode, 'octet');
  add('priority', p.priority, 'octet');
  add('correlation_id', p.correlationId, 'shortstr');
  add('reply_to', p.replyTo, 'shortstr');
  add('expiration', p.expiration, 'shortstr');
  add('message_id', p.messageId, 'shortstr');
  add('timestamp', p.timestamp, 'timestamp');
  add('type', p.type, 'shortstr');
  add('user_id', p.userId, 'shortstr');
  add('app_id', p.appId, 'shortstr');
  add('cluster_id', p.clusterId, 'shortstr');
  return out;
}

/** A stream message's offset; elsewhere the caller says where the message stands (its place in the queue). */
function streamOffset(message: Message): string | null {
  const offset = (message.properties.headers as Record<string, unknown> | undefined)?.['x-stream-offset'];
  return offset !== undefined ? String(offset) : null;
}

/**
 * The time a message carries itself: the AMQP `timestamp` property (seconds), else the
 * `timestamp_in_ms` header RabbitMQ's timestamp interceptor adds. Null when it carries none: a
 * stream's reader then takes the time its chunk was written (see ChunkClock).
 */
export function messageTime(message: Message): string | null {
  const p = message.properties;
  if (typeof p.timestamp === 'number') return new Date(p.timestamp * 1000).toISOString();
  const ms = (p.headers as Record<string, unknown> | undefined)?.['timestamp_in_ms'];
  if (typeof ms === 'number' && Number.isFinite(ms)) return new Date(ms).toISOString();
  return null;
}

export function rabbitMessageToEnvelope(queue: string, message: Message, place?: number, previewBytes?: number, decoding?: BodyDecoding): Envelope {
  // The stream's own offset header is the position.
  const ts = messageTime(message);
  const headers = rabbitHeaders(message);
  const properties = rabbitProperties(message);
  const { decoded, value } = decodeBody(decoding, message.content, contentTypeOf(message));
  // One normaliser: CloudEvents, then AMQP's own properties, then headers by the one table, then the body.
  const fields = recognise({ headers, properties, value }, decoding?.chain.envelopeRules);
  return {
    source: 'rabbitmq',
    resource: queue,
    partition: null,
    position: streamOffset(message) ?? String(place ?? message.fields.deliveryTag),
    id: fields.id,
    type: fields.type,
    timestamp: ts,
    timestampType: null,
    key: message.fields.routingKey ? { kind: 'text', text: message.fields.routingKey, bytes: Buffer.byteLength(message.fields.routingKey), truncated: false } : null,
    headers,
    properties,
    payload: decodePayload(message.content, previewBytes),
    correlationId: fields.correlationId,
    causationId: fields.causationId,
    streamId: null,
    streamVersion: null,
    ...(Object.keys(fields.rules).length > 0 ? { rules: fields.rules } : {}),
    ...(fields.event ? { event: fields.event } : {}),
    ...(decoded ? { decoded } : {}),
  };
}

const contentTypeOf = (message: Message): string | null => (typeof message.properties.contentType === 'string' ? message.properties.contentType : null);

/**
 * A message straight into the shape projections take, with its whole body (an envelope keeps
 * only a preview); type, id and headers as rabbitMessageToEnvelope reads them.
 */
export function rabbitMessageToWire(queue: string, message: Message, decoding?: BodyDecoding): WireEvent {
  const position = Number(streamOffset(message) ?? message.fields.deliveryTag);
  const headers = rabbitHeaders(message);
  const properties = rabbitProperties(message);
  const { decoded, value } = decodeBody(decoding, message.content, contentTypeOf(message), true);
  const fields = recognise({ headers, properties, value }, decoding?.chain.envelopeRules);
  const meta = [...headers, ...properties.filter((h) => ['content_type', 'content_encoding', 'delivery_mode', 'reply_to', 'app_id'].includes(h.name))];
  return {
    position,
    type: fields.type ?? 'unknown',
    data: decoded?.text ?? wireData(message.content),
    metadata: JSON.stringify(Object.fromEntries(meta.map((h) => [h.name, h.value]))),
    streamId: message.fields.routingKey || queue,
    version: position,
    timestamp: messageTime(message) ?? '',
    id: fields.id ?? '',
  };
}
