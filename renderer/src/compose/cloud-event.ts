import type { HeaderRow } from './MessageFields';

export interface CloudEventForm {
  mode: 'binary' | 'structured';
  id: string;
  type: string;
  source: string;
  subject: string;
}

export interface ComposedParts {
  payload: string;
  headers: HeaderRow[];
  /** AMQP's content type property (RabbitMQ); Kafka says it in a header. */
  contentType: string | null;
}

/**
 * A message made into a CloudEvent 1.0 per the protocol binding of where it goes: Kafka headers
 * `ce_*` (binary) or one JSON object with `content-type: application/cloudevents+json`
 * (structured); AMQP application properties `cloudEvents:*` and the content type property. The
 * headers it sets replace any of the same name; the JSON payload becomes `data`.
 */
/** The data of a structured CloudEvent the composer made before; any other payload as it is. */
function dataOf(payload: string): string {
  try {
    const v = JSON.parse(payload) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v) && (v as Record<string, unknown>)['specversion'] === '1.0' && 'data' in v)
      return JSON.stringify((v as Record<string, unknown>)['data'], null, 2);
  } catch {
    /* not JSON: as it is */
  }
  return payload;
}

export function asCloudEvent(
  form: CloudEventForm,
  payload: string,
  headers: HeaderRow[],
  binding: 'kafka' | 'amqp',
  time = new Date(),
  dataContentType: string | null = 'application/json',
): ComposedParts {
  const attributes: [string, string][] = [
    ['specversion', '1.0'],
    ['id', form.id],
    ['type', form.type],
    ['source', form.source],
    ...(form.subject.trim() ? ([['subject', form.subject]] as [string, string][]) : []),
    ['time', time.toISOString()],
  ];
  // Made a CloudEvent again (another mode, other attributes): start from the data, not the old event.
  payload = dataOf(payload);
  const prefix = binding === 'kafka' ? 'ce_' : 'cloudEvents:';
  const isCe = (name: string) => name.toLowerCase().startsWith(prefix.toLowerCase()) || name.toLowerCase() === 'content-type';
  const kept = headers.filter((h) => !isCe(h.name));
  if (form.mode === 'binary') {
    const ce: HeaderRow[] = attributes.map(([name, value]) => ({ name: `${prefix}${name}`, type: 'string', value }));
    // A value the registry encodes is not JSON on the wire: no content type is claimed for it.
    const ct: HeaderRow[] = dataContentType ? [{ name: 'content-type', type: 'string', value: dataContentType }] : [];
    return binding === 'kafka' ? { payload, headers: [...ce, ...ct, ...kept], contentType: null } : { payload, headers: [...ce, ...kept], contentType: dataContentType };
  }
  const data: unknown = JSON.parse(payload);
  const event = { ...Object.fromEntries(attributes), datacontenttype: 'application/json', data };
  const text = JSON.stringify(event, null, 2);
  return binding === 'kafka'
    ? { payload: text, headers: [{ name: 'content-type', type: 'string', value: 'application/cloudevents+json; charset=utf-8' }, ...kept], contentType: null }
    : { payload: text, headers: kept, contentType: 'application/cloudevents+json; charset=utf-8' };
}
