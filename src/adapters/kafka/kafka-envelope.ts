import type { Envelope, Header } from '../../model/envelope';
import { decodePayload, printableText } from '../../model/payload';
import type { KafkaHeader, KafkaRecord } from './record-batches';

/** A header value as the views show it: text when printable UTF-8, otherwise base64 marked binary. */
export function headerOf(h: KafkaHeader): Header {
  if (h.value === null) return { name: h.key, value: null };
  const text = printableText(h.value);
  return text === null ? { name: h.key, value: h.value.toString('base64'), binary: true } : { name: h.key, value: text };
}

export const findHeader = (headers: Header[], names: string[]) => headers.find((h) => names.includes(h.name.toLowerCase()) && !h.binary && h.value !== null)?.value ?? null;

export const ID_HEADERS = ['message-id', 'messageid', 'ce_id', 'id', 'event-id'];
export const TYPE_HEADERS = ['type', 'event-type', 'ce_type', '__typeid__'];

/** A record's time: -1 (and anything else before the epoch's first millisecond) means none. */
export const recordTime = (ms: number): string | null => (ms >= 0 && Number.isFinite(ms) ? new Date(ms).toISOString() : null);

export function kafkaRecordToEnvelope(topic: string, partition: number, record: KafkaRecord, previewBytes?: number): Envelope {
  const headers = record.headers.map(headerOf);
  return {
    source: 'kafka',
    resource: topic,
    partition,
    position: String(record.offset),
    id: findHeader(headers, ID_HEADERS),
    type: findHeader(headers, TYPE_HEADERS),
    timestamp: recordTime(record.timestamp),
    timestampType: record.timestamp >= 0 ? record.timestampType : null,
    key: record.key === null ? null : decodePayload(record.key),
    headers,
    properties: [],
    payload: decodePayload(record.value, previewBytes),
    correlationId: findHeader(headers, ['correlation-id', 'correlationid', 'x-correlation-id']),
    causationId: findHeader(headers, ['causation-id', 'causationid']),
    streamId: null,
    streamVersion: null,
  };
}
