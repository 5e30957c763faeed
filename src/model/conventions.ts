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
  type: [...ce('type'), 'event-type', 'eventtype', 'type', '__typeid__'],
  correlationId: [...ce('correlationid'), 'correlation-id', 'correlationid', 'correlation_id', 'x-correlation-id', '$correlationid', 'nservicebus.conversationid'],
  causationId: [...ce('causationid'), 'causation-id', 'causationid', 'causation_id', '$causationid', 'nservicebus.relatedto'],
};

/** A field's value from the first of `names` a record carries as a text header; null when none does. */
export function headerField(headers: readonly Header[], names: readonly string[]): string | null {
  let best: string | null = null;
  let rank = names.length;
  for (const h of headers) {
    if (h.binary || h.value === null) continue;
    const at = names.indexOf(h.name.toLowerCase());
    if (at !== -1 && at < rank) {
      rank = at;
      best = h.value;
      if (at === 0) break;
    }
  }
  return best;
}

/** Id, type, correlation and causation as the table reads them from a record's headers. */
export function conventionalFields(headers: readonly Header[]): Record<ConventionField, string | null> {
  return {
    id: headerField(headers, HEADER_CONVENTIONS.id),
    type: headerField(headers, HEADER_CONVENTIONS.type),
    correlationId: headerField(headers, HEADER_CONVENTIONS.correlationId),
    causationId: headerField(headers, HEADER_CONVENTIONS.causationId),
  };
}
