import type { Handlers } from '../api/dispatcher';
import { RewindError, toApiError } from '../api/errors';
import { KafkaAdapter } from '../adapters/kafka/kafka-adapter';
import { RabbitAdapter } from '../adapters/rabbitmq/rabbit-adapter';
import { storeEventToEnvelope } from '../adapters/store/store-envelope';
import type { SourceAdapter } from '../adapters/source-adapter';
import { deathOf, noDeath, type DeadLetter, type DeadLetterSource } from '../model/dead-letters';
import type { Envelope } from '../model/envelope';
import type { Resource } from '../model/resources';
import { SubscriptionStore } from '../store/subscription-store';
import { connectionSummaries, type ConnectionDeps } from './connection-handlers';

type DeadLetterHandlers = Pick<Handlers, 'dead-letters/list' | 'dead-letters/peek'>;

/** A broker that does not answer in this long is listed as unreachable, not waited for. */
const LIST_TIMEOUT_MS = 6_000;
const nf = new Intl.NumberFormat('en-US');

function sourceOf(connection: { id: string; name: string; kind: DeadLetterSource['kind'] }, r: Resource): DeadLetterSource | null {
  const base = { connectionId: connection.id, connectionName: connection.name, kind: connection.kind, resource: r };
  if (r.type === 'kafka-topic' && r.deadLetter) return { ...base, ref: { type: 'kafka-topic', name: r.name }, depth: r.records, unavailable: null };
  if (r.type === 'rabbit-queue' && r.deadLetter) {
    const unavailable = r.queueType === 'quorum' ? 'A quorum queue cannot be peeked without counting a delivery; open it in the management UI or move its messages to inspect them.' : null;
    return { ...base, ref: { type: 'rabbit-queue', vhost: r.vhost, name: r.name }, depth: r.messages, unavailable };
  }
  // A subscription's parked events are its dead letters, even while there are none.
  if (r.type === 'store-subscription') return { ...base, ref: { type: 'store-subscription', name: r.name }, depth: r.parked, unavailable: null };
  return null;
}

const withDeath = (envelope: Envelope): DeadLetter => ({ envelope, death: deathOf(envelope) });

/** The newest `limit` records of a topic, newest first, across its partitions. */
async function newestOfTopic(adapter: SourceAdapter, topic: Extract<Resource, { type: 'kafka-topic' }>, limit: number, signal: AbortSignal): Promise<Envelope[]> {
  const all: Envelope[] = [];
  for (const p of topic.partitions) {
    const high = BigInt(p.high);
    const low = BigInt(p.low);
    if (high <= low) continue;
    const from = high - BigInt(limit) > low ? high - BigInt(limit) : low;
    await adapter.read({
      target: { type: 'kafka-partition', topic: topic.name, partition: p.partition },
      from: { type: 'position', value: from.toString() },
      limit,
      signal,
      onBatch: (items) => all.push(...items),
      onProgress: () => undefined,
    });
  }
  const ts = (e: Envelope) => (e.timestamp ? Date.parse(e.timestamp) : 0);
  return all.sort((a, b) => ts(b) - ts(a) || Number(BigInt(b.position) - BigInt(a.position))).slice(0, limit);
}

/**
 * One view of everything that died: Kafka dead-letter topics, RabbitMQ dead-letter queues and
 * the store's parked events, each with why it died. Looking never moves a message.
 */
export function deadLetterHandlers(deps: ConnectionDeps): DeadLetterHandlers {
  const { pool } = deps;
  return {
    'dead-letters/list': async (_params, { signal }) => {
      const connections = connectionSummaries(deps);
      const sources: DeadLetterSource[] = [];
      const unreachable: { connectionId: string; connectionName: string; message: string }[] = [];
      await Promise.all(
        connections.map(async (c) => {
          try {
            const adapter = await pool.get(c.id);
            const limit = AbortSignal.any([signal, AbortSignal.timeout(LIST_TIMEOUT_MS)]);
            // Not every client library stops on a signal: the list must come back on time regardless.
            const gaveUp = new Promise<never>((_, reject) => limit.addEventListener('abort', () => reject(new RewindError('timeout', `no answer in ${LIST_TIMEOUT_MS / 1000} s`)), { once: true }));
            const resources = await Promise.race([adapter.listResources(limit), gaveUp]);
            for (const r of resources) {
              const s = sourceOf(c, r);
              if (s) sources.push(s);
            }
          } catch (e) {
            unreachable.push({ connectionId: c.id, connectionName: c.name, message: toApiError(e).message });
          }
        }),
      );
      const order = new Map(connections.map((c, i) => [c.id, i]));
      sources.sort((a, b) => order.get(a.connectionId)! - order.get(b.connectionId)! || a.ref.name.localeCompare(b.ref.name));
      return { sources, unreachable: unreachable.sort((a, b) => order.get(a.connectionId)! - order.get(b.connectionId)!) };
    },

    'dead-letters/peek': async ({ connectionId, ref, limit, acceptRedelivered }, { signal }) => {
      const adapter = await pool.get(connectionId);
      if (ref.type === 'store-subscription') {
        const subs = new SubscriptionStore(await pool.store(connectionId));
        const info = subs.get(ref.name);
        const parked = subs.parked(ref.name, limit);
        return {
          messages: parked.map((p) => ({
            envelope: storeEventToEnvelope(p.event, `$all`),
            death: { ...noDeath(), reason: p.lastError, origin: `subscription ${ref.name}`, attempts: p.attempts, at: p.parkedAt },
          })),
          depth: { value: info.parked, exact: true },
          note: `Parked by subscription ${ref.name} after failing ${info.maxAttempts} times; replay them from the subscription.`,
        };
      }
      if (ref.type === 'kafka-topic') {
        if (!(adapter instanceof KafkaAdapter)) throw new RewindError('invalid_input', 'That connection is not a Kafka cluster');
        const topic = (await adapter.listResources(signal)).find((r): r is Extract<Resource, { type: 'kafka-topic' }> => r.type === 'kafka-topic' && r.name === ref.name);
        if (!topic) throw new RewindError('not_found', `No topic ${ref.name}`, 'It may have been deleted; reload the connection.');
        const messages = await newestOfTopic(adapter, topic, limit, signal);
        return {
          messages: messages.map(withDeath),
          depth: topic.records,
          note: `The newest ${nf.format(messages.length)} of ${nf.format(topic.records.value)} records, newest first; reading a topic moves nothing.`,
        };
      }
      if (!(adapter instanceof RabbitAdapter)) throw new RewindError('invalid_input', 'That connection is not a RabbitMQ broker');
      const { messages, depth } = await adapter.peek(ref.vhost, ref.name, limit, signal, acceptRedelivered === true);
      return {
        messages: messages.map(withDeath),
        depth: { value: depth, exact: true },
        note: `The first ${nf.format(messages.length)} of ${nf.format(depth)} messages, each put back in its place (none acknowledged); RabbitMQ now marks them redelivered.`,
      };
    },
  };
}
