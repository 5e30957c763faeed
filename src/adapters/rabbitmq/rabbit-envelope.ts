import type { Message } from 'amqplib';
import type { Envelope, Header } from '../../model/envelope';
import { decodePayload } from '../../model/payload';

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

export function rabbitMessageToEnvelope(queue: string, message: Message): Envelope {
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
  const offset = raw['x-stream-offset'];
  // AMQP timestamps are seconds; the stream's own offset header is the position.
  const ts = typeof p.timestamp === 'number' ? new Date(p.timestamp * 1000).toISOString() : null;
  return {
    source: 'rabbitmq',
    resource: queue,
    partition: null,
    position: offset !== undefined ? String(offset) : String(message.fields.deliveryTag),
    id: typeof p.messageId === 'string' ? p.messageId : null,
    type: typeof p.type === 'string' ? p.type : null,
    timestamp: ts,
    key: message.fields.routingKey ? { kind: 'text', text: message.fields.routingKey, bytes: Buffer.byteLength(message.fields.routingKey), truncated: false } : null,
    headers,
    payload: decodePayload(message.content),
    correlationId: typeof p.correlationId === 'string' ? p.correlationId : null,
    causationId: typeof raw['causation-id'] === 'string' ? raw['causation-id'] : null,
    streamId: null,
    streamVersion: null,
  };
}
