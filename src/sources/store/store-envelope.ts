import type { Envelope } from '../../model/envelope';
import { decodePayload } from '../../model/payload';
import type { StoredEvent } from '../../store/event-store';
import type { WireEvent } from '../../model/wire';

const encoder = new TextEncoder();

function stringField(meta: Record<string, unknown>, name: string): string | null {
  const v = meta[name];
  return typeof v === 'string' ? v : null;
}

export function storeEventToEnvelope(e: StoredEvent, resource: string, previewBytes?: number): Envelope {
  let meta: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(e.metadata);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) meta = parsed as Record<string, unknown>;
  } catch {
    /* metadata is validated as JSON on write; an older file may still hold junk, show none */
  }
  return {
    source: 'store',
    resource,
    partition: null,
    position: String(e.globalPosition),
    id: e.eventId,
    type: e.eventType,
    timestamp: e.recordedAt,
    timestampType: null,
    key: null,
    headers: Object.entries(meta).map(([name, value]) => ({
      name,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    })),
    properties: [],
    payload: decodePayload(encoder.encode(e.data), previewBytes),
    correlationId: stringField(meta, 'correlationId'),
    causationId: stringField(meta, 'causationId'),
    streamId: e.streamId,
    streamVersion: e.streamVersion,
  };
}

/** A stored event in the shape projections take. */
export function storeEventToWire(e: StoredEvent): WireEvent {
  return {
    position: e.globalPosition,
    type: e.eventType,
    data: e.data,
    metadata: e.metadata,
    streamId: e.streamId,
    version: e.streamVersion,
    timestamp: e.recordedAt,
    id: e.eventId,
  };
}
