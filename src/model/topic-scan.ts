import { z } from 'zod';
import { Envelope } from './envelope';

const Offset = z.string().regex(/^\d+$/, 'An offset is a whole number.');
/** partition -> offset, both as decimal strings (offsets are 64-bit). */
export const Positions = z.record(z.string().regex(/^\d+$/, 'A partition is a whole number.'), Offset);
export type Positions = z.infer<typeof Positions>;

/**
 * What a record must match; every condition given must hold. Text conditions read the bytes as
 * UTF-8. `predicate` is JavaScript run in the projection sandbox: `(r) => r.value.amount > 100`,
 * where r is { key, value, headers, offset, partition, timestamp, type }.
 */
export const RecordFilter = z.object({
  key: z.object({ mode: z.enum(['exact', 'prefix', 'regex']), value: z.string().max(10_000) }).optional(),
  header: z.object({ name: z.string().min(1).max(1_000), value: z.string().max(10_000).optional() }).optional(),
  /** A substring of the value, case-sensitive. */
  value: z.string().min(1).max(10_000).optional(),
  /** Text anywhere in the record: the key, a header's value or the value (a trace's correlation id, wherever the producer put it). */
  anywhere: z.string().min(1).max(10_000).optional(),
  /** The event type as the records table shows it (what the envelope's rules read): an event catalogue's "show only this type". */
  type: z.string().min(1).max(1_000).optional(),
  /** A JSON path condition: $.data.amount > 100 (see json-condition). */
  json: z.string().min(1).max(2_000).optional(),
  predicate: z
    .string()
    .min(1)
    .max(64 * 1024)
    .optional(),
});
export type RecordFilter = z.infer<typeof RecordFilter>;

/** Where a read starts in each partition. */
export const TopicFrom = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }),
  /** The newest records: a page back from the end (a scan: from the end, so only new ones). */
  z.object({ type: z.literal('end') }),
  /** The last N of each partition. */
  z.object({ type: z.literal('last'), perPartition: z.number().int().min(1).max(1_000_000) }),
  /** Each partition's first record at or after this time. */
  z.object({ type: z.literal('time'), value: z.iso.datetime({ offset: true }) }),
  /** An offset per partition (unlisted partitions: their start). */
  z.object({ type: z.literal('offsets'), value: Positions }),
]);
export type TopicFrom = z.infer<typeof TopicFrom>;

const TopicRef = z.object({
  connectionId: z.string().min(1),
  topic: z.string().min(1),
  /** Some partitions only; null: all. */
  partitions: z.array(z.number().int().nonnegative()).nullable().default(null),
  isolation: z.enum(['read_committed', 'read_uncommitted']).default('read_committed'),
});

export const PageRequest = TopicRef.extend({
  from: TopicFrom,
  /** backward: the `limit` records just before `from` (offsets), for Previous. */
  direction: z.enum(['forward', 'backward']).default('forward'),
  limit: z.number().int().min(1).max(10_000),
});
export type PageRequest = z.infer<typeof PageRequest>;

export const PartitionSpan = z.object({ partition: z.number().int(), low: Offset, high: Offset });

export const TopicPage = z.object({
  /** Across partitions in time order (ties: partition, then offset). */
  records: z.array(Envelope),
  /** Per partition, the first offset of this page (Previous reads before these). */
  first: Positions,
  /** Per partition, the offset after this page (Next starts here). */
  next: Positions,
  spans: z.array(PartitionSpan),
  atStart: z.boolean(),
  atEnd: z.boolean(),
  notes: z.array(z.string()),
});
export type TopicPage = z.infer<typeof TopicPage>;

export const ScanRequest = TopicRef.extend({
  from: TopicFrom,
  /** Per partition, where to stop (exclusive); null: each partition's end when the scan starts. */
  to: Positions.nullable().default(null),
  /** Where `to` is null: stop in each partition at its first record at or after this time (offsets for times), not at its end. */
  until: z.iso.datetime({ offset: true }).optional(),
  filter: RecordFilter,
  /** Stop after this many hits; continue from `positions` for more. */
  limit: z.number().int().min(1).max(10_000).default(500),
  /** How many bytes of each hit's value to ship (a trace keeps a small preview); absent: the usual preview. */
  previewBytes: z
    .number()
    .int()
    .min(0)
    .max(64 * 1024)
    .optional(),
});
export type ScanRequest = z.infer<typeof ScanRequest>;

