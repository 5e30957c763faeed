import { z } from 'zod';
import { SourceKind } from './envelope';

/** A count, exact or not; when not, `note` says why it can be wrong (shown on hover). */
export const Count = z.object({ value: z.number().int().nonnegative(), exact: z.boolean(), note: z.string().optional() });

export const KafkaPartitionInfo = z.object({
  partition: z.number().int().nonnegative(),
  low: z.string(),
  high: z.string(),
  leader: z.number().int(),
});

/** What a connection holds. Each kind carries what its list row and its tab need. */
export const Resource = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('kafka-topic'),
    name: z.string(),
    internal: z.boolean(),
    partitions: z.array(KafkaPartitionInfo),
    /** Sum of high - low watermarks: exact unless the topic is compacted or transactional (then `note` says so). */
    records: Count,
    deadLetter: z.boolean(),
    /** Topics its records died on, from Spring Kafka or Kafka Connect headers (sampled from its newest records). */
    deadLetterOf: z.array(z.string()).optional(),
  }),
  z.object({
    type: z.literal('rabbit-vhost'),
    name: z.string(),
  }),
  z.object({
    type: z.literal('rabbit-queue'),
    vhost: z.string(),
    name: z.string(),
    queueType: z.enum(['classic', 'quorum', 'stream']),
    messages: Count,
    consumers: z.number().int().nonnegative(),
    deadLetter: z.boolean(),
    /** The queues whose dead letters come here, and through which exchange and key (from the topology). */
    deadLetterOf: z.array(z.object({ queue: z.string(), exchange: z.string(), routingKey: z.string().nullable() })).optional(),
    /** How many queues send dead letters here in all, when more than `deadLetterOf` lists. */
    deadLetterOfTotal: z.number().int().nonnegative().optional(),
  }),
  z.object({
    /** A super stream (a partitioned stream): an exchange marked `x-super-stream` and the stream queues bound to it. */
    type: z.literal('rabbit-super-stream'),
    vhost: z.string(),
    name: z.string(),
    /** Its partitions in their order (the bindings' `x-stream-partition-order`), each with the routing key that sends to it. */
    partitions: z.array(z.object({ queue: z.string(), order: z.number().int(), routingKey: z.string(), messages: Count })),
    /** The partitions' messages added up (each sampled by the management API). */
    messages: Count,
  }),
  z.object({
    type: z.literal('store-all'),
    name: z.string(),
    events: Count,
  }),
  z.object({
    type: z.literal('store-subscription'),
    name: z.string(),
    checkpoint: z.number().int().nonnegative(),
    /** Events parked after failing maxAttempts times: the store's dead letters. */
    parked: Count,
    deadLetter: z.boolean(),
  }),
  z.object({
    type: z.literal('store-stream'),
    name: z.string(),
    category: z.string(),
    events: Count,
    lastPosition: z.string().nullable(),
    lastWrite: z.string().nullable(),
  }),
  z.object({
    /** A resource of a source that brings its own kinds of resource (registered through src/sources). */
    type: z.literal('source'),
    /** The kind of the source it belongs to, whose look words it. */
    source: SourceKind,
    /** The source's word for what it is ("stream", "queue"), shown beside its name. */
    kind: z.string().min(1).max(40),
    name: z.string(),
    /** The sidebar's words for it where its name would repeat its group's (a queue's state: "failed"); its kind then goes unsaid there. */
    label: z.string().min(1).max(200).optional(),
    /** The sidebar group it is listed under; null: at the top. */
    group: z.string().max(200).nullable(),
    /** How many items it holds, shown as its badge. */
    items: Count.nullable(),
    deadLetter: z.boolean(),
  }),
]);
export type Resource = z.infer<typeof Resource>;

/** Which features a source offers, so the UI shows only what works. */
export const Capabilities = z.object({
  browse: z.boolean(),
  tail: z.boolean(),
  publish: z.boolean(),
  consumerGroups: z.boolean(),
  deadLetters: z.boolean(),
  seekByTime: z.boolean(),
});
export type Capabilities = z.infer<typeof Capabilities>;

/** What a range read points at. */
export const ReadTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('kafka-partition'), topic: z.string().min(1), partition: z.number().int().nonnegative() }),
  z.object({ type: z.literal('rabbit-stream'), vhost: z.string().min(1), queue: z.string().min(1) }),
  z.object({ type: z.literal('store-all') }),
  z.object({ type: z.literal('store-stream'), streamId: z.string().min(1) }),
  /** A resource of a registered source, by its name. */
  z.object({ type: z.literal('source'), resource: z.string().min(1) }),
]);
export type ReadTarget = z.infer<typeof ReadTarget>;

/**
 * A position, as its source writes it: a Kafka or stream offset and a store position are whole
 * numbers (checked per target, see positionFits); a registered source may use any printable form
 * it orders itself (a Redis stream id such as 1700000000000-0).
 */
export const Position = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'A position is written without spaces.');

const WHOLE = /^\d+$/;

/** Whether a position fits the target it is for: the built-in targets count in whole numbers. */
export function positionFits(target: { type: string }, position: string): boolean {
  return target.type === 'source' || WHOLE.test(position);
}

/** Refines a request holding a target and a start so a position is in the target's own form. */
export function checkStart(s: { target: { type: string }; from: { type: string; value?: unknown } }, ctx: z.RefinementCtx): void {
  if (s.from.type === 'position' && typeof s.from.value === 'string' && !positionFits(s.target, s.from.value)) {
    ctx.addIssue({ code: 'custom', message: 'A position is a whole number.', path: ['from', 'value'] });
  }
}

export const ReadFrom = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }),
  /** First position to read (inclusive). */
  z.object({ type: z.literal('position'), value: Position }),
  z.object({ type: z.literal('time'), value: z.iso.datetime({ offset: true }) }),
]);
export type ReadFrom = z.infer<typeof ReadFrom>;

/** Where a range read starts: a RabbitMQ stream can also start at its last chunk (the stream protocol's `last`). */
export const ReadStart = z.discriminatedUnion('type', [...ReadFrom.options, z.object({ type: z.literal('last') })]);
export type ReadStart = z.infer<typeof ReadStart>;

/** What a projection reads: anything a range read can, or a whole Kafka topic across its partitions. */
export const ProjectionTarget = z.discriminatedUnion('type', [...ReadTarget.options, z.object({ type: z.literal('kafka-topic'), topic: z.string().min(1) })]);
export type ProjectionTarget = z.infer<typeof ProjectionTarget>;

/** Where a rebuild starts; on a whole topic also an offset per partition (unlisted ones: their start). */
export const ProjectionFrom = z.discriminatedUnion('type', [
  ...ReadFrom.options,
  z.object({ type: z.literal('offsets'), value: z.record(z.string().regex(/^\d+$/, 'A partition is a whole number.'), z.string().regex(/^\d+$/, 'An offset is a whole number.')) }),
]);
export type ProjectionFrom = z.infer<typeof ProjectionFrom>;
