import type { BatchEvent, EventMeta, Header } from './envelope';
import { findHeader, headerField, headerRule, HEADER_CONVENTIONS, lowerNames, type ConventionField, type FieldRules } from './conventions';
import { nserviceBusTime, payloadTime, rfc3339 } from './event-times';
import { applyEnvelopeRules, mappedMeta, type EnvelopeRule } from './envelope-mapping';

/**
 * The record normaliser: what a record carries (headers, AMQP properties, key, value bytes) turned
 * into the event it is, by one fixed order of rules, each field keeping the rule that gave it:
 *   1. CloudEvents 1.0 binary mode: `specversion` among prefixed headers (Kafka `ce_`, AMQP
 *      `cloudEvents:`/`cloudEvents_`, Knative's `ce-`); `content-type` is datacontenttype, a Kafka key
 *      the partitionkey;
 *   2. CloudEvents structured mode: a content type of `application/cloudevents+json` (parameters
 *      allowed), the event's attributes in the JSON value; a batch says how many events it holds;
 *   3. AMQP properties (message_id, correlation_id, type, app_id, timestamp, content_type);
 *   4. the header table (model/conventions.ts): teams' spellings, NServiceBus, EventStoreDB metadata;
 *   5. an envelope hand-rolled in a JSON value ({eventId|id, eventType|type, timestamp|occurredAt,
 *      source, correlationId, causationId, data|payload}, camelCase or snake_case, EventStoreDB's
 *      `metadata.$correlationId`);
 *   6. Spring's `__TypeId__`: the payload's Java class, the type only when nothing else names one.
 */
export interface RawRecord {
  headers: readonly Header[];
  /** AMQP basic properties by their AMQP names (content_type, message_id, …). */
  properties?: readonly Header[];
  /** A Kafka key as text: CloudEvents' partitionkey when the event names none. */
  key?: string | null;
  value: Uint8Array | null;
}

export interface Recognised {
  id: string | null;
  type: string | null;
  correlationId: string | null;
  causationId: string | null;
  /** What else the event says about itself; null when no rule found an event. */
  event: EventMeta | null;
  rules: FieldRules;
}

/** A JSON value larger than this is not parsed for its envelope (a structured event says so). */
export const ENVELOPE_PARSE_MAX = 4 * 1024 * 1024;

const utf8 = new TextDecoder();

const CE_PREFIXES = ['ce_', 'cloudevents:', 'cloudevents_', 'ce-'] as const;
/** `<prefix>specversion` in each binding's spelling, to its prefix. */
const CE_SPECVERSION = new Map<string, (typeof CE_PREFIXES)[number]>(CE_PREFIXES.map((p) => [`${p}specversion`, p]));
const CE_CORE = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data', 'data_base64']);
/** Extensions that map onto envelope fields (the correlation, distributed-tracing, sequence and partitioning extensions). */
const CE_MAPPED = new Set(['correlationid', 'causationid', 'traceparent', 'tracestate', 'sequence', 'partitionkey']);

const text = (h: Header | undefined): string | null => (h && !h.binary && h.value !== null ? h.value : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);

export function recognise(record: RawRecord, mapping: readonly EnvelopeRule[] = []): Recognised {
  const built = cloudEventsBinary(record) ?? cloudEventsStructured(record) ?? conventional(record);
  return mapping.length === 0 ? built : withMapping(built, record, mapping);
}

/** The connection's own rules win over the built-in ones, field by field; the rest stay as the built-in rules read them. */
function withMapping(built: Recognised, record: RawRecord, mapping: readonly EnvelopeRule[]): Recognised {
  const m = applyEnvelopeRules(mapping, {
    headers: record.headers,
    ...(record.properties ? { properties: record.properties } : {}),
    json: () => {
      if (!record.value || record.value.length > ENVELOPE_PARSE_MAX) return undefined;
      try {
        return JSON.parse(utf8.decode(record.value)) as unknown;
      } catch {
        return undefined;
      }
    },
  });
  if (Object.keys(m.rules).length === 0) return built;
  const event = built.event ?? (m.source !== undefined || m.subject !== undefined || m.time !== undefined ? mappedMeta(m) : null);
  return {
    id: m.id ?? built.id,
    type: m.type ?? built.type,
    correlationId: m.correlationId ?? built.correlationId,
    causationId: m.causationId ?? built.causationId,
    event: event && { ...event, source: m.source ?? event.source, subject: m.subject ?? event.subject, time: m.time?.iso ?? event.time, timeText: m.time?.text ?? event.timeText },
    rules: { ...built.rules, ...m.rules },
  };
}

