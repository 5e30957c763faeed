import type { WireEvent } from '../../model/wire';
import { decodePayload } from '../../model/payload';
import { wireData } from '../../model/wire-data';
import { recognise } from '../../model/event-envelope';
import { headerOf, keyText, recordTime } from './kafka-envelope';
import type { KafkaRecord } from './record-batches';
import type { DecoderChain } from '../../decoding/decoder-chain';
import { mayNeedDecoding, rawHeaders } from './kafka-decoding';

/**
 * A record straight into the shape projections take, skipping the envelope built for display:
 * the whole value (an envelope keeps only a preview) and no decode-then-encode round trip.
 * Type, id and key are read as kafkaRecordToEnvelope reads them for the record views.
 */
export function kafkaRecordToWire(topic: string, record: KafkaRecord, chain?: DecoderChain): WireEvent {
  const headers = record.headers.map(headerOf);
  // Keys are small: decide text or not exactly as the record views do.
  const key = record.key === null ? null : decodePayload(record.key);
  // Projections see what an Avro or Protobuf value means, as the views do.
  // Bulk reads skip the chain for text and JSON: there is nothing for it to add there.
  const bulkSkip = !chain || (!mayNeedDecoding(record) && chain.choiceFor(topic).decoder === 'auto');
  const decoded = bulkSkip ? null : (chain.decode(record.value, rawHeaders(record), 'value', topic)?.decoded.text ?? null);
  const fields = recognise({ headers, key: keyText(key), value: decoded === null ? record.value : Buffer.from(decoded) }, chain?.envelopeRules);
  return {
    position: record.offset,
    type: fields.type ?? 'unknown',
    data: decoded ?? wireData(record.value),
    metadata: JSON.stringify(Object.fromEntries(headers.map((h) => [h.name, h.value]))),
    streamId: key?.kind === 'text' || key?.kind === 'json' ? key.text : topic,
    version: record.offset,
    timestamp: recordTime(record.timestamp) ?? '',
    id: fields.id ?? '',
  };
}
