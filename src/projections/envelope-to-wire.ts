import type { Envelope } from '../model/envelope';
import type { WireEvent } from './wire';

/** A record or message from any source, in the shape projections see. */
export function envelopeToWire(e: Envelope): WireEvent {
  const p = e.payload;
  const data =
    p.kind === 'json' ? JSON.stringify(p.value) : p.kind === 'text' ? JSON.stringify(p.text) : p.kind === 'binary' ? JSON.stringify({ base64: p.base64, bytes: p.bytes }) : 'null';
  const key = e.key?.kind === 'text' ? e.key.text : null;
  return {
    position: Number(e.position),
    type: e.type ?? 'unknown',
    data,
    metadata: JSON.stringify(Object.fromEntries(e.headers.map((h) => [h.name, h.value]))),
    streamId: e.streamId ?? key ?? e.resource,
    version: e.streamVersion ?? Number(e.position),
    timestamp: e.timestamp ?? '',
    id: e.id ?? '',
  };
}
