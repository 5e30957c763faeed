import type { Envelope, Header } from '../../model/envelope';
import { recognise } from '../../model/event-envelope';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import type { Redis } from 'ioredis';
import { decodePayload, printableText } from '../../model/payload';
import type { WireEvent } from '../../model/wire';
import { wireData } from '../../model/wire-data';

/**
 * One stream entry: its id and its field/value pairs as the bytes Redis holds (read with
 * XRANGE's Buffer form: a string reply would replace bytes that are not UTF-8, and a copy made
 * from it would change them).
 */
export type StreamEntry = [id: string, pairs: Buffer[]];

type Raw = [id: Buffer, pairs: Buffer[]][];
const entries = (raw: Raw): StreamEntry[] => raw.map(([id, pairs]) => [id.toString('latin1'), pairs]);

/** XRANGE with the bytes as they are. */
export async function xrangeEntries(redis: Redis, key: string, start: string, end: string, count?: number): Promise<StreamEntry[]> {
  return entries(count === undefined ? await redis.xrangeBuffer(key, start, end) : await redis.xrangeBuffer(key, start, end, 'COUNT', count));
}

/** XREVRANGE with the bytes as they are: newest first. */
export async function xrevrangeEntries(redis: Redis, key: string, end: string, start: string, count?: number): Promise<StreamEntry[]> {
  return entries(count === undefined ? await redis.xrevrangeBuffer(key, end, start) : await redis.xrevrangeBuffer(key, end, start, 'COUNT', count));
}

/** Fields apps commonly put a whole message in: that field is the value, the others its headers. */
const BODY_FIELDS = ['data', 'payload', 'body', 'message', 'value', 'event', 'json'];

let lastMs = '';
let lastIso: string | null = null;

/** The time a stream id carries: its milliseconds part (entries added together share it, so the last is kept). */
export const idTime = (id: string): string | null => {
  const dash = id.indexOf('-');
  const msText = dash === -1 ? id : id.slice(0, dash);
  if (msText === lastMs) return lastIso;
  const ms = Number(msText);
  lastMs = msText;
  lastIso = Number.isFinite(ms) && ms > 0 && ms < 8.64e15 ? new Date(ms).toISOString() : null;
  return lastIso;
};

/** A field as a header: its value as text where it is printable UTF-8, else its bytes in base64. */
function header(name: Buffer, value: Buffer): Header {
  const text = printableText(value);
  return text === null ? { name: name.toString('utf8'), value: value.toString('base64'), binary: true } : { name: name.toString('utf8'), value: text };
}

/** A field's value by its name, as text (null when the entry has no such field). */
export function fieldOf(pairs: Buffer[], name: string): string | null {
  for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i]!.toString('utf8') === name) return pairs[i + 1]!.toString('utf8');
  return null;
}

/**
 * An entry's value and headers: where one field holds the message (`data`, `payload`…), that
 * field's bytes are the value and the other fields are its headers; otherwise every field is a
 * header and the value is the fields as one JSON object (binary values as base64), so a search
 * or projection sees them all.
 */
export function entryParts(pairs: Buffer[]): { headers: Header[]; body: Buffer; bodyField: string | null } {
  let bodyAt = -1;
  let bodyRank = BODY_FIELDS.length;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const rank = BODY_FIELDS.indexOf(pairs[i]!.toString('utf8').toLowerCase());
    if (rank !== -1 && rank < bodyRank) {
      bodyRank = rank;
      bodyAt = i;
    }
  }
  const headers: Header[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) if (i !== bodyAt) headers.push(header(pairs[i]!, pairs[i + 1]!));
  if (bodyAt !== -1) return { headers, body: pairs[bodyAt + 1]!, bodyField: pairs[bodyAt]!.toString('utf8') };
  const object: Record<string, string> = {};
  for (const h of headers) object[h.name] = h.value!;
  return { headers, body: Buffer.from(JSON.stringify(object)), bodyField: null };
}

export function entryToEnvelope([id, pairs]: StreamEntry, stream: string, previewBytes: number | undefined, rules: readonly EnvelopeRule[]): Envelope {
  const { headers, body } = entryParts(pairs);
  // Field names such as type, id or correlationId, and an event inside the value, are read by the one normaliser.
  const fields = recognise({ headers, value: body }, rules);
  const envelope: Envelope = {
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
  };
  if (fields.event) {
    envelope.rules = fields.rules;
    envelope.event = fields.event;
  } else if (Object.keys(fields.rules).length > 0) envelope.rules = fields.rules;
  return envelope;
}

/** An entry as projections take it; `ordinal` counts entries from where the feed began (stream ids are not numbers). */
export function entryToWire([id, pairs]: StreamEntry, stream: string, ordinal: number, rules: readonly EnvelopeRule[]): WireEvent {
  const { headers, body } = entryParts(pairs);
  const fields = recognise({ headers, value: body }, rules);
  return {
    position: ordinal,
    type: fields.type ?? 'unknown',
    data: wireData(body),
    metadata: JSON.stringify({ streamEntryId: id, ...Object.fromEntries(headers.map((h) => [h.name, h.value])) }),
    streamId: stream,
    version: ordinal,
    timestamp: idTime(id) ?? '',
    id: fields.id ?? id,
  };
}

export { afterId, compareIds } from '../../model/stream-ids';