function cloudEventsBinary(record: RawRecord): Recognised | null {
  let prefix: string | null = null;
  const lower = lowerNames(record.headers);
  for (const name of lower) {
    const p = CE_SPECVERSION.get(name);
    if (p) {
      prefix = p;
      break;
    }
  }
  if (prefix === null) return null;
  const attributes = new Map<string, Header>();
  for (const [i, h] of record.headers.entries()) {
    const name = lower[i]!;
    if (name.startsWith(prefix) && !attributes.has(name.slice(prefix.length))) attributes.set(name.slice(prefix.length), h);
  }
  const rules: FieldRules = {
    format: `${prefix === 'ce_' ? 'Kafka header' : prefix === 'ce-' ? 'header' : 'AMQP application property'} ${findHeader(record.headers, `${prefix}specversion`)!.name}`,
  };
  const binding = prefix === 'ce_' ? 'Kafka header' : prefix === 'ce-' ? "header (Knative's ce-)" : 'AMQP application property';
  const rule = (attribute: string) => `CloudEvents, binary mode, ${binding} ${attributes.get(attribute)?.name ?? ''}`;
  const attr = (attribute: string, field?: keyof FieldRules): string | null => {
    const v = text(attributes.get(attribute));
    if (v !== null && field) rules[field] = rule(attribute);
    return v;
  };
  const contentTypeHeader = findHeader(record.headers, 'content-type');
  const contentTypeProperty = record.properties?.find((h) => h.name === 'content_type');
  const contentType = text(contentTypeProperty) ?? text(contentTypeHeader) ?? attr('datacontenttype');
  if (contentType !== null)
    rules.contentType = contentTypeProperty
      ? 'CloudEvents, binary mode, AMQP property content_type'
      : contentTypeHeader
        ? `CloudEvents, binary mode, Kafka header ${contentTypeHeader.name}`
        : rule('datacontenttype');
  const timeHeader = attributes.get('time');
  const time = timeHeader ? eventTime(timeHeader) : null;
  if (time) rules.time = rule('time') + (timeHeader?.type === 'timestamp' ? ' (an AMQP timestamp)' : '');
  const extensions: Header[] = [];
  for (const [name, h] of attributes) if (!CE_CORE.has(name) && !CE_MAPPED.has(name)) extensions.push({ name, value: h.value, ...(h.binary ? { binary: true } : {}) });
  return cloudEvent(record, { mode: 'binary', attr, rules, time, contentType, extensions, claim: 'specversion is set' });
}

/** What a CloudEvent reads alike in both modes, given how its attributes are read (headers or JSON). */
interface CloudEventParts {
  mode: 'binary' | 'structured';
  attr(name: string, field?: keyof FieldRules): string | null;
  rules: FieldRules;
  time: { iso: string; text: string } | null;
  contentType: string | null;
  extensions: Header[];
  /** Why it claims to be a CloudEvent, for the words when its id is missing. */
  claim: string;
}

function cloudEvent(record: RawRecord, p: CloudEventParts): Recognised {
  const { attr, rules } = p;
  let partitionKey = attr('partitionkey', 'partitionKey');
  if (partitionKey === null && record.key) {
    partitionKey = record.key;
    rules.partitionKey = `CloudEvents, ${p.mode} mode, the Kafka key`;
  }
  const id = attr('id', 'id');
  const event: EventMeta = {
    format: `CloudEvents 1.0, ${p.mode} mode`,
    specVersion: attr('specversion'),
    source: attr('source', 'source'),
    subject: attr('subject', 'subject'),
    time: p.time?.iso ?? null,
    timeText: p.time?.text ?? null,
    contentType: p.contentType,
    dataSchema: attr('dataschema', 'dataSchema'),
    traceparent: attr('traceparent', 'traceparent'),
    tracestate: attr('tracestate'),
    sequence: attr('sequence', 'sequence'),
    partitionKey,
    javaClass: javaClass(record.headers),
    extensions: p.extensions,
    problem: id === null ? `It claims to be a CloudEvent (${p.claim}) but has no id, which the spec requires.` : null,
  };
  return { id, type: attr('type', 'type'), correlationId: attr('correlationid', 'correlationId'), causationId: attr('causationid', 'causationId'), event, rules };
}

