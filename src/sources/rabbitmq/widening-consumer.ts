import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * A consumer whose prefetch can grow while it runs. Messages a move keeps (not chosen, or that
 * cannot go) stay unacknowledged and count against the prefetch, so it must widen as they pile
 * up. RabbitMQ applies a changed per-consumer prefetch only to consumers started after it, and
 * quorum queues refuse a channel-wide one; so widening sets the new limit and subscribes again.
 * Deliveries held unacknowledged stay with the channel, and the new subscription goes on from
 * the next message in the queue.
 */
export interface WideningConsumer {
  readonly prefetch: number;
  /** Raises the prefetch to at least `n` (never lowers it). */
  widen(n: number): void;
  cancel(): Promise<void>;
}

export async function consumeWidening(channel: Channel, queue: string, onMessage: (m: ConsumeMessage | null) => void, prefetch: number): Promise<WideningConsumer> {
  let limit = prefetch;
  let cancelled = false;
  await channel.prefetch(limit);
  let tag = (await channel.consume(queue, onMessage, { noAck: false })).consumerTag;
  /** Widenings one at a time; a cancelled consumer does not come back. */
  let chain: Promise<void> = Promise.resolve();
  return {
    get prefetch() {
      return limit;
    },
    widen(n: number) {
      if (n <= limit || cancelled) return;
      limit = n;
      chain = chain.then(async () => {
        if (cancelled) return;
        try {
          await channel.prefetch(limit);
          await channel.cancel(tag);
          if (!cancelled) tag = (await channel.consume(queue, onMessage, { noAck: false })).consumerTag;
        } catch {
          // The channel closed: its own close handlers report that.
        }
      });
    },
    async cancel() {
      cancelled = true;
      await chain;
      await channel.cancel(tag).catch(() => undefined);
    },
  };
}
