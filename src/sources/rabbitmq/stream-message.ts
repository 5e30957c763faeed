import type { EnvelopeRule } from '../../model/envelope-mapping';
import { decodeBody, type BodyDecoding } from '../../decoding/decode-body';
import { RewindError } from '../../model/errors';
import type { Envelope, Header } from '../../model/envelope';
import { decodePayload, printableText } from '../../model/payload';
import type { WireEvent } from '../../model/wire';
import { wireData } from '../../model/wire-data';
import { recognise, type Recognised } from '../../model/event-envelope';
import { Amqp10Error, decodeMessage, keyText, timestampText, valueJson, type Amqp10Message, type Amqp10Value } from './stream-amqp10';

/**
 * A stream message read by the stream protocol, shown as the AMQP path shows it, so a stream
 * reads the same whichever way Rewind reached it. RabbitMQ keeps an AMQP 0.9.1 message in a
 * stream as AMQP 1.0 and moves the basic properties 1.0 has no field for into
 * `x-basic-*` entries (type and app id in the application properties; priority, delivery mode
 * and expiration in the message annotations); they are read back under their 0.9.1 names,
 * as RabbitMQ itself does for an AMQP consumer. Fields only AMQP 1.0 has (to, subject, group
 * id, the header's ttl…) and any other message annotation are shown too, under their own names.
 */

const BASIC_IN_APP = new Set(['x-basic-type', 'x-basic-app-id']);
const BASIC_IN_ANNOTATIONS = new Set(['x-basic-priority', 'x-basic-delivery-mode', 'x-basic-expiration']);
/** Where RabbitMQ records the exchange and routing key a message came through. */
const ROUTING_ANNOTATIONS = new Set(['x-exchange', 'x-routing-key', 'x-routing-keys']);

const PROPERTY_FIELDS = [
  'message_id',
  'user_id',
  'to',
  'subject',
  'reply_to',
  'correlation_id',
  'content_type',
  'content_encoding',
  'absolute_expiry_time',
  'creation_time',
  'group_id',
  'group_sequence',
  'reply_to_group_id',
] as const;
const HEADER_FIELDS = ['durable', 'priority', 'ttl', 'first_acquirer', 'delivery_count'] as const;

/** The decoded parts of a message the envelope and the wire event both need. */
export interface StreamMessageView {
  message: Amqp10Message;
  properties: Header[];
  headers: Header[];
  /** AMQP 1.0's own subject: the type when nothing the normaliser reads names one. */
  subject: string | null;
  routingKey: string | null;
  /** The message's own time (creation time, else a `timestamp_in_ms` header), or null. */
  time: string | null;
}

function fields<T extends readonly string[]>(names: T, list: Amqp10Value[] | null): Partial<Record<T[number], Amqp10Value>> {
  const out: Partial<Record<T[number], Amqp10Value>> = {};
  if (!list) return out;
  for (let i = 0; i < list.length && i < names.length; i++) {
    const v = list[i]!;
    if (v.t !== 'null') out[names[i] as T[number]] = v;
  }
  return out;
}

/** A map's entries by their text keys, in order (a few per message: a list beats a Map here). */
function entries(map: [Amqp10Value, Amqp10Value][] | null): [string, Amqp10Value][] {
  const out: [string, Amqp10Value][] = [];
  if (map) for (const [k, v] of map) out.push([keyText(k), v]);
  return out;
}

function lookup(list: [string, Amqp10Value][], name: string): Amqp10Value | undefined {
  for (const [k, v] of list) if (k === name) return v;
  return undefined;
}

/** A message or correlation id as AMQP 0.9.1 consumers get it from RabbitMQ (ulong as digits, binary as base64). */
function idText(v: Amqp10Value | undefined): string | null {
  if (!v) return null;
  if (v.t === 'string' || v.t === 'symbol' || v.t === 'uuid') return v.v;
  if (v.t === 'ulong') return v.v.toString();
  if (v.t === 'binary') return v.v.toString('base64');
  return JSON.stringify(valueJson(v));
}

