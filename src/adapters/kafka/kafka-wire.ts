import type { KafkaMessage } from 'kafkajs';
import type { WireEvent } from '../../projections/wire';
import { decodePayload } from '../../model/payload';
import { wireData } from '../../projections/wire-data';
import { findHeader, headersOf, ID_HEADERS, TYPE_HEADERS } from './kafka-envelope';

/**
 * A record straight into the shape projections take, skipping the envelope built for display:
 * the whole value (an envelope keeps only a preview) and no decode-then-encode round trip.
 * Type, id and key are read as kafkaMessageToEnvelope reads them for the record views.
 */
export function kafkaMessageToWire(topic: string, message: KafkaMessage): WireEvent {
  const headers = headersOf(message);
  const ms = Number(message.timestamp);
  // Keys are small: decide text or not exactly as the record views do.
  const key = message.key ? decodePayload(message.key) : null;
  return {
    position: Number(message.offset),
    type: findHeader(headers, TYPE_HEADERS) ?? 'unknown',
    data: wireData(message.value),
    metadata: JSON.stringify(Object.fromEntries(headers.map((h) => [h.name, h.value]))),
    streamId: key?.kind === 'text' ? key.text : topic,
    version: Number(message.offset),
    timestamp: Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : '',
    id: findHeader(headers, ID_HEADERS) ?? '',
  };
}
