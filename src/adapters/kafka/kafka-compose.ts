import type { IHeaders } from 'kafkajs';
import { RewindError } from '../../api/errors';
import { headerValue, payloadBytes, type ComposedMessage, type ComposeTarget, type PublishPreview } from '../../model/compose';
import type { ComposeAbility } from '../source-adapter';
import type { KafkaAccess } from './kafka-dead-letters';
import { orderedHeaders } from './kafkajs-record-encoder';

/** Producing records a user composed, and where they landed. */
export class KafkaCompose implements ComposeAbility {
  constructor(private readonly kafka: KafkaAccess) {}

  async preview(target: ComposeTarget, _message: ComposedMessage, signal: AbortSignal): Promise<PublishPreview> {
    if (target.kind !== 'topic') throw new RewindError('invalid_input', 'Kafka produces to a topic');
    if (!(await this.kafka.topicExists(target.topic, signal))) return { routes: [], problem: `topic ${target.topic} does not exist` };
    const partitions = await this.kafka.partitions(target.topic, signal);
    if (target.partition !== null && !partitions.some((p) => p.partition === target.partition))
      return { routes: [], problem: `${target.topic} has no partition ${target.partition} (it has ${partitions.length})` };
    return { routes: [{ to: `${target.topic}/${target.partition ?? 'by key'}`, path: [target.topic] }], problem: null };
  }

  async send(target: ComposeTarget, message: ComposedMessage, count: number, signal: AbortSignal) {
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
    const value = payloadBytes(message.payload);
    const producer = await this.kafka.producer();
    try {
      const results = await this.kafka.answered(
        producer.send({
          topic: target.topic,
          acks: -1,
          messages: Array.from({ length: count }, () => ({ key, value, headers, ...(target.partition !== null ? { partition: target.partition } : {}) })),
        }),
        'producing',
      );
      const offsets = results.flatMap((r) => Array.from({ length: count }, (_, i) => ({ partition: r.partition, offset: String(BigInt(r.baseOffset ?? '0') + BigInt(i)) }))).slice(0, count);
      return { sent: count, routed: null, returned: null, predicted, mismatch: null, offsets };
    } catch (e) {
      throw this.kafka.fail(e);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }
}
