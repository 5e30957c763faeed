import type { Message } from 'amqplib';
import type { Envelope, Header } from '../../model/envelope';
import { decodePayload } from '../../model/payload';
import type { WireEvent } from '../../projections/wire';
import { wireData } from '../../projections/wire-data';

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Headers and properties as the envelope lists them (the stream's offset header left out). */
function rabbitHeaders(message: Message): Header[] {
  const p = message.properties;
  const raw = (p.headers ?? {}) as Record<string, unknown>;
  const headers: Header[] = Object.entries(raw)
    .filter(([name]) => name !== 'x-stream-offset')
    .map(([name, value]) => ({ name, value: headerText(value) }));
  for (const [name, value] of [
    ['content-type', p.contentType],
    ['content-encoding', p.contentEncoding],
    ['delivery-mode', p.deliveryMode],
    ['reply-to', p.replyTo],
    ['app-id', p.appId],
  ] as const) {
    if (value !== undefined && value !== null) headers.push({ name, value: String(value) });
  }
  return headers;
}

/** A stream message's offset, or its delivery tag where there is none. */
function rabbitPosition(message: Message): string {
  const offset = (message.properties.headers as Record<string, unknown> | undefined)?.['x-stream-offset'];
  return offset !== undefined ? String(offset) : String(message.fields.deliveryTag);
}

export function rabbitMessageToEnvelope(queue: string, message: Message): Envelope {
  const p = message.properties;
  const raw = (p.headers ?? {}) as Record<string, unknown>;
  const headers = rabbitHeaders(message);
  // AMQP timestamps are seconds; the stream's own offset header is the position.
  const ts = typeof p.timestamp === 'number' ? new Date(p.timestamp * 1000).toISOString() : null;
  return {
    source: 'rabbitmq',
    resource: queue,
    partition: null,
    position: rabbitPosition(message),
    id: typeof p.messageId === 'string' ? p.messageId : null,
    type: typeof p.type === 'string' ? p.type : null,
    timestamp: ts,
    timestampType: null,
    key: message.fields.routingKey ? { kind: 'text', text: message.fields.routingKey, bytes: Buffer.byteLength(message.fields.routingKey), truncated: false } : null,
    headers,
    payload: decodePayload(message.content),
    correlationId: typeof p.correlationId === 'string' ? p.correlationId : null,
    causationId: typeof raw['causation-id'] === 'string' ? raw['causation-id'] : null,
    streamId: null,
    streamVersion: null,
  };
}

/**
 * A message straight into the shape projections take, with its whole body (an envelope keeps
 * only a preview); type, id and headers as rabbitMessageToEnvelope reads them.
 */
export function rabbitMessageToWire(queue: string, message: Message): WireEvent {
  const p = message.properties;
  const position = Number(rabbitPosition(message));
  return {
    position,
    type: typeof p.type === 'string' ? p.type : 'unknown',
    data: wireData(message.content),
    metadata: JSON.stringify(Object.fromEntries(rabbitHeaders(message).map((h) => [h.name, h.value]))),
    streamId: message.fields.routingKey || queue,
    version: position,
    timestamp: typeof p.timestamp === 'number' ? new Date(p.timestamp * 1000).toISOString() : '',
    id: typeof p.messageId === 'string' ? p.messageId : '',
  };
}
