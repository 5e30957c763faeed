import type { KafkaMessage } from 'kafkajs';
import { KafkaAdapter } from '../adapters/kafka/kafka-adapter';
import { kafkaMessageToWire } from '../adapters/kafka/kafka-wire';
import { RabbitAdapter } from '../adapters/rabbitmq/rabbit-adapter';
import type { SourceAdapter } from '../adapters/source-adapter';
import { RewindError } from '../api/errors';
import type { Envelope } from '../model/envelope';
import type { ReadFrom, ReadTarget } from '../model/resources';
import { envelopeToWire } from '../projections/envelope-to-wire';
import type { WireEvent } from '../projections/wire';

const PAGE = 10_000;

/**
 * Events of a broker source as batches, read a page at a time so memory stays bounded; stops
 * after `to` (inclusive) or at the end, whichever comes first.
 */
export async function* brokerBatches(adapter: SourceAdapter, target: ReadTarget, from: ReadFrom, to: number | null, signal: AbortSignal, page = PAGE): AsyncGenerator<WireEvent[]> {
  if (adapter instanceof KafkaAdapter && target.type === 'kafka-partition') {
    // One consumer for the whole range: joining a group per page costs more than the page.
    let out: WireEvent[] = [];
    const convert = (m: KafkaMessage) => kafkaMessageToWire(target.topic, m);
    for await (const chunk of adapter.stream(target.topic, target.partition, from, to === null ? null : BigInt(to), signal, convert, page)) {
      for (const e of chunk) out.push(e);
      if (out.length >= 5_000) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
    return;
  }
  if (adapter instanceof RabbitAdapter && target.type === 'rabbit-stream') {
    let next: ReadFrom = from;
    for (;;) {
      const result = await adapter.readEvents(target, next, page, signal);
      const events = to === null ? result.events : result.events.filter((e) => e.position <= to);
      if (events.length > 0) yield events;
      const last = result.events[result.events.length - 1];
      if (!result.next || !last || (to !== null && last.position >= to)) return;
      next = { type: 'position', value: result.next };
    }
  }
  let next: ReadFrom = from;
  for (;;) {
    const items: Envelope[] = [];
    const summary = await adapter.read({ target, from: next, limit: page, signal, onBatch: (b) => items.push(...b), onProgress: () => undefined });
    const events = items.map(envelopeToWire).filter((e) => to === null || e.position <= to);
    if (events.length > 0) yield events;
    const last = items[items.length - 1];
    if (!summary.next || !last || (to !== null && Number(last.position) >= to)) return;
    next = { type: 'position', value: summary.next };
  }
}

/** Events from `from` to `to` inclusive, for replays during time travel. */
export async function brokerRange(adapter: SourceAdapter, target: ReadTarget, from: number, to: number, signal: AbortSignal): Promise<WireEvent[]> {
  if (to < from) return [];
  if (to - from > 1_000_000) throw new RewindError('invalid_input', 'That position is too far from a snapshot to replay');
  const out: WireEvent[] = [];
  for await (const batch of brokerBatches(adapter, target, { type: 'position', value: String(from) }, to, signal)) out.push(...batch);
  return out;
}