/** One value in the header vocabulary of the AMQP path (integer, float, timestamp, bytes…). */
export function amqp10Header(name: string, v: Amqp10Value): Header {
  switch (v.t) {
    case 'null':
      return { name, value: null, type: 'void' };
    case 'string':
      return { name, value: v.v, type: 'string' };
    case 'symbol':
      return { name, value: v.v, type: 'symbol' };
    case 'boolean':
      return { name, value: String(v.v), type: 'boolean' };
    case 'byte':
    case 'short':
    case 'int':
    case 'ubyte':
    case 'ushort':
    case 'uint':
    case 'long':
    case 'ulong':
      return { name, value: String(v.v), type: 'integer' };
    case 'float':
    case 'double':
      return { name, value: String(v.v), type: 'float' };
    case 'timestamp':
      return { name, value: timestampText(v.v), type: 'timestamp' };
    case 'uuid':
      return { name, value: v.v, type: 'uuid' };
    case 'char':
      return { name, value: String.fromCodePoint(v.v), type: 'char' };
    case 'binary': {
      const text = printableText(v.v);
      return text === null ? { name, value: v.v.toString('base64'), binary: true, type: 'bytes' } : { name, value: text, type: 'bytes' };
    }
    case 'decimal32':
    case 'decimal64':
    case 'decimal128':
      return { name, value: v.v.toString('hex'), binary: true, type: v.t };
    case 'list':
    case 'array':
      return { name, value: JSON.stringify(valueJson(v)), type: 'array' };
    case 'map':
      return { name, value: JSON.stringify(valueJson(v)), type: 'table' };
    case 'described':
      return { name, value: JSON.stringify(valueJson(v)), type: 'described' };
  }
}

const text = (v: Amqp10Value | undefined): string | null => (v === undefined ? null : v.t === 'string' || v.t === 'symbol' ? v.v : amqp10Header('', v).value);

export function viewStreamMessage(bytes: Buffer): StreamMessageView {
  const message = decodeMessage(bytes);
  const p = fields(PROPERTY_FIELDS, message.properties);
  const h = fields(HEADER_FIELDS, message.header);
  const app = entries(message.applicationProperties);
  const annotations = entries(message.messageAnnotations);
  const properties: Header[] = [];
  const add = (name: string, value: string | null, type: string) => {
    if (value !== null) properties.push({ name, value, type });
  };
  // The AMQP 0.9.1 basic properties first, in the order the AMQP path lists them.
  add('content_type', text(p.content_type), 'shortstr');
  add('content_encoding', text(p.content_encoding), 'shortstr');
  const deliveryMode = lookup(annotations, 'x-basic-delivery-mode');
  add('delivery_mode', deliveryMode ? text(deliveryMode) : h.durable?.t === 'boolean' ? (h.durable.v ? '2' : '1') : null, 'octet');
  add('priority', text(lookup(annotations, 'x-basic-priority') ?? h.priority), 'octet');
  add('correlation_id', idText(p.correlation_id), 'shortstr');
  add('reply_to', text(p.reply_to), 'shortstr');
  add('expiration', text(lookup(annotations, 'x-basic-expiration')), 'shortstr');
  add('message_id', idText(p.message_id), 'shortstr');
  add('timestamp', p.creation_time?.t === 'timestamp' ? timestampText(p.creation_time.v) : null, 'timestamp');
  add('type', text(lookup(app, 'x-basic-type')), 'shortstr');
  add('user_id', p.user_id?.t === 'binary' ? (printableText(p.user_id.v) ?? p.user_id.v.toString('base64')) : text(p.user_id), 'shortstr');
  add('app_id', text(lookup(app, 'x-basic-app-id')), 'shortstr');
  // What only AMQP 1.0 carries, under its own name.
  for (const name of ['to', 'subject', 'absolute_expiry_time', 'group_id', 'group_sequence', 'reply_to_group_id'] as const) {
    const v = p[name];
    if (v) properties.push(amqp10Header(name, v));
  }
  for (const name of ['ttl', 'first_acquirer', 'delivery_count'] as const) {
    const v = h[name];
    if (v) properties.push(amqp10Header(name, v));
  }
  for (const [name, v] of annotations) if (!BASIC_IN_ANNOTATIONS.has(name) && !ROUTING_ANNOTATIONS.has(name)) properties.push(amqp10Header(name, v));
  if (message.bodyKind === 'value' || message.bodyKind === 'sequence') properties.push({ name: 'body_section', value: message.bodyKind === 'value' ? 'amqp-value' : 'amqp-sequence', type: 'symbol' });

  const headers: Header[] = [];
  for (const [name, v] of app) if (!BASIC_IN_APP.has(name)) headers.push(amqp10Header(name, v));

  const routing = lookup(annotations, 'x-routing-key') ?? lookup(annotations, 'x-routing-keys');
  const ms = lookup(app, 'timestamp_in_ms');
  const time =
    p.creation_time?.t === 'timestamp'
      ? timestampText(p.creation_time.v)
      : ms && (ms.t === 'long' || ms.t === 'ulong' || ms.t === 'int' || ms.t === 'uint')
        ? timestampText(BigInt(ms.v))
        : ms && (ms.t === 'double' || ms.t === 'float') && Number.isFinite(ms.v)
          ? new Date(ms.v).toISOString()
          : null;
  return {
    message,
    properties,
    headers,
    subject: text(p.subject),
    routingKey: routing ? (routing.t === 'array' || routing.t === 'list' ? (text(routing.v[0]) ?? null) : text(routing)) : null,
    time,
  };
}

