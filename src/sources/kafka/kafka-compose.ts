import type { IHeaders } from 'kafkajs';
import { RewindError } from '../../model/errors';
import { copiesPerBatch, copyBytes, headerValue, payloadBytes, type ComposedMessage, type ComposeTarget, type PublishPreview, type PublishProgress } from '../../model/compose';
import type { ComposeAbility, SentCopies } from '../source-adapter';
import type { KafkaAccess } from './kafka-dead-letters';
import { orderedHeaders } from './kafkajs-record-encoder';

/** Producing records a user composed, and where they landed. */
export class KafkaCompose implements ComposeAbility {
  constructor(private readonly kafka: KafkaAccess) {}

  async preview(target: ComposeTarget, message: ComposedMessage, signal: AbortSignal): Promise<PublishPreview> {
    if (target.kind !== 'topic') throw new RewindError('invalid_input', 'Kafka produces to a topic');
    if (!(await this.kafka.topicExists(target.topic, signal))) return { routes: [], problem: `topic ${target.topic} does not exist` };
    const partitions = await this.kafka.partitions(target.topic, signal);
    if (target.partition !== null && !partitions.some((p) => p.partition === target.partition))
      return { routes: [], problem: `${target.topic} has no partition ${target.partition} (it has ${partitions.length})` };
    let encoding: string | null = null;
    if (message.payload.registry) {
      try {
        encoding = (await this.kafka.registryEncode(message.payload.registry, message.payload.text)).description;
      } catch (e) {
        return { routes: [], problem: e instanceof Error ? e.message : String(e), encoding: null };
      }
    }
    return { routes: [{ to: `${target.topic}/${target.partition ?? 'by key'}`, path: [target.topic] }], problem: null, encoding };
  }

  async send(target: ComposeTarget, message: ComposedMessage, count: number, { signal, onProgress }: { signal: AbortSignal; onProgress(p: PublishProgress): void }): Promise<SentCopies> {
    if (target.kind !== 'topic') throw new RewindError('invalid_input', 'Kafka produces to a topic');
    const predicted = await this.preview(target, message, signal);
    if (predicted.problem) throw new RewindError('not_found', predicted.problem, 'Pick a topic and partition that exist.');
    const headers = orderedHeaders(
      message.headers.map((h) => {
        const v = headerValue(h);
        return [h.name, v === null ? null : String(v)];
      }),
    ) as unknown as IHeaders;
    const key = message.key ? (message.key.format === 'base64' ? Buffer.from(message.key.text, 'base64') : Buffer.from(message.key.text)) : null;
    const value = message.payload.registry ? (await this.kafka.registryEncode(message.payload.registry, message.payload.text)).bytes : payloadBytes(message.payload);
    // Without a partition or a key, copies go round the partitions as Kafka's default partitioner
    // sends keyless records; Rewind picks each one itself so it knows every copy's offset.
    const partitionCount = target.partition === null && key === null ? (await this.kafka.partitions(target.topic, signal)).length : 0;
    const batch = copiesPerBatch(copyBytes(message));
    const ranges: { partition: number; first: bigint; last: bigint }[] = [];
    const producer = await this.kafka.producer();
    let sent = 0;
    try {
      // One batch in flight at a time (each acknowledged by all in-sync replicas): memory holds one
      // batch, and a stop takes effect at the next.
      while (sent < count && !signal.aborted) {
        const n = Math.min(batch, count - sent);
        const partitionOf = (i: number) => (target.partition !== null ? target.partition : partitionCount > 0 ? (sent + i) % partitionCount : undefined);
        const messages = Array.from({ length: n }, (_, i) => {
          const partition = partitionOf(i);
          return { key, value, headers, ...(partition !== undefined ? { partition } : {}) };
        });
        onProgress({ sent, inFlight: n, total: count });
        const results = await this.kafka.answered(producer.send({ topic: target.topic, acks: -1, messages }), 'producing');
        const perPartition = new Map<number, number>();
        for (let i = 0; i < n; i++) {
          const p = partitionOf(i) ?? results[0]?.partition ?? 0;
          perPartition.set(p, (perPartition.get(p) ?? 0) + 1);
        }
        for (const r of results) {
          const base = BigInt(r.baseOffset ?? '0');
          const last = base + BigInt((perPartition.get(r.partition) ?? 1) - 1);
          const run = ranges.find((x) => x.partition === r.partition && x.last + 1n === base);
          if (run) run.last = last;
          else ranges.push({ partition: r.partition, first: base, last });
        }
        sent += n;
        onProgress({ sent, inFlight: 0, total: count });
      }
      const offsets: { partition: number; offset: string }[] = [];
      for (const r of ranges) for (let o = r.first; o <= r.last && offsets.length < 100; o++) offsets.push({ partition: r.partition, offset: String(o) });
      return {
        sent,
        requested: count,
        routed: null,
        returned: null,
        returnedCount: 0,
        predicted,
        mismatch: null,
        offsets,
        ranges: ranges.map((r) => ({ partition: r.partition, first: String(r.first), last: String(r.last) })),
      };
    } catch (e) {
      throw this.kafka.fail(e);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }
}
