import { AssignerProtocol, type Admin, type GroupDescription } from 'kafkajs';
import { RewindError } from '../../model/errors';
import { MAX_OFFSET, type GroupDetail, type GroupSummary, type ResetOffset, type ResetOutcome, type ResetPlan, type ResetRow, type ResetStrategy } from '../../model/groups';
import type { ConsumerGroupAbility } from '../source-adapter';
import type { CommitAnswer } from './offset-commit';

/** What consumer-group work needs from the Kafka adapter. */
export interface GroupAccess {
  withAdmin<T>(request: (admin: Admin) => Promise<T>, what: string): Promise<T>;
  fail(e: unknown): RewindError;
  /** Watermarks of many topics in one round; topics that no longer exist are left out. */
  topicEnds(topics: string[]): Promise<Map<string, { partition: number; low: string; high: string }[]>>;
  /** One OffsetCommit to the group's coordinator, generation -1, no member: the broker's answer per partition. */
  commitOffsets(groupId: string, topics: { topic: string; partitions: { partition: number; offset: string }[] }[]): Promise<CommitAnswer[]>;
}

// The group has members (one joined after the check): Kafka takes a commit from outside the group only while it has none.
const GROUP_BUSY = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'FENCED_INSTANCE_ID']);

/** "0–2", or the partitions one by one when they are not a run from 0. */
function partitionList(ps: number[]): string {
  const sorted = [...ps].sort((a, b) => a - b);
  if (sorted.length === 0) return 'none';
  return sorted.every((p, i) => p === i) && sorted.length > 1 ? `0–${sorted.length - 1}` : sorted.join(', ');
}

type Committed = { topic: string; partitions: { partition: number; offset: string }[] }[];

/** At most `n` at a time: a cluster of thousands of groups is not asked all at once. */
async function mapLimit<T, R>(items: T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i]!);
    }),
  );
  return out;
}

type Member = GroupDetail['memberList'][number];

function membersOf(g: GroupDescription): Member[] {
  return g.members.map((m) => {
    let assignment: Member['assignment'] = [];
    try {
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      assignment = Object.entries(decoded?.assignment ?? {}).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
    } catch {
      /* a member whose assignment is not the consumer protocol's (Connect, streams): shown without one */
    }
    return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment };
  });
}

/** A group as `kafka-consumer-groups.sh --describe` shows it, from what the broker said. */
function detailOf(groupId: string, g: GroupDescription | undefined, committed: Committed, ends: Map<string, { partition: number; low: string; high: string }[]>): GroupDetail {
  const members = g ? membersOf(g) : [];
  const topics = [...new Set([...committed.map((t) => t.topic), ...members.flatMap((m) => m.assignment.map((x) => x.topic))])].sort();
  const partitions: GroupDetail['partitions'] = [];
  const lagByTopic: Record<string, number> = {};
  for (const topic of topics) {
    const topicEnds = ends.get(topic) ?? [];
    const offsets = committed.find((t) => t.topic === topic)?.partitions ?? [];
    const assigned = new Map<number, Member>();
    for (const m of members) for (const a of m.assignment) if (a.topic === topic) for (const p of a.partitions) assigned.set(p, m);
    const ids = [...new Set([...offsets.filter((o) => o.offset !== '-1').map((o) => o.partition), ...assigned.keys()])].sort((a, b) => a - b);
    for (const partition of ids) {
      const o = offsets.find((x) => x.partition === partition);
      const end = topicEnds.find((x) => x.partition === partition);
      const c = o && o.offset !== '-1' ? o.offset : null;
      const lag = c !== null && end ? Number(BigInt(end.high) - BigInt(c)) : null;
      if (lag !== null) lagByTopic[topic] = (lagByTopic[topic] ?? 0) + lag;
      const m = assigned.get(partition) ?? null;
      partitions.push({
        topic,
        partition,
        committed: c,
        logStart: end?.low ?? '0',
        logEnd: end?.high ?? '0',
        lag,
        memberId: m?.memberId ?? null,
        clientId: m?.clientId ?? null,
        host: m?.host ?? null,
      });
    }
  }
  const lags = partitions.map((p) => p.lag).filter((l): l is number => l !== null);
  return {
    groupId,
    state: g?.state ?? 'Empty',
    protocolType: g?.protocolType ?? '',
    protocol: g?.protocol ?? '',
    members: members.length,
    topics,
    lag: lags.length ? lags.reduce((a, b) => a + b, 0) : null,
    memberList: members,
    partitions,
    lagByTopic,
  };
}

const ACTIVE = new Set(['Stable', 'PreparingRebalance', 'CompletingRebalance']);

/**
 * Consumer groups as `kafka-consumer-groups.sh` sees them: state, members and what each reads,
 * committed offsets and lag per partition; resetting offsets (planned first, refused while
 * members are connected, as the broker does) and deleting empty groups.
 */