/** The message at `offset`, or a refusal that names it: anyone who may publish to the stream wrote these bytes. */
function viewAt(queue: string, offset: bigint, bytes: Buffer): StreamMessageView {
  try {
    return viewStreamMessage(bytes);
  } catch (e) {
    if (!(e instanceof Amqp10Error)) throw e;
    throw new RewindError('damaged', `The message at offset ${offset} of ${queue} cannot be read (${e.message})`, `Read from offset ${offset + 1n} to go past it.`);
  }
}

/** A chunk's time as text, made once per chunk rather than once per message. */
let lastChunkTime = Number.NaN;
let lastChunkText = '';
function chunkTimeText(ms: number): string {
  if (ms !== lastChunkTime) {
    lastChunkTime = ms;
    lastChunkText = new Date(ms).toISOString();
  }
  return lastChunkText;
}

/** The body's bytes; a structured amqp-value or amqp-sequence body as its JSON. */
function bodyBytes(m: Amqp10Message): Buffer {
  return m.bodyValue ? Buffer.from(JSON.stringify(valueJson(m.bodyValue)), 'utf8') : m.body;
}

/**
 * One stream record as an envelope. `chunkTime` (ms) is when the broker wrote its chunk: the
 * record's time when the message carries none of its own.
 */
export function streamRecordToEnvelope(queue: string, offset: bigint, chunkTime: number, bytes: Buffer, previewBytes?: number, decoding?: BodyDecoding): Envelope {
  const v = viewAt(queue, offset, bytes);
  const body = bodyBytes(v.message);
  const { decoded, value } = decodeBody(decoding, body, contentTypeOfView(v));
  const seen = recogniseView(v, value ?? body, decoding?.chain.envelopeRules);
  return {
    source: 'rabbitmq',
    resource: queue,
    partition: null,
    position: offset.toString(),
    id: seen.id,
    type: seen.type,
    timestamp: v.time ?? chunkTimeText(chunkTime),
    timestampType: null,
    key: v.routingKey ? { kind: 'text', text: v.routingKey, bytes: Buffer.byteLength(v.routingKey), truncated: false } : null,
    headers: v.headers,
    properties: v.properties,
    payload: decodePayload(body, previewBytes),
    correlationId: seen.correlationId,
    causationId: seen.causationId,
    streamId: null,
    streamVersion: null,
    ...(Object.keys(seen.rules).length > 0 ? { rules: seen.rules } : {}),
    ...(seen.event ? { event: seen.event } : {}),
    ...(decoded ? { decoded } : {}),
  };
}

const contentTypeOfView = (v: StreamMessageView): string | null => v.properties.find((h) => h.name === 'content_type')?.value ?? null;

/** The one normaliser over a stream message; AMQP 1.0's own subject names the type when nothing else does. */
function recogniseView(v: StreamMessageView, body: Buffer, mapping: readonly EnvelopeRule[] = []): Recognised {
  const seen = recognise({ headers: v.headers, properties: v.properties, value: body }, mapping);
  if (seen.type === null && v.subject !== null) return { ...seen, type: v.subject, rules: { ...seen.rules, type: 'AMQP 1.0 property subject' } };
  return seen;
}

/** The same record as projections take it, with its whole body. */
export function streamRecordToWire(queue: string, offset: bigint, chunkTime: number, bytes: Buffer, decoding?: BodyDecoding): WireEvent {
  const v = viewAt(queue, offset, bytes);
  const body = bodyBytes(v.message);
  const { decoded, value } = decodeBody(decoding, body, contentTypeOfView(v), true);
  const seen = recogniseView(v, value ?? body, decoding?.chain.envelopeRules);
  const position = Number(offset);
  const kept = new Set(['content_type', 'content_encoding', 'delivery_mode', 'reply_to', 'app_id']);
  const meta = [...v.headers, ...v.properties.filter((h) => kept.has(h.name))];
  return {
    position,
    type: seen.type ?? 'unknown',
    data: decoded?.text ?? wireData(body),
    metadata: JSON.stringify(Object.fromEntries(meta.map((h) => [h.name, h.value]))),
    streamId: v.routingKey || queue,
    version: position,
    timestamp: v.time ?? chunkTimeText(chunkTime),
    id: seen.id ?? '',
  };
}
