import { z } from 'zod';

export const GroupSummary = z.object({
  groupId: z.string(),
  state: z.string(),
  protocolType: z.string(),
  /** The partition assignor the members agreed on (range, cooperative-sticky…). */
  protocol: z.string(),
  members: z.number().int(),
  topics: z.array(z.string()),
  /** Total lag over the partitions that have a committed offset; null when none has. */
  lag: z.number().int().nullable(),
});
export type GroupSummary = z.infer<typeof GroupSummary>;

export const GroupMember = z.object({ memberId: z.string(), clientId: z.string(), host: z.string(), assignment: z.array(z.object({ topic: z.string(), partitions: z.array(z.number().int()) })) });

/** One partition as `kafka-consumer-groups.sh --describe` shows it. */
export const GroupPartition = z.object({
  topic: z.string(),
  partition: z.number().int(),
  /** null: the group has committed nothing here ("-"). */
  committed: z.string().nullable(),
  logStart: z.string(),
  logEnd: z.string(),
  lag: z.number().int().nullable(),
  memberId: z.string().nullable(),
  clientId: z.string().nullable(),
  host: z.string().nullable(),
});

export const GroupDetail = GroupSummary.extend({ memberList: z.array(GroupMember), partitions: z.array(GroupPartition), lagByTopic: z.record(z.string(), z.number().int()) });
export type GroupDetail = z.infer<typeof GroupDetail>;

export const ResetStrategy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }),
  z.object({ kind: z.literal('latest') }),
  /** The first offset at or after this time, in each partition (the end where none is). */
  z.object({ kind: z.literal('time'), at: z.iso.datetime({ offset: true }) }),
  /** An exact offset per partition, keyed "topic:partition". */
  z.object({ kind: z.literal('offsets'), offsets: z.record(z.string(), z.string().regex(/^\d+$/)) }),
  /** From the committed offset, forward (+) or back (−) by N. */
  z.object({ kind: z.literal('shift'), by: z.number().int() }),
]);
export type ResetStrategy = z.infer<typeof ResetStrategy>;

export const ResetScope = z.object({
  /** Topics (and, optionally, some of their partitions); null: every topic the group has offsets for or reads. */
  topics: z.array(z.object({ topic: z.string().min(1), partitions: z.array(z.number().int().nonnegative()).optional() })).nullable(),
});

export const ResetRow = z.object({
  topic: z.string(),
  partition: z.number().int(),
  current: z.string().nullable(),
  next: z.string(),
  logStart: z.string(),
  logEnd: z.string(),
  /** Records the group will read again (positive) or skip (negative); null when it had no offset. */
  delta: z.number().int().nullable(),
  /** Why the target was clamped (before the first record, after the last). */
  note: z.string().nullable(),
});
export type ResetRow = z.infer<typeof ResetRow>;

export const ResetPlan = z.object({ groupId: z.string(), state: z.string(), rows: z.array(ResetRow), rereads: z.number().int(), skips: z.number().int(), blockedBy: z.array(GroupMember).nullable() });
export type ResetPlan = z.infer<typeof ResetPlan>;

/** One partition's offset, exactly as committed (decimal, no leading zeros). */
export const ResetOffset = z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() });
export type ResetOffset = z.infer<typeof ResetOffset>;

/** What a reset did: the offsets the broker committed, and those it refused with its reason (a partial reset). */
export const ResetOutcome = z.object({ moved: z.array(ResetOffset), refused: z.array(ResetOffset.extend({ error: z.string() })) });
export type ResetOutcome = z.infer<typeof ResetOutcome>;

/** The largest offset Kafka can hold: offsets are signed 64-bit integers. */
export const MAX_OFFSET = 2n ** 63n - 1n;

const byTopic = <T extends { topic: string; partition: number }>(rows: T[]) => {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(r.topic, [...(out.get(r.topic) ?? []), r]);
  return out;
};

/** A partial reset in words: which topics moved, which did not and why (the broker's own reason). */
export function partialResetMessage(groupId: string, outcome: ResetOutcome): string {
  const refusedTopics = byTopic(outcome.refused);
  const moved = [...byTopic(outcome.moved)].map(([topic, rows]) => (refusedTopics.has(topic) ? `${topic} partition${rows.length === 1 ? '' : 's'} ${rows.map((r) => r.partition).join(', ')}` : topic));
  const refused = [...refusedTopics].map(([topic, rows]) => {
    const reasons = [...new Set(rows.map((r) => r.error))].join(', ');
    return `${topic}${outcome.moved.some((m) => m.topic === topic) ? ` partition${rows.length === 1 ? '' : 's'} ${rows.map((r) => r.partition).join(', ')}` : ''} did not move: ${reasons}`;
  });
  return `The reset of ${groupId} was partly applied: ${moved.join(', ')} moved; ${refused.join('; ')}`;
}
