import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { fingerprint, type Destination } from './redrive-copy';
import { txCommit, txSelect } from './tx-channel';
import { consumeWidening, type WideningConsumer } from './widening-consumer';

/**
 * After a dropped connection, some messages of a move are in doubt: their copy was confirmed at
 * the target but the removal from the source may not have taken effect, or their publish was
 * never answered. This settles each one by looking, so the outcome can say exactly where every
 * message is: a copy found at its target has its source copy removed (the move completes), a
 * publish that never arrived leaves the message where it was, and only what could not be looked
 * at stays uncertain, with the reason.
 */

export interface DoubtfulMessage {
  place: number;
  messageId: string | null;
  fingerprint: string;
  /** `x-rewind-redrive-id` of the copy that was published. */
  redriveId: string;
  to: Destination;
  /** 'confirmed': the broker confirmed the copy; 'unanswered': published, no answer came. */
  publish: 'confirmed' | 'unanswered';
  /** Whether an ack of the source copy was sent in a transaction whose commit was not answered. */
  ackSent: boolean;
}

export interface Settled {
  /** The copy is at the target and the source copy is gone. */
  moved: DoubtfulMessage[];
  /** The copy never arrived: the message is still only in the source queue. */
  notSent: DoubtfulMessage[];
  /** Could not be settled: perhaps in both places. */
  uncertain: { message: DoubtfulMessage; reason: string }[];
}

/** How much a look inside a queue may hold at once (each looked-at message stays unacknowledged until the end). */
const LOOK_LIMIT = { messages: 200_000, bytes: 256 * 1024 * 1024 };
const IDLE_MS = 2_000;
const SETTLE_DELAY_MS = 1_000;

interface Look {
  /** Messages taken, held unacknowledged until the look ends. */
  taken: number;
  complete: boolean;
  why: string;
}

/**
 * Takes messages from the head of a queue (unacknowledged) and hands each to `see`, until `see`
 * says it has found all it wants, the queue has been read to the depth it had, the budget is
 * spent or nothing arrives for a while. Every message not acked by `see` goes back in its place.
 */
async function lookThrough(channel: Channel, queue: string, see: (m: ConsumeMessage) => 'done' | 'more', signal: AbortSignal): Promise<Look> {
  let { messageCount: depth } = await channel.checkQueue(queue);
  if (depth === 0) return { taken: 0, complete: true, why: '' };
  let taken = 0;
  let bytes = 0;
  let last = Date.now();
  let finished: Look | null = null;
  let wake = () => undefined as void;
  let consumer: WideningConsumer | null = null;
  consumer = await consumeWidening(
    channel,
    queue,
    (m) => {
      if (!m || finished) return;
      taken++;
      bytes += m.content.length;
      last = Date.now();
      if (see(m) === 'done') finished = { taken, complete: true, why: '' };
      else if (taken >= LOOK_LIMIT.messages || bytes >= LOOK_LIMIT.bytes)
        finished = { taken, complete: false, why: `looked at ${taken.toLocaleString('en-US')} messages of ${queue}, the most Rewind holds at once` };
      else if (consumer && taken + 1_000 > consumer.prefetch) consumer.widen(taken + 2_000);
      if (finished || taken >= depth) wake();
    },
    Math.min(depth, 2_000),
  );
  // What arrived before the subscription's answer could not widen it yet (see moveMessages).
  if (!finished && taken + 1_000 > consumer.prefetch) consumer.widen(taken + 2_000);
  while (!finished && !signal.aborted) {
    await new Promise<void>((r) => {
      wake = r;
      setTimeout(r, 250);
    });
    if (finished) break;
    if (taken >= depth) {
      // Read to the depth it had; while everything taken is held, what is ready now arrived since.
      const { messageCount: ready } = await channel.checkQueue(queue);
      if (ready === 0 && taken >= depth) finished = { taken, complete: true, why: '' };
      else depth = taken + ready;
    } else if (Date.now() - last > IDLE_MS)
      finished = { taken, complete: false, why: `${queue} stopped delivering after ${taken.toLocaleString('en-US')} of ${depth.toLocaleString('en-US')} messages` };
  }
  await consumer.cancel();
  return finished ?? { taken, complete: false, why: 'cancelled' };
}

