import { ConfigResourceTypes } from 'kafkajs';
import { RewindError } from '../../model/errors';
import { internalTopicName, type NewTopic, type TopicDetail } from '../../model/topic-scan';
import type { TopicAccess } from './topic-pages';

const SOURCES: Record<number, string> = { 1: 'topic', 2: 'broker (dynamic)', 3: 'cluster default (dynamic)', 4: 'broker (static)', 5: 'default', 6: 'broker logger' };

/**
 * Why a topic is Kafka's own and never deleted from Rewind, or null: by its name (see
 * internalTopicName), else by the broker's own mark.
 */
export async function internalReason(access: TopicAccess, topic: string): Promise<string | null> {
  const byName = internalTopicName(topic);
  if (byName) return byName;
  return (await access.markedInternal(topic)) ? `${topic} is one of Kafka's internal topics (the broker marks it so)` : null;
}

/** A topic's partitions (leader, replicas, in-sync replicas, watermarks) and its configs. */
export async function describeTopic(access: TopicAccess, topic: string): Promise<TopicDetail> {
  const signal = new AbortController().signal;
  const spans = await access.partitions(topic, signal);
  if (spans.length === 0) throw new RewindError('not_found', `No topic ${topic}`);
  const meta = await access.withAdmin((a) => a.fetchTopicMetadata({ topics: [topic] }), 'describing the topic');
  const parts = meta.topics[0]?.partitions ?? [];
  let configs: TopicDetail['configs'] = [];
  try {
    const { resources } = await access.withAdmin((a) => a.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }), 'reading topic configs');
    configs = (resources[0]?.configEntries ?? [])
      .map((c) => ({
        name: c.configName,
        value: c.isSensitive ? null : c.configValue,
        isDefault: c.isDefault,
        source: SOURCES[(c as { configSource?: number }).configSource ?? 5] ?? 'default',
        sensitive: c.isSensitive,
        readOnly: c.readOnly,
      }))
      .sort((a, b) => Number(a.isDefault) - Number(b.isDefault) || a.name.localeCompare(b.name));
  } catch {
    // Without DescribeConfigs rights the partitions are still worth showing.
  }
  return {
    topic,
    partitions: spans.map((s) => {
      const p = parts.find((x) => x.partitionId === s.partition);
      return { partition: s.partition, leader: p?.leader ?? -1, replicas: p?.replicas ?? [], isr: p?.isr ?? [], low: String(s.low), high: String(s.high) };
    }),
    configs,
    internal: (await internalReason(access, topic).catch(() => null)) !== null,
  };
}

export async function createTopic(access: TopicAccess, spec: Omit<NewTopic, 'connectionId'>): Promise<void> {
  const created = await access
    .withAdmin(
      (a) =>
        a.createTopics({
          validateOnly: false,
          waitForLeaders: true,
          timeout: 10_000,
          topics: [
            { topic: spec.topic, numPartitions: spec.partitions, replicationFactor: spec.replicationFactor, configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })) },
          ],
        }),
      'creating the topic',
    )
    .catch((e: unknown) => {
      throw refusal(e, access, `create ${spec.topic}`);
    });
  if (!created) throw new RewindError('conflict', `A topic named ${spec.topic} already exists`);
}

export async function deleteTopic(access: TopicAccess, topic: string): Promise<void> {
  // Refused here, whoever asks and whatever was typed: deleting __consumer_offsets takes every group's offsets.
  const internal = await internalReason(access, topic);
  if (internal) throw new RewindError('invalid_input', `${internal}: Rewind never deletes Kafka's internal topics`, "Kafka's own tools can, if you really mean it.");
  await access
    .withAdmin((a) => a.deleteTopics({ topics: [topic], timeout: 10_000 }), 'deleting the topic')
    .catch((e: unknown) => {
      throw refusal(e, access, `delete ${topic}`);
    });
}

/** The broker's own reason (a replication factor above the broker count, a bad config), said plainly. */
function refusal(e: unknown, access: TopicAccess, what: string): RewindError {
  const inner = (e as { errors?: { type?: string; message?: string }[]; type?: string; message?: string }) ?? {};
  const detail = inner.errors?.[0] ?? inner;
  if (detail.type === 'TOPIC_ALREADY_EXISTS') return new RewindError('conflict', `Kafka refused to ${what}: the topic already exists`);
  if (detail.type && detail.type !== 'UNKNOWN') return new RewindError('invalid_input', `Kafka refused to ${what}: ${detail.type} — ${detail.message ?? ''}`.trim());
  return access.fail(e);
}