function eventTime(h: Header): { iso: string; text: string } | null {
  if (h.value === null || h.binary) return null;
  // An AMQP timestamp arrives as an ISO time already (amqp-values.ts); a string is RFC 3339 with any offset.
  const iso = rfc3339(h.value);
  return iso === null ? null : { iso, text: h.value };
}

function contentTypeOf(record: RawRecord): { value: string; rule: string } | null {
  const property = text(record.properties?.find((h) => h.name === 'content_type'));
  if (property !== null) return { value: property, rule: 'AMQP property content_type' };
  const header = findHeader(record.headers, 'content-type') ?? findHeader(record.headers, 'contenttype');
  const v = text(header);
  return v !== null && header ? { value: v, rule: `header ${header.name}` } : null;
}

const mediaType = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

function parseJson(value: Uint8Array | null): { ok: true; json: unknown } | { ok: false; why: string } {
  if (value === null || value.length === 0) return { ok: false, why: 'its value is empty' };
  if (value.length > ENVELOPE_PARSE_MAX) return { ok: false, why: `its value is over ${ENVELOPE_PARSE_MAX / 1024 / 1024} MB, too large to read its attributes from` };
  try {
    return { ok: true, json: JSON.parse(utf8.decode(value)) };
  } catch {
    return { ok: false, why: 'its value is not JSON' };
  }
}

function cloudEventsStructured(record: RawRecord): Recognised | null {
  const ct = contentTypeOf(record);
  if (!ct) return null;
  const media = mediaType(ct.value);
  if (media !== 'application/cloudevents+json' && media !== 'application/cloudevents-batch+json') return null;
  const parsed = parseJson(record.value);
  const base = { id: null, type: null, correlationId: null, causationId: null, rules: {} };
  const empty = (format: string, problem: string): Recognised => ({ ...base, event: { ...blankMeta(format, record), contentType: ct.value, problem } });
  if (media === 'application/cloudevents-batch+json') {
    if (!parsed.ok || !Array.isArray(parsed.json))
      return empty('CloudEvents 1.0, batch', `Its content type says a batch of CloudEvents, but ${parsed.ok ? 'its value is not a JSON array' : parsed.why}.`);
    const events = parsed.json.filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x));
    const types = [...new Set(events.map((x) => str(x['type'])).filter((x): x is string => x !== null))];
    return {
      ...base,
      type: types.length === 1 ? types[0]! : null,
      rules: types.length === 1 ? { type: 'CloudEvents, batch: the type every event in it has' } : {},
      event: { ...blankMeta(`CloudEvents 1.0, batch of ${events.length} events`, record), contentType: ct.value, batch: events.slice(0, BATCH_SHOWN).map(batchEvent) },
    };
  }
  if (!parsed.ok) return empty('CloudEvents 1.0, structured mode', `Its content type says a CloudEvent, but ${parsed.why}.`);
  const o = parsed.json;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return empty('CloudEvents 1.0, structured mode', 'Its content type says a CloudEvent, but its value is not a JSON object.');
  const attrs = o as Record<string, unknown>;
  const rules: FieldRules = {};
  const rule = (name: string) => `CloudEvents, structured mode, attribute ${name}`;
  rules.format = `${ct.rule}: ${mediaType(ct.value)}`;
  const attr = (name: string, field?: keyof FieldRules): string | null => {
    const v = str(attrs[name]);
    if (v !== null && field) rules[field] = rule(name);
    return v;
  };
  const timeText = attr('time');
  const timeIso = timeText === null ? null : rfc3339(timeText);
  if (timeIso) rules.time = rule('time');
  const extensions: Header[] = [];
  for (const [name, v] of Object.entries(attrs)) if (!CE_CORE.has(name) && !CE_MAPPED.has(name)) extensions.push({ name, value: typeof v === 'string' ? v : JSON.stringify(v) });
  const contentType = attr('datacontenttype', 'contentType');
  const time = timeIso === null || timeText === null ? null : { iso: timeIso, text: timeText };
  return cloudEvent(record, { mode: 'structured', attr, rules, time, contentType, extensions, claim: 'its content type says so' });
}

/** A batch lists this many of its events; its format line says how many it holds. */
const BATCH_SHOWN = 1_000;
const BATCH_DATA_CHARS = 4_096;

function batchEvent(x: Record<string, unknown>): BatchEvent {
  const timeText = str(x['time']);
  const data = x['data'] !== undefined ? JSON.stringify(x['data']) : str(x['data_base64']);
  return {
    id: str(x['id']),
    type: str(x['type']),
    source: str(x['source']),
    subject: str(x['subject']),
    time: timeText === null ? null : rfc3339(timeText),
    timeText,
    data: data === null || data === undefined ? null : data.length > BATCH_DATA_CHARS ? `${data.slice(0, BATCH_DATA_CHARS)}…` : data,
  };
}