/** Finds which unanswered copies are at their target, by their redrive id; the rest go to `out`. */
export async function findCopies(conn: ChannelModel, doubtful: DoubtfulMessage[], signal: AbortSignal, out: Settled): Promise<DoubtfulMessage[]> {
  const atTarget: DoubtfulMessage[] = [];
  const byQueue = new Map<string, DoubtfulMessage[]>();
  for (const d of doubtful) {
    const q = d.to.queues[0];
    if (q === undefined) {
      // Routed nowhere by the bindings: had it been routed, the broker would have returned it.
      out.notSent.push(d);
      continue;
    }
    byQueue.set(q, [...(byQueue.get(q) ?? []), d]);
  }
  for (const [queue, items] of byQueue) {
    const channel = await conn.createChannel();
    channel.on('error', () => undefined);
    try {
      const { consumerCount } = await channel.checkQueue(queue);
      if (consumerCount > 0) {
        for (const message of items) out.uncertain.push({ message, reason: `its publish was not answered and ${queue} has consumers, so Rewind cannot look for the copy there` });
        continue;
      }
      const wanted = new Map(items.map((d) => [d.redriveId, d]));
      const found = new Set<DoubtfulMessage>();
      const look = await lookThrough(
        channel,
        queue,
        (m) => {
          const id = (m.properties.headers as Record<string, unknown> | undefined)?.['x-rewind-redrive-id'];
          const d = typeof id === 'string' ? wanted.get(id) : undefined;
          if (d) {
            found.add(d);
            wanted.delete(id as string);
          }
          return wanted.size === 0 ? 'done' : 'more';
        },
        signal,
      );
      // Everything looked at goes back, in its place.
      channel.nackAll(true);
      for (const d of items) {
        if (found.has(d)) atTarget.push(d);
        else if (look.complete) out.notSent.push(d);
        else out.uncertain.push({ message: d, reason: `its publish was not answered, and ${look.why}` });
      }
    } catch (e) {
      for (const message of items) if (!atTarget.includes(message)) out.uncertain.push({ message, reason: `could not look in ${queue}: ${(e as Error).message}` });
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
  return atTarget;
}

/** Removes the source copies of messages whose copy is at the target: found by their fingerprint near the head of the source queue. */
async function removeSourceCopies(conn: ChannelModel, queue: string, atTarget: DoubtfulMessage[], signal: AbortSignal, out: Settled): Promise<void> {
  if (atTarget.length === 0) return;
  const wanted = new Map<string, DoubtfulMessage[]>();
  for (const d of atTarget) wanted.set(d.fingerprint, [...(wanted.get(d.fingerprint) ?? []), d]);
  let left = atTarget.length;
  const channel = await conn.createChannel();
  channel.on('error', () => undefined);
  try {
    await txSelect(channel);
    const removed: DoubtfulMessage[] = [];
    const look = await lookThrough(
      channel,
      queue,
      (m) => {
        const fp = fingerprint(m);
        const list = wanted.get(fp);
        const d = list?.shift();
        if (d) {
          channel.ack(m);
          removed.push(d);
          left--;
        }
        return left === 0 ? 'done' : 'more';
      },
      signal,
    );
    // One transaction: the removals and the put-backs take effect together.
    channel.nackAll(true);
    await txCommit(channel);
    out.moved.push(...removed);
    for (const list of wanted.values()) {
      for (const d of list) {
        // Not in the source any more: a removal sent in an unanswered commit took effect (or
        // another consumer took it); either way the one copy left is the one at the target.
        if (look.complete) out.moved.push(d);
        else out.uncertain.push({ message: d, reason: `its copy is at the target, and ${look.why}` });
      }
    }
  } catch (e) {
    for (const list of wanted.values()) for (const message of list) out.uncertain.push({ message, reason: `could not look in ${queue}: ${(e as Error).message}` });
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/**
 * Settles what a dropped connection left in doubt, on a fresh connection: first which unanswered
 * publishes arrived (by looking at their target queues, when nobody else consumes from them),
 * then removes the source copy of every message known to be at its target.
 */
export async function settleInDoubt(conn: ChannelModel, sourceQueue: string, doubtful: DoubtfulMessage[], signal: AbortSignal): Promise<Settled> {
  const out: Settled = { moved: [], notSent: [], uncertain: [] };
  // The broker may still be handing the dropped channel's last publishes to their queues.
  await new Promise((r) => setTimeout(r, SETTLE_DELAY_MS));
  const confirmed = doubtful.filter((d) => d.publish === 'confirmed');
  const found = await findCopies(
    conn,
    doubtful.filter((d) => d.publish === 'unanswered'),
    signal,
    out,
  );
  await removeSourceCopies(conn, sourceQueue, [...confirmed, ...found], signal, out);
  return out;
}
