import type { Envelope, Header } from '../../model/envelope';
import { recognise } from '../../model/event-envelope';
import { decodePayload, printableText, type Payload } from '../../model/payload';
import type { DecoderChain } from '../../decoding/decoder-chain';
import type { KafkaHeader, KafkaRecord } from './record-batches';
import { mayNeedDecoding, rawHeaders } from './kafka-decoding';

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
  const payload = decodePayload(record.value, previewBytes);
  const key = record.key === null ? null : decodePayload(record.key);
  // Text and JSON under the automatic chain are explained from what decodePayload found, not decoded twice.
  const plainValue =
    chain !== undefined && (payload.kind === 'json' || payload.kind === 'text') && chain.choiceFor(topic).decoder === 'auto' && !record.headers.some((h) => h.key.startsWith('apicurio.'));
  // Text and JSON carry no explanation: the views say it from the payload's kind, and a page of them stays as small as it was.
  const decoded = !chain || plainValue ? null : chain.decode(record.value, rawHeaders(record), 'value', topic);
  const keyDecoded = chain && record.key && mayNeedDecoding(record, 'key') ? chain.decode(record.key, rawHeaders(record), 'key', topic) : null;
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
    payload,
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