function blankMeta(format: string, record: RawRecord): EventMeta {
  return {
    format,
    specVersion: null,
    source: null,
    subject: null,
    time: null,
    timeText: null,
    contentType: null,
    dataSchema: null,
    traceparent: null,
    tracestate: null,
    sequence: null,
    partitionKey: null,
    javaClass: javaClass(record.headers),
    extensions: [],
    problem: null,
  };
}

const SPRING_TYPE = '__typeid__';
/** The header table without Spring's class header, which is rule 6 of its own (made once: this runs on every record a search scans). */
const withoutSpring = (names: readonly string[]) => names.filter((n) => n !== SPRING_TYPE);
const NAMING_HEADERS: Record<ConventionField, readonly string[]> = {
  id: withoutSpring(HEADER_CONVENTIONS.id),
  type: withoutSpring(HEADER_CONVENTIONS.type),
  correlationId: withoutSpring(HEADER_CONVENTIONS.correlationId),
  causationId: withoutSpring(HEADER_CONVENTIONS.causationId),
};
const javaClass = (headers: readonly Header[]): string | null => text(findHeader(headers, SPRING_TYPE));

/** The keys a hand-rolled envelope uses, in the order they are tried. */
const PAYLOAD_KEYS: Record<'id' | 'type' | 'time' | 'source' | 'correlationId' | 'causationId' | 'version', readonly string[]> = {
  id: ['eventId', 'event_id', 'id'],
  type: ['eventType', 'event_type', 'type'],
  time: ['timestamp', 'occurredAt', 'occurred_at', 'time'],
  source: ['source'],
  correlationId: ['correlationId', 'correlation_id'],
  causationId: ['causationId', 'causation_id'],
  version: ['version', 'eventVersion', 'event_version'],
};
const DATA_KEYS = ['data', 'payload'];
const ENVELOPE_HINT = /"(eventType|event_type|type)"/;

/** Rules 3 to 6: AMQP properties, the header table, an envelope in the value, Spring's class. */
const CONVENTION_FIELDS: readonly ConventionField[] = ['id', 'type', 'correlationId', 'causationId'];
const FROM_PROPERTY: Partial<Record<ConventionField, string>> = { id: 'message_id', type: 'type', correlationId: 'correlation_id' };
const NO_HEADERS: readonly Header[] = [];

/** A header's rule in words, made once per header name (records of one source repeat the same few). */
const ruleWords = new Map<string, string>();
function cachedHeaderRule(name: string): string {
  let words = ruleWords.get(name);
  if (words === undefined) {
    words = headerRule(name);
    if (ruleWords.size < 10_000) ruleWords.set(name, words);
  }
  return words;
}

function conventional(record: RawRecord): Recognised {
  const rules: FieldRules = {};
  const fields: Record<ConventionField, string | null> = { id: null, type: null, correlationId: null, causationId: null };
  const properties = record.properties ?? NO_HEADERS;
  let found = false;
  for (const field of CONVENTION_FIELDS) {
    const property = FROM_PROPERTY[field];
    const p = property && properties.length > 0 ? text(properties.find((h) => h.name === property)) : null;
    if (p !== null) {
      fields[field] = p;
      rules[field] = `AMQP property ${property}`;
      found = true;
      continue;
    }
    const hit = headerField(record.headers, NAMING_HEADERS[field]);
    if (hit) {
      fields[field] = field === 'type' && hit.header.toLowerCase() === 'nservicebus.enclosedmessagetypes' ? enclosedType(hit.value) : hit.value;
      rules[field] = cachedHeaderRule(hit.header);
      found = true;
    }
  }
  const meta = blankMeta('', record);
  const appId = text(properties.find((h) => h.name === 'app_id'));
  if (appId !== null) {
    meta.source = appId;
    rules.source = 'AMQP property app_id';
  }
  const timeSent = findHeader(record.headers, 'nservicebus.timesent');
  const nsbTime = text(timeSent) === null ? null : nserviceBusTime(text(timeSent)!);
  if (nsbTime && timeSent) {
    meta.time = nsbTime;
    meta.timeText = timeSent.value;
    rules.time = `${cachedHeaderRule(timeSent.name)}, its own time format`;
  }
  const ct = contentTypeOf(record);
  if (ct) meta.contentType = ct.value;
  const traceparent = headerField(record.headers, ['traceparent']);
  if (traceparent) {
    meta.traceparent = traceparent.value;
    rules.traceparent = cachedHeaderRule(traceparent.header);
  }
  const inPayload = payloadEnvelope(record.value, fields, meta, rules);
  found ||= inPayload;
  if (fields.type === null && meta.javaClass !== null) {
    fields.type = meta.javaClass;
    rules.type = headerRule(findHeader(record.headers, SPRING_TYPE)!.name);
  }
  // A W3C traceparent alone (what an OpenTelemetry-instrumented producer adds) is an event's trace: it counts.
  const any = found || meta.javaClass !== null || meta.source !== null || meta.time !== null || meta.traceparent !== null;
  if (any) meta.format = inPayload ? 'an envelope in the payload' : headerFormat(record, rules);
  return { id: fields.id, type: fields.type, correlationId: fields.correlationId, causationId: fields.causationId, rules, event: any ? meta : null };
}

