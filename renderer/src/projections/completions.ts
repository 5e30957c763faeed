import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';

/** What a handler's event argument holds, shown as you type `e.` or `event.`. */
const EVENT_FIELDS: { label: string; detail: string; info: string }[] = [
  { label: 'type', detail: 'string', info: 'Event type, e.g. MoneyDeposited (the Kafka "type" header, the AMQP type property).' },
  { label: 'data', detail: 'any', info: 'The payload: parsed JSON; a string for text; { base64, bytes } for binary.' },
  { label: 'metadata', detail: 'Record<string, any>', info: 'Store metadata, Kafka headers or AMQP headers.' },
  { label: 'position', detail: 'number', info: 'Global position (store) or offset (Kafka, RabbitMQ streams).' },
  { label: 'streamId', detail: 'string', info: 'Store stream id; the record key for Kafka.' },
  { label: 'version', detail: 'number', info: 'Version within the stream (0-based).' },
  { label: 'timestamp', detail: 'string', info: 'ISO 8601 time the event was recorded.' },
  { label: 'id', detail: 'string', info: 'Event or message id, when the source has one.' },
];

const SHAPE: { label: string; detail: string; info: string; apply: string }[] = [
  { label: 'init', detail: '() => State', info: 'The state before any event.', apply: 'init: () => ({}),' },
  { label: 'when', detail: '{ [type]: (state, event, partition) => State }', info: 'One handler per event type.', apply: 'when: {\n    \n  },' },
  { label: 'partitionBy', detail: '(event) => string | string[]', info: 'One state per key, e.g. per account.', apply: 'partitionBy: (e) => e.data.id,' },
  { label: '$any', detail: '(state, event, partition) => State', info: 'Catch-all for types without a handler.', apply: '$any: (s, e) => s,' },
];

export function projectionCompletions(eventTypes: () => string[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const member = ctx.matchBefore(/\b(e|event|evt)\.\w*$/);
    if (member) {
      const dot = member.text.indexOf('.');
      return { from: member.from + dot + 1, options: EVENT_FIELDS.map((f) => ({ ...f, type: 'property' })) };
    }
    const word = ctx.matchBefore(/[\w$]+$/);
    if (!word && !ctx.explicit) return null;
    const from = word ? word.from : ctx.pos;
    const types = eventTypes().map((t) => ({ label: t, type: 'constant', detail: 'event type', apply: `${t}: (s, e) => s,` }));
    return { from, options: [...SHAPE.map((s) => ({ ...s, type: 'keyword' })), ...types], validFor: /^[\w$]*$/ };
  };
}
