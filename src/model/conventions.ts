import type { Header } from './envelope';

/**
 * The one table of header names an envelope's fields are read from, for every source and every
 * view (record table, search filter, projections): first the CloudEvents bindings (Kafka `ce_`,
 * AMQP `cloudEvents:` and `cloudEvents_`, Knative's `ce-`), then the spellings frameworks and
 * teams use, then NServiceBus and EventStoreDB metadata. Names are matched without regard to case,
 * and the first name of a list that a record carries wins, wherever it sits among its headers.
 * Spring's `__TypeId__` names the payload's Java class: it is the type only when nothing else is.
 */
export type ConventionField = 'id' | 'type' | 'correlationId' | 'causationId';

const ce = (attribute: string) => [`ce_${attribute}`, `cloudevents:${attribute}`, `cloudevents_${attribute}`, `ce-${attribute}`];

export const HEADER_CONVENTIONS: Record<ConventionField, readonly string[]> = {
  id: [...ce('id'), 'message-id', 'messageid', 'message_id', 'event-id', 'eventid', 'id', 'nservicebus.messageid'],
  type: [...ce('type'), 'event-type', 'eventtype', 'type', 'nservicebus.enclosedmessagetypes', '__typeid__'],
  correlationId: [...ce('correlationid'), 'correlation-id', 'correlationid', 'correlation_id', 'x-correlation-id', '$correlationid', 'nservicebus.conversationid'],
  causationId: [...ce('causationid'), 'causation-id', 'causationid', 'causation_id', '$causationid', 'nservicebus.relatedto'],
};

/** Whose convention a header name is, as the detail pane says it. */
function whose(name: string): string | null {
  if (/^(ce_|ce-|cloudevents:|cloudevents_)/.test(name)) return 'CloudEvents';
  if (name === '__typeid__') return "Spring: the payload's Java class";
  if (name.startsWith('nservicebus.')) return 'NServiceBus';
  if (name.startsWith('$')) return 'EventStoreDB metadata';
  return null;
}

let lastHeaders: readonly Header[] | null = null;
let lastNames: string[] = [];

/**
 * The headers' names in lower case, made once per record: the normaliser asks for them a dozen
 * times, on every record a read or a search converts. One record at a time is converted, so the
 * last one's are kept (a WeakMap per record cost more than the lowering it saved).
 */
export function lowerNames(headers: readonly Header[]): string[] {
  if (headers !== lastHeaders || lastNames.length !== headers.length) {
    lastNames = headers.map((h) => h.name.toLowerCase());
    lastHeaders = headers;
  }
  return lastNames;
}

/** The first header whose name is `lowerName` in any case. */
export function findHeader(headers: readonly Header[], lowerName: string): Header | undefined {
  const i = lowerNames(headers).indexOf(lowerName);
  return i === -1 ? undefined : headers[i];
}

/** A field's value from the first of `names` a record carries as a text header, and which header that was. */
export function headerField(headers: readonly Header[], names: readonly string[]): { value: string; header: string } | null {
  let best: Header | null = null;
  let rank = names.length;
  const lower = lowerNames(headers);
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    if (h.binary || h.value === null) continue;
    const at = names.indexOf(lower[i]!);
    if (at !== -1 && at < rank) {
      rank = at;
      best = h;
      if (at === 0) break;
    }
  }
  return best === null ? null : { value: best.value as string, header: best.name };
}

/** The envelope's fields a rule can fill: the four above and what an event says about itself. */
export type EnvelopeField = ConventionField | 'format' | 'source' | 'subject' | 'time' | 'contentType' | 'dataSchema' | 'traceparent' | 'sequence' | 'partitionKey';

/** Which rule gave each field its value, in words: `header ce_type (CloudEvents)`, `AMQP property message_id`. */
export type FieldRules = Partial<Record<EnvelopeField, string>>;

export const headerRule = (header: string): string => {
  const who = whose(header.toLowerCase());
  return who ? `header ${header} (${who})` : `header ${header}`;
};