export class KafkaGroups implements ConsumerGroupAbility {
  constructor(private readonly kafka: GroupAccess) {}

  async list(): Promise<GroupSummary[]> {
    const { groups } = await this.kafka.withAdmin((a) => a.listGroups(), 'listing consumer groups');
    if (groups.length === 0) return [];
    const ids = groups.map((g) => g.groupId).sort();
    const described = await this.kafka.withAdmin((a) => a.describeGroups(ids), 'describing consumer groups');
    // One offsets request per group (the protocol asks per group), then every topic's ends at once.
    const committed = await mapLimit(described.groups, 8, (g) => this.kafka.withAdmin((a) => a.fetchOffsets({ groupId: g.groupId }), 'reading committed offsets'));
    const ends = await this.kafka.topicEnds([...new Set(described.groups.flatMap((g, i) => [...committed[i]!.map((t) => t.topic), ...membersOf(g).flatMap((m) => m.assignment.map((a) => a.topic))]))]);
    const out: GroupSummary[] = described.groups.map((g, i) => {
      const { memberList: _m, partitions: _p, lagByTopic: _l, ...summary } = detailOf(g.groupId, g, committed[i]!, ends);
      return summary;
    });
    return out.sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async describe(groupId: string): Promise<GroupDetail> {
    const g = (await this.kafka.withAdmin((a) => a.describeGroups([groupId]), 'describing the group')).groups[0];
    if (!g || (g.state === 'Dead' && g.members.length === 0)) {
      const { groups } = await this.kafka.withAdmin((a) => a.listGroups(), 'listing consumer groups');
      if (!groups.some((x) => x.groupId === groupId))
        throw new RewindError('not_found', `No consumer group ${groupId}`, 'Check the name; the group may have been deleted, or never committed anything.');
    }
    const committed = await this.kafka.withAdmin((a) => a.fetchOffsets({ groupId }), 'reading committed offsets');
    const ends = await this.kafka.topicEnds([...new Set([...committed.map((t) => t.topic), ...(g ? membersOf(g) : []).flatMap((m) => m.assignment.map((a) => a.topic))])]);
    return detailOf(groupId, g, committed, ends);
  }

  async planReset(groupId: string, topics: { topic: string; partitions?: number[] }[] | null, strategy: ResetStrategy): Promise<ResetPlan> {
    const group = await this.describe(groupId);
    const scope: { topic: string; partitions?: number[] }[] = topics ?? group.topics.map((topic) => ({ topic }));
    if (scope.length === 0) throw new RewindError('invalid_input', `${groupId} has no offsets and reads no topic yet: name the topics to reset`);
    const rows: ResetRow[] = [];
    for (const { topic, partitions } of scope) {
      const ends = await this.kafka
        .withAdmin((a) => a.fetchTopicOffsets(topic), 'reading offsets')
        .catch((e: unknown) => {
          throw this.kafka.fail(e);
        });
      const byTime = strategy.kind === 'time' ? await this.kafka.withAdmin((a) => a.fetchTopicOffsetsByTimestamp(topic, Date.parse(strategy.at)), 'finding offsets by time') : [];
      for (const end of ends.sort((a, b) => a.partition - b.partition)) {
        if (partitions && !partitions.includes(end.partition)) continue;
        const low = BigInt(end.low);
        const high = BigInt(end.high);
        const current = group.partitions.find((p) => p.topic === topic && p.partition === end.partition)?.committed ?? null;
        let wanted: bigint;
        let note: string | null = null;
        switch (strategy.kind) {
          case 'earliest':
            wanted = low;
            break;
          case 'latest':
            wanted = high;
            break;
          case 'time': {
            const hit = byTime.find((x) => x.partition === end.partition);
            wanted = hit && hit.offset !== '-1' ? BigInt(hit.offset) : high;
            // kafkajs answers the log end (not -1) when no record is that late.
            if (!hit || hit.offset === '-1' || BigInt(hit.offset) >= high) note = 'no record at or after that time: the end';
            else if (BigInt(hit.offset) === low) note = 'that time is before the first record: the start';
            break;
          }
          case 'offsets': {
            const v = strategy.offsets[`${topic}:${end.partition}`];
            if (v === undefined) continue;
            wanted = BigInt(v);
            break;
          }
          case 'shift':
            if (current === null) {
              note = 'no committed offset to shift from: the start';
              wanted = low;
            } else wanted = BigInt(current) + BigInt(strategy.by);
            break;
        }
        if (wanted < low) {
          note = `before the first record (${low}): the start`;
          wanted = low;
        } else if (wanted > high) {
          note = `past the end (${high}): the end`;
          wanted = high;
        }
        rows.push({ topic, partition: end.partition, current, next: wanted.toString(), logStart: end.low, logEnd: end.high, delta: current === null ? null : Number(BigInt(current) - wanted), note });
      }
    }
    const rereads = rows.reduce((n, r) => n + Math.max(0, r.delta ?? 0), 0);
    const skips = rows.reduce((n, r) => n + Math.max(0, -(r.delta ?? 0)), 0);
    return { groupId, state: group.state, rows, rereads, skips, blockedBy: ACTIVE.has(group.state) && group.memberList.length > 0 ? group.memberList : null };
  }

  /**
   * Every row checked before anything moves (the topic and partition exist, the offset fits Kafka's
   * signed 64-bit integer, no partition twice), then all committed in one request without joining
   * the group. The broker answers per partition: nothing moved is an error with its reason;
   * some moved is returned as a partial reset, for the audit log to keep.
   */
  async reset(groupId: string, rows: { topic: string; partition: number; offset: string }[]): Promise<ResetOutcome> {
    const wanted = this.validated(rows, await this.kafka.topicEnds([...new Set(rows.map((r) => r.topic))]));
    const group = await this.describe(groupId);
    if (ACTIVE.has(group.state) && group.memberList.length > 0) {
      const who = group.memberList.map((m) => `${m.clientId} on ${m.host}`).join(', ');
      throw new RewindError(
        'conflict',
        `${groupId} has ${group.memberList.length} connected member${group.memberList.length === 1 ? '' : 's'} (${who}); Kafka moves a group's offsets only while none is connected`,
        'Stop those consumers, then apply the reset again.',
      );
    }
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const r of wanted) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), { partition: r.partition, offset: r.offset }]);
    let answers: CommitAnswer[];
    try {
      answers = await this.kafka.commitOffsets(
        groupId,
        [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      );
    } catch (e) {
      throw this.kafka.fail(e);
    }
    const answerOf = (r: ResetOffset) => answers.find((a) => a.topic === r.topic && a.partition === r.partition);
    const moved = wanted.filter((r) => answerOf(r)?.errorCode === 0);
    const refused = wanted.filter((r) => answerOf(r)?.errorCode !== 0).map((r) => ({ ...r, error: answerOf(r)?.error ?? 'no answer for this partition' }));
    if (moved.length > 0) return { moved, refused };
    const reasons = [...new Set(refused.map((r) => r.error))];
    if (reasons.every((r) => GROUP_BUSY.has(r)))
      throw new RewindError(
        'conflict',
        `Kafka refused the reset of ${groupId}: a consumer joined the group after the check (${reasons.join(', ')}); nothing moved`,
        "Stop the group's consumers, then apply the reset again.",
      );
    if (reasons.some((r) => /AUTHORIZATION_FAILED/.test(r)))
      throw new RewindError('auth', `Kafka refused the reset of ${groupId}: ${reasons.join(', ')}; nothing moved`, 'Ask for Read on the group and on its topics.');
    throw new RewindError('conflict', `Kafka refused the reset of ${groupId}: ${reasons.join(', ')}; nothing moved`);
  }

  /** The rows as Kafka would commit them, or the first reason one cannot be. */
  private validated(rows: { topic: string; partition: number; offset: string }[], ends: Map<string, { partition: number }[]>): ResetOffset[] {
    const seen = new Set<string>();
    return rows.map((r) => {
      const partitions = ends.get(r.topic);
      if (!partitions || partitions.length === 0) throw new RewindError('invalid_input', `There is no topic ${r.topic}`, 'Check the name; it may have been deleted.');
      if (!partitions.some((p) => p.partition === r.partition))
        throw new RewindError('invalid_input', `${r.topic} has no partition ${r.partition} (it has ${partitionList(partitions.map((p) => p.partition))}); nothing moved`);
      const offset = /^\d+$/.test(r.offset) ? BigInt(r.offset) : null;
      if (offset === null || offset > MAX_OFFSET)
        throw new RewindError('invalid_input', `Offset ${r.offset} for ${r.topic}/${r.partition} does not fit Kafka's signed 64-bit offsets (at most ${MAX_OFFSET}); nothing moved`);
      const key = `${r.topic}:${r.partition}`;
      if (seen.has(key)) throw new RewindError('invalid_input', `${r.topic}/${r.partition} is named twice; nothing moved`);
      seen.add(key);
      return { topic: r.topic, partition: r.partition, offset: offset.toString() };
    });
  }

  async delete(groupId: string): Promise<void> {
    const group = await this.describe(groupId);
    if (group.memberList.length > 0) throw new RewindError('conflict', `${groupId} has connected members; only an empty group can be deleted`, 'Stop its consumers first.');
    try {
      const [result] = await this.kafka.withAdmin((a) => a.deleteGroups([groupId]), 'deleting the group');
      if (result?.errorCode) throw new Error(result.error?.message ?? `error ${result.errorCode}`);
    } catch (e) {
      throw new RewindError('conflict', `Kafka refused to delete ${groupId}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
