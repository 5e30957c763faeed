import type { KafkaMessage } from 'kafkajs';
import type { Envelope, Header } from '../../model/envelope';
import { decodePayload } from '../../model/payload';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function headerValue(value: Buffer | string): { value: string; binary: boolean } {
  if (typeof value === 'string') return { value, binary: false };
  try {
    return { value: utf8.decode(value), binary: false };
  } catch {
    return { value: value.toString('base64'), binary: true };
  }
}

export function headersOf(message: KafkaMessage): Header[] {
  const out: Header[] = [];
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    if (raw === undefined) continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      const { value, binary } = headerValue(v);
      out.push(binary ? { name, value, binary } : { name, value });
    }
  }
  return out;
}

export const findHeader = (headers: Header[], names: string[]) =>
  headers.find((h) => names.includes(h.name.toLowerCase()) && !h.binary)?.value ?? null;

export const ID_HEADERS = ['message-id', 'messageid', 'ce_id', 'id', 'event-id'];
export const TYPE_HEADERS = ['type', 'event-type', 'ce_type', '__typeid__'];

export function kafkaMessageToEnvelope(topic: string, partition: number, message: KafkaMessage): Envelope {
  const headers = headersOf(message);
  const ms = Number(message.timestamp);
  return {
    source: 'kafka',
    resource: topic,
    partition,
    position: message.offset,
    id: findHeader(headers, ID_HEADERS),
    type: findHeader(headers, TYPE_HEADERS),
    timestamp: Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null,
    key: message.key ? decodePayload(message.key) : null,
    headers,
    payload: decodePayload(message.value),
    correlationId: findHeader(headers, ['correlation-id', 'correlationid', 'x-correlation-id']),
    causationId: findHeader(headers, ['causation-id', 'causationid']),
    streamId: null,
    streamVersion: null,
  };
}