export const PartitionProgress = z.object({ partition: z.number().int(), position: Offset, end: Offset, start: Offset });

export const ScanItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hits'), records: z.array(Envelope) }),
  z.object({ kind: z.literal('progress'), scanned: z.number().int(), hits: z.number().int(), perSecond: z.number(), partitions: z.array(PartitionProgress) }),
]);
export type ScanItem = z.infer<typeof ScanItem>;

export const ScanSummary = z.object({
  scanned: z.number().int(),
  hits: z.number().int(),
  elapsedMs: z.number(),
  /** Where each partition stands: a continued scan starts here. */
  positions: Positions,
  /** Where each partition stops: what a continued scan passes as `to`. */
  ends: Positions,
  /** Every partition reached its end. */
  complete: z.boolean(),
  /** The scan stopped early on an error (a broker gone, a topic deleted); it can be continued. */
  stopped: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
  /** Records the predicate threw on (they count as no match) and the first error. */
  predicateErrors: z.object({ count: z.number().int(), first: z.string() }).nullable(),
  notes: z.array(z.string()),
});
export type ScanSummary = z.infer<typeof ScanSummary>;

export const TailRequest = TopicRef.extend({
  /** Where to start following: each partition's end now, or given offsets. */
  from: z.union([z.object({ type: z.literal('end') }), z.object({ type: z.literal('offsets'), value: Positions })]),
  filter: RecordFilter.default({}),
});
export type TailRequest = z.infer<typeof TailRequest>;

export const TailItem = z.object({ records: z.array(Envelope), positions: Positions });
export type TailItem = z.infer<typeof TailItem>;

export const TopicDetail = z.object({
  topic: z.string(),
  partitions: z.array(z.object({ partition: z.number().int(), leader: z.number().int(), replicas: z.array(z.number().int()), isr: z.array(z.number().int()), low: Offset, high: Offset })),
  /** Every config the broker reports; `isDefault` false marks what was set for this topic or broker. */
  configs: z.array(z.object({ name: z.string(), value: z.string().nullable(), isDefault: z.boolean(), source: z.string(), sensitive: z.boolean(), readOnly: z.boolean() })),
  /** One of Kafka's internal topics (`__consumer_offsets`, `__transaction_state`, any `__` name or one the broker marks): never deleted from Rewind. */
  internal: z.boolean().default(false),
});
export type TopicDetail = z.infer<typeof TopicDetail>;

/** What Kafka keeps in its own topics: why deleting one breaks the cluster. */
const KAFKA_OWN: Record<string, string> = {
  __consumer_offsets: "every consumer group's committed offsets",
  __transaction_state: 'the state of every producer transaction',
  __cluster_metadata: "the cluster's KRaft metadata log",
  __share_group_state: 'the state of every share group',
  __remote_log_metadata: 'the metadata of tiered storage',
};

/**
 * Why a topic's name makes it one of Kafka's own, or null: its internal topics by name, and any
 * name starting with `__` (kept for Kafka's use; all of its internal topics have one).
 */
export function internalTopicName(topic: string): string | null {
  const holds = Object.hasOwn(KAFKA_OWN, topic) ? KAFKA_OWN[topic] : undefined;
  if (holds) return `${topic} is Kafka's internal topic (it holds ${holds})`;
  if (topic.startsWith('__')) return `${topic} is named as Kafka's internal topics are (a name starting with __ is kept for Kafka's own use)`;
  return null;
}

export const NewTopic = z.object({
  connectionId: z.string().min(1),
  // Kafka's own rule for names.
  topic: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,249}$/, 'A topic name is 1 to 249 letters, digits, dots, underscores or hyphens.')
    .refine((t) => t !== '.' && t !== '..', 'A topic cannot be named . or ..'),
  partitions: z.number().int().min(1).max(10_000),
  replicationFactor: z.number().int().min(1).max(32),
  configs: z.record(z.string().min(1), z.string()).default({}),
});
export type NewTopic = z.infer<typeof NewTopic>;

/** What to export: records picked by partition and offset (a page, a selection), or a search's hits. */
export const ExportScope = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('records'),
    records: z
      .array(z.object({ partition: z.number().int().nonnegative(), offset: Offset }))
      .min(1)
      .max(50_000),
  }),
  z.object({ kind: z.literal('search'), search: ScanRequest.omit({ connectionId: true, topic: true, limit: true }) }),
]);
export type ExportScope = z.infer<typeof ExportScope>;
