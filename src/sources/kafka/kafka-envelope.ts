import type { Envelope, Header } from '../../model/envelope';
import { recognise } from '../../model/event-envelope';
import { decodePayload, printableText, type Payload } from '../../model/payload';
import type { DecoderChain } from '../../decoding/decoder-chain';
import type { KafkaHeader, KafkaRecord } from './record-batches';
import { rawHeaders } from './kafka-decoding';

/** A header value as the views show it: text when printable UTF-8, otherwise base64 marked binary. */
export function headerOf(h: KafkaHeader): Header {
  if (h.value === null) return { name: h.key, value: null };
  const text = printableText(h.value);
  return text === null ? { name: h.key, value: h.value.toString('base64'), binary: true } : { name: h.key, value: text };
}

/** A key as text, when it is text (CloudEvents' partitionkey). */
export const keyText = (key: Payload | null): string | null => (key?.kind === 'text' || key?.kind === 'json' ? key.text : null);

/** A record's time: -1 (and anything else before the epoch's first millisecond) means none. */
export const recordTime = (ms: number): string | null => (ms >= 0 && Number.isFinite(ms) ? new Date(ms).toISOString() : null);

/** A record as the views show it; `chain` (prepared for it) reads what its bytes mean. */
export function kafkaRecordToEnvelope(topic: string, partition: number, record: KafkaRecord, previewBytes?: number, chain?: DecoderChain): Envelope {
  const headers = record.headers.map(headerOf);
  const raw = chain ? rawHeaders(record) : [];
  const decoded = chain?.decode(record.value, raw, 'value', topic) ?? null;
  const keyDecoded = chain && record.key ? chain.decode(record.key, raw, 'key', topic) : null;
  const key = record.key === null ? null : decodePayload(record.key);
  // An envelope inside an Avro or Protobuf value is read from what the value means.
  const value = decoded?.decoded.text ? Buffer.from(decoded.decoded.text) : record.value;
  const keyShown = keyDecoded?.decoded.text ?? keyText(key);
  const fields = recognise({ headers, key: keyShown, value }, chain?.envelopeRules);
  return {
    source: 'kafka',
    resource: topic,
    partition,
    position: String(record.offset),
    id: fields.id,
    type: fields.type,
    timestamp: recordTime(record.timestamp),
    timestampType: record.timestamp >= 0 ? record.timestampType : null,
    key,
    headers,
    properties: [],
    payload: decodePayload(record.value, previewBytes),
    correlationId: fields.correlationId,
    causationId: fields.causationId,
    streamId: null,
    streamVersion: null,
    ...(Object.keys(fields.rules).length > 0 ? { rules: fields.rules } : {}),
    ...(fields.event ? { event: fields.event } : {}),
    ...(decoded ? { decoded: decoded.decoded } : {}),
    // A key is explained only when it needed more than text.
    ...(keyDecoded && (keyDecoded.decoded.text !== null || keyDecoded.decoded.problem !== null) ? { keyDecoded: keyDecoded.decoded } : {}),
  };
}