function headerFormat(record: RawRecord, rules: FieldRules): string {
  if (lowerNames(record.headers).some((n) => n.startsWith('nservicebus.'))) return 'NServiceBus headers';
  for (const field in rules) if (rules[field as keyof FieldRules]?.startsWith('AMQP property')) return 'AMQP properties';
  return 'headers';
}

/** `Sales.Messages.OrderPlaced, Sales.Messages, Version=1.0.0.0, …;Other.Type, …`: the first type's full name. */
const enclosedType = (value: string) => value.split(';')[0]!.split(',')[0]!.trim();

/** Rule 5: a JSON object value with an id and a type of its own fills what headers left empty. */
function payloadEnvelope(value: Uint8Array | null, fields: Record<ConventionField, string | null>, meta: EventMeta, rules: FieldRules): boolean {
  if (value === null || value.length < 2 || value.length > ENVELOPE_PARSE_MAX || firstByte(value) !== 0x7b) return false;
  // Searches run this on every record: parse only what names a type and carries data.
  const body = utf8.decode(value);
  if (!ENVELOPE_HINT.test(body) || !(body.includes('"data"') || body.includes('"payload"'))) return false;
  let o: Record<string, unknown>;
  try {
    const json: unknown = JSON.parse(body);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
    o = json as Record<string, unknown>;
  } catch {
    return false;
  }
  const pick = (keys: readonly string[]) => {
    for (const k of keys) {
      const v = str(o[k]);
      if (v !== null) return { key: k, value: v };
    }
    return null;
  };
  const id = pick(PAYLOAD_KEYS.id);
  const type = pick(PAYLOAD_KEYS.type);
  // An id and a type together, beside the data, make an envelope; a plain object with an `id` does not.
  if (!id || !type || !DATA_KEYS.some((k) => k in o)) return false;
  const rule = (key: string) => `payload field ${key} (an envelope in the payload)`;
  const fill = (field: ConventionField, found: { key: string; value: string } | null) => {
    if (found && fields[field] === null) {
      fields[field] = found.value;
      rules[field] = rule(found.key);
    }
  };
  fill('id', id);
  fill('type', type);
  fill('correlationId', pick(PAYLOAD_KEYS.correlationId));
  fill('causationId', pick(PAYLOAD_KEYS.causationId));
  // EventStoreDB's event items carry correlation and causation in their metadata.
  const metadata = o['metadata'];
  if (metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const m = metadata as Record<string, unknown>;
    for (const [field, key] of [
      ['correlationId', '$correlationId'],
      ['causationId', '$causationId'],
    ] as const) {
      const v = str(m[key]);
      if (v !== null && fields[field] === null) {
        fields[field] = v;
        rules[field] = `payload field metadata.${key} (EventStoreDB metadata)`;
      }
    }
  }
  const source = pick(PAYLOAD_KEYS.source);
  if (source && meta.source === null) {
    meta.source = source.value;
    rules.source = rule(source.key);
  }
  const time = pick(PAYLOAD_KEYS.time);
  const iso = time ? payloadTime(time.value) : null;
  if (time && iso && meta.time === null) {
    meta.time = iso;
    meta.timeText = time.value;
    rules.time = rule(time.key);
  }
  const version = pick(PAYLOAD_KEYS.version);
  if (version) meta.extensions.push({ name: version.key, value: version.value });
  return true;
}

function firstByte(value: Uint8Array): number {
  for (const b of value) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return -1;
}
