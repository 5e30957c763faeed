import type { Kafka } from 'kafkajs';
import { sleep } from '../source-adapter';
import { createCluster, type ClusterLike } from './kafkajs-internals';

export interface TopicSpan {
  topic: string;
  partitions: { partition: number; low: string; high: string }[];
}

/** What a cluster says right after topics are created or leaders move: asking again fixes it. */
const TRANSIENT = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'REQUEST_TIMED_OUT',
  'NOT_LEADER_FOR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'KafkaJSBrokerNotFound',
]);
const ATTEMPTS = 6;

/** A leader is moving or settling (an election, a broker back from a pause): asking again soon fixes it. */
export function transient(e: unknown): boolean {
  for (let x = e as { type?: string; name?: string; originalError?: unknown; cause?: unknown } | undefined, i = 0; x && i < 5; i++) {
    if ((x.type && TRANSIENT.has(x.type)) || (x.name && TRANSIENT.has(x.name))) return true;
    x = (x.originalError ?? x.cause) as typeof x;
  }
  return false;
}

/**
 * Every topic's low and high watermarks in one round: two ListOffsets requests per leader broker
 * for all topics together (kafkajs's admin asks one topic at a time). Errors a cluster gives
 * while leaders settle are retried with fresh metadata, for about 3 s.
 */
export class TopicOffsets {
  private cluster: ClusterLike | null = null;

  constructor(private readonly kafka: Kafka) {}

  async of(topics: { topic: string; partitions: number[] }[]): Promise<Map<string, TopicSpan['partitions']>> {
    if (topics.length === 0) return new Map();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(topics);
      } catch (e) {
        if (!transient(e) || attempt >= ATTEMPTS - 1) throw e;
        await this.reset();
        await sleep(Math.min(1_000, 100 * 2 ** attempt), new AbortController().signal);
      }
    }
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private async once(topics: { topic: string; partitions: number[] }[]): Promise<Map<string, TopicSpan['partitions']>> {
    // Read uncommitted: the high watermark, which counts what read_committed hides too.
    this.cluster ??= createCluster(this.kafka, { isolationLevel: 0 });
    const cluster = this.cluster;
    await cluster.connect();
    await cluster.addMultipleTargetTopics(topics.map((t) => t.topic));
    const ask = (fromBeginning: boolean) => cluster.fetchTopicsOffset(topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((partition) => ({ partition })), fromBeginning })));
    const [lows, highs] = await Promise.all([ask(true), ask(false)]);
    const out = new Map<string, TopicSpan['partitions']>();
    for (const t of topics) {
      const low = lows.find((x) => x.topic === t.topic)?.partitions ?? [];
      const high = highs.find((x) => x.topic === t.topic)?.partitions ?? [];
      out.set(
        t.topic,
        t.partitions.map((partition) => ({ partition, low: low.find((p) => p.partition === partition)?.offset ?? '0', high: high.find((p) => p.partition === partition)?.offset ?? '0' })),
      );
    }
    return out;
  }

  private async reset(): Promise<void> {
    const c = this.cluster;
    this.cluster = null;
    await c?.disconnect().catch(() => undefined);
  }
}
