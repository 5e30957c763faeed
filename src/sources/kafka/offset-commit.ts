import type { Kafka } from 'kafkajs';
import { sleep } from '../source-adapter';
import { createCluster, kafkaErrorName, OFFSET_COMMIT_API_KEY, offsetCommitVersion } from './kafkajs-internals';

export interface CommitAnswer {
  topic: string;
  partition: number;
  /** 0: committed. */
  errorCode: number;
  /** Kafka's name for the error ("TOPIC_AUTHORIZATION_FAILED"); null when committed. */
  error: string | null;
}

// The coordinator moved or is still loading the group: ask which broker it is again.
const COORDINATOR_MOVED = new Set([14, 15, 16]);
const ATTEMPTS = 4;

/**
 * Commits a group's offsets the way Kafka's own tools do (`kafka-consumer-groups --reset-offsets`,
 * AdminClient.alterConsumerGroupOffsets): one OffsetCommit request to the group's coordinator with
 * generation -1 and no member id, over kafkajs's connections. Nothing joins the group, so a
 * consumer starting meanwhile meets no one to rebalance with (kafkajs's admin.setOffsets runs a
 * consumer that stays a member for seconds). The coordinator takes such a commit only while the
 * group has no members, and writes the offsets of one request together; it answers per partition,
 * so what it refused (a topic the user may not read) is known exactly.
 */
export async function commitOffsets(kafka: Kafka, groupId: string, topics: { topic: string; partitions: { partition: number; offset: string }[] }[], requestTimeout = 10_000): Promise<CommitAnswer[]> {
  const cluster = createCluster(kafka);
  try {
    await cluster.connect();
    for (let attempt = 1; ; attempt++) {
      const coordinator = await cluster.findGroupCoordinator({ groupId });
      // v2 to v5 are what every broker from 0.10 to 4.x takes (4.0 dropped v0 and v1).
      const version = Math.min(5, Math.max(2, coordinator.versions?.[OFFSET_COMMIT_API_KEY]?.maxVersion ?? 2)) as 2 | 3 | 4 | 5;
      const { request, response } = offsetCommitVersion(version)({ groupId, groupGenerationId: -1, memberId: '', topics });
      const decoded = (await coordinator.connectionPool.send({
        request,
        // Decoded only: kafkajs's parse throws at the first error and loses which partitions went through.
        response: { decode: (payload) => response.decode(payload), parse: async (d) => d },
        requestTimeout,
        logResponseError: false,
      })) as { responses: { topic: string; partitions: { partition: number; errorCode: number }[] }[] };
      const answers = decoded.responses.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, errorCode: p.errorCode, error: p.errorCode === 0 ? null : kafkaErrorName(p.errorCode) })),
      );
      if (attempt < ATTEMPTS && answers.length > 0 && answers.every((a) => COORDINATOR_MOVED.has(a.errorCode))) {
        await cluster.refreshMetadata();
        await sleep(200 * attempt, new AbortController().signal);
        continue;
      }
      return answers;
    }
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}
