import { createHash } from 'node:crypto';
import type { Message, Options } from 'amqplib';

/** Where one message is sent: an exchange and key, and the queues the bindings would deliver it to. */
export interface Destination {
  exchange: string;
  routingKey: string;
  /** Extra routing keys RabbitMQ recorded (CC), sent as the CC header. */
  cc: string[];
  /**
   * The queues it should land in (the default exchange: the queue named by the key). Used after a
   * dropped connection to look for a copy whose confirm never came.
   */
  queues: string[];
}

function latestDeath(m: Message): Record<string, unknown> | null {
  const deaths = (m.properties.headers as Record<string, unknown> | undefined)?.['x-death'];
  return Array.isArray(deaths) && deaths[0] && typeof deaths[0] === 'object' ? (deaths[0] as Record<string, unknown>) : null;
}

/** Every property and header as the message carries them, plus Rewind's three marks. */
export function publishOptions(m: Message, queue: string, id: string, to: Destination, restoreTtl: boolean): Options.Publish {
  const p = m.properties;
  const headers: Record<string, unknown> = { ...(p.headers ?? {}) };
  const count = typeof headers['x-rewind-redrive-count'] === 'number' ? (headers['x-rewind-redrive-count'] as number) : 0;
  headers['x-rewind-redrive-count'] = count + 1;
  headers['x-rewind-redriven-from'] = queue;
  headers['x-rewind-redrive-id'] = id;
  if (to.cc.length > 0) {
    const existing = Array.isArray(headers.CC) ? (headers.CC as unknown[]).filter((k): k is string => typeof k === 'string') : [];
    const missing = to.cc.filter((k) => !existing.includes(k));
    if (missing.length > 0) headers.CC = [...existing, ...missing];
  }
  const ttl = restoreTtl ? latestDeath(m)?.['original-expiration'] : undefined;
  const options: Options.Publish = { mandatory: true, headers };
  if (p.contentType !== undefined) options.contentType = p.contentType;
  if (p.contentEncoding !== undefined) options.contentEncoding = p.contentEncoding;
  if (p.deliveryMode !== undefined) options.deliveryMode = p.deliveryMode;
  if (p.priority !== undefined) options.priority = p.priority;
  if (p.correlationId !== undefined) options.correlationId = p.correlationId;
  if (p.replyTo !== undefined) options.replyTo = p.replyTo;
  if (typeof ttl === 'string') options.expiration = ttl;
  else if (p.expiration !== undefined) options.expiration = p.expiration;
  if (p.messageId !== undefined) options.messageId = p.messageId;
  if (p.timestamp !== undefined) options.timestamp = p.timestamp;
  if (p.type !== undefined) options.type = p.type;
  if (p.userId !== undefined) options.userId = p.userId;
  if (p.appId !== undefined) options.appId = p.appId;
  return options;
}

/**
 * A message's identity while it waits in a queue: its bytes, properties and headers (what does
 * not change as it sits there or is requeued). Identical copies share it.
 */
export function fingerprint(m: Message): string {
  const h = createHash('sha1');
  h.update(m.content);
  h.update(
    JSON.stringify(m.properties, (_k, v: unknown) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('base64') : v)),
  );
  return h.digest('hex').slice(0, 16);
}
