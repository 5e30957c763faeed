import type { Envelope, Header } from '../../model/envelope';
import { recognise } from '../../model/event-envelope';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import { decodePayload } from '../../model/payload';
import type { WireEvent } from '../../model/wire';

/** One stream entry as XRANGE returns it: its id and its field/value pairs, in order. */
export type StreamEntry = [id: string, pairs: string[]];

/** Fields apps commonly put a whole message in: that field is the value, the others its headers. */
const BODY_FIELDS = ['data', 'payload', 'body', 'message', 'value', 'event', 'json'];

/** The time a stream id carries: its milliseconds part. */
export const idTime = (id: string): string | null => {
  const ms = Number(id.split('-', 1)[0]);
  return Number.isFinite(ms) && ms > 0 && ms < 8.64e15 ? new Date(ms).toISOString() : null;
};

/**
 * An entry's value and headers: where one field holds the message (`data`, `payload`…), that
 * field is the value and the other fields are its headers; otherwise every field is a header and
 * the value is the fields as one JSON object, so a search or projection sees them all.
 */
export function entryParts(pairs: string[]): { headers: Header[]; body: Buffer; bodyField: string | null } {
  const headers: Header[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) headers.push({ name: pairs[i]!, value: pairs[i + 1]! });
  const bodyField = BODY_FIELDS.find((f) => headers.some((h) => h.name.toLowerCase() === f)) ?? null;
  if (bodyField !== null) {
    const at = headers.findIndex((h) => h.name.toLowerCase() === bodyField);
    const body = Buffer.from(headers[at]!.value!);
    return { headers: headers.filter((_, i) => i !== at), body, bodyField: headers[at]!.name };
  }
  const object: Record<string, string> = {};
  for (const h of headers) object[h.name] = h.value!;
  return { headers, body: Buffer.from(JSON.stringify(object)), bodyField: null };
}

export function entryToEnvelope([id, pairs]: StreamEntry, stream: string, previewBytes: number | undefined, rules: readonly EnvelopeRule[]): Envelope {
  const { headers, body } = entryParts(pairs);
  // Field names such as type, id or correlationId, and an event inside the value, are read by the one normaliser.
  const fields = recognise({ headers, value: body }, rules);
  return {
    source: 'redis',
    resource: stream,
    partition: null,
    position: id,
    id: fields.id,
    type: fields.type,
    timestamp: idTime(id),
    timestampType: null,
    key: null,
    headers,
    properties: [],
    payload: decodePayload(body, previewBytes),
    correlationId: fields.correlationId,
    causationId: fields.causationId,
    streamId: null,
    streamVersion: null,
    ...(Object.keys(fields.rules).length > 0 ? { rules: fields.rules } : {}),
    ...(fields.event ? { event: fields.event } : {}),
  };
}

/** An entry as projections take it; `ordinal` counts entries from where the feed began (stream ids are not numbers). */
export function entryToWire([id, pairs]: StreamEntry, stream: string, ordinal: number, rules: readonly EnvelopeRule[]): WireEvent {
  const { headers, body } = entryParts(pairs);
  const fields = recognise({ headers, value: body }, rules);
  return {
    position: ordinal,
    type: fields.type ?? 'unknown',
    data: body.toString('utf8'),
    metadata: JSON.stringify({ streamEntryId: id, ...Object.fromEntries(headers.map((h) => [h.name, h.value])) }),
    streamId: stream,
    version: ordinal,
    timestamp: idTime(id) ?? '',
    id: fields.id ?? id,
  };
}

/** Orders two stream ids by their milliseconds, then their sequence. */
export function compareIds(a: string, b: string): number {
  const [am, as = 0n] = a.split('-').map(BigInt) as [bigint, bigint?];
  const [bm, bs = 0n] = b.split('-').map(BigInt) as [bigint, bigint?];
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/** The id just after this one: where a read continues (XRANGE takes inclusive bounds). */
export function afterId(id: string): string {
  const [ms, seq = '0'] = id.split('-');
  return `${ms}-${(BigInt(seq) + 1n).toString()}`;
}
