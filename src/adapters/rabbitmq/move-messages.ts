import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { RewindError } from '../../api/errors';

/**
 * Moves messages out of a queue so that none is ever lost: each is taken unacknowledged,
 * published with publisher confirms and `mandatory`, and its copy in the source is acknowledged
 * only after the broker confirmed the publish and did not return it. The source channel is
 * transactional, so which acknowledgements took effect is known exactly: if the connection
 * drops, a message whose publish was confirmed but whose ack was not committed is in both places
 * (counted as a duplicate), and everything else still in flight goes back to the queue.
 */

export interface Destination {
  exchange: string;
  routingKey: string;
  /** Extra routing keys RabbitMQ recorded (CC), sent as the CC header. */
  cc: string[];
}

/** What to do with one message: move it, keep it (not chosen), or keep it because it cannot go. */
export type Decision = { move: Destination } | { keep: 'not-selected' } | { keep: 'cannot'; reason: string };

export interface MoveProgress {
  looked: number;
  moved: number;
  failed: number;
  inFlight: number;
}

export interface Failure {
  /** The message's place in the queue when the move began (1 = the head). */
  place: number;
  messageId: string | null;
  reason: string;
}

export interface MoveOutcome {
  looked: number;
  moved: number;
  failures: Failure[];
  /** Confirmed at the target, but the source ack did not take effect: the message is in both places. */
  duplicates: number;
  /** Published, but the connection dropped before the broker answered: it may be in both places. */
  uncertain: number;
  stoppedBy: 'done' | 'cancelled' | 'emptied' | 'error';
  error: RewindError | null;
}

export interface MoveOptions {
  conn: ChannelModel;
  queue: string;
  /** Look at no more than this many (the depth when the move began); later arrivals stay. */
  limit: number;
  /** Stop once this many chosen messages were handled (a selection), or null for all. */
  wanted: number | null;
  decide(message: ConsumeMessage, place: number): Decision;
  /** Marks each copy: `x-rewind-redrive-id` = `${runId}:${place}`. */
  runId: string;
  /** Put back the per-message TTL that RabbitMQ moved to x-death when it dead-lettered an expired message. */
  restoreTtl: boolean;
  ratePerSecond: number | null;
  signal: AbortSignal;
  onProgress(progress: MoveProgress): void;
  /** Messages taken but not yet settled; larger is faster, at the cost of memory. */
  window?: number;
}

interface RpcChannel {
  rpc(method: number, fields: object, expect: number): Promise<unknown>;
}
/** AMQP 0-9-1 method ids (class `tx` is 90): amqplib speaks them but has no call for them. */
const defs = { TxSelect: (90 << 16) | 10, TxSelectOk: (90 << 16) | 11, TxCommit: (90 << 16) | 20, TxCommitOk: (90 << 16) | 21 };

const COMMIT_EVERY_MS = 20;

function latestDeath(m: ConsumeMessage): Record<string, unknown> | null {
  const deaths = (m.properties.headers as Record<string, unknown> | undefined)?.['x-death'];
  return Array.isArray(deaths) && deaths[0] && typeof deaths[0] === 'object' ? (deaths[0] as Record<string, unknown>) : null;
}

/** Every property and header as the message carries them, plus Rewind's three marks. */
function publishOptions(m: ConsumeMessage, queue: string, id: string, to: Destination, restoreTtl: boolean): Options.Publish {
  const p = m.properties;
  const headers: Record<string, unknown> = { ...(p.headers ?? {}) };
  const count = typeof headers['x-rewind-redrive-count'] === 'number' ? (headers['x-rewind-redrive-count'] as number) : 0;
  headers['x-rewind-redrive-count'] = count + 1;
  headers['x-rewind-redriven-from'] = queue;
  headers['x-rewind-redrive-id'] = id;
  if (to.cc.length > 0) {
    const existing = Array.isArray(headers.CC) ? (headers.CC as unknown[]).filter((k): k is string => typeof k === 'string') : [];
    const missing = to.cc.filter((k) => !existing.includes(k));
    if (missing.length > 0) headers.CC = [...existing, ...missing];
  }
  const ttl = restoreTtl ? latestDeath(m)?.['original-expiration'] : undefined;
  const options: Options.Publish = { mandatory: true, headers };
  if (p.contentType !== undefined) options.contentType = p.contentType;
  if (p.contentEncoding !== undefined) options.contentEncoding = p.contentEncoding;
  if (p.deliveryMode !== undefined) options.deliveryMode = p.deliveryMode;
  if (p.priority !== undefined) options.priority = p.priority;
  if (p.correlationId !== undefined) options.correlationId = p.correlationId;
  if (p.replyTo !== undefined) options.replyTo = p.replyTo;
  if (typeof ttl === 'string') options.expiration = ttl;
  else if (p.expiration !== undefined) options.expiration = p.expiration;
  if (p.messageId !== undefined) options.messageId = p.messageId;
  if (p.timestamp !== undefined) options.timestamp = p.timestamp;
  if (p.type !== undefined) options.type = p.type;
  if (p.userId !== undefined) options.userId = p.userId;
  if (p.appId !== undefined) options.appId = p.appId;
  return options;
}

export async function moveMessages(o: MoveOptions): Promise<MoveOutcome> {
  // A slow (rate-limited) move takes no more than it can send soon, leaving the rest to others.
  const window = o.window ?? (o.ratePerSecond ? Math.max(10, Math.min(1000, o.ratePerSecond)) : 1000);
  const failures: Failure[] = [];
  let looked = 0;
  let chosen = 0;
  let moved = 0;
  /** Chosen and waiting for the rate limit: not sent yet. */
  let waiting = 0;
  /** Sent and not yet answered by the broker. */
  let unconfirmed = 0;
  let duplicates = 0;
  let uncertain = 0;
  let error: RewindError | null = null;
  let stoppedBy: MoveOutcome['stoppedBy'] = 'done';
  let taking = true;
  let lastDelivery = Date.now();

  /** Taken and to be put back at the end, in their order: not chosen, or could not go. */
  const held: ConsumeMessage[] = [];
  /** Acked in the open transaction: moved once it commits. */
  let uncommitted: ConsumeMessage[] = [];
  const returned = new Set<string>();

  const src = await o.conn.createChannel();
  const pub: ConfirmChannel = await o.conn.createConfirmChannel();
  let srcOpen = true;
  let pubOpen = true;
  /** Set when Rewind closes the channels itself: their close is then no fault. */
  let closing = false;
  const fail = (e: RewindError) => {
    if (closing) return;
    error ??= e;
    stoppedBy = 'error';
    taking = false;
    wake();
  };
  src.on('error', (e: Error) => fail(new RewindError('network', `The source channel closed: ${e.message}`)));
  src.on('close', () => {
    srcOpen = false;
    if (closing) return;
    fail(
      new RewindError(
        'network',
        'The connection to RabbitMQ dropped while moving messages',
        'Nothing was lost: messages not yet acknowledged went back to the queue. Run the redrive again for the rest.',
      ),
    );
  });
  pub.on('error', (e: Error) => fail(publishRefused(e)));
  pub.on('close', () => {
    pubOpen = false;
    if (closing) return;
    fail(new RewindError('network', 'The publishing channel closed'));
  });
  pub.on('return', (m: ConsumeMessage) => {
    const id = (m.properties.headers as Record<string, unknown> | undefined)?.['x-rewind-redrive-id'];
    if (typeof id === 'string') returned.add(id);
  });

  let wake: () => void = () => undefined;
  const changed = () => new Promise<void>((resolve) => (wake = resolve));

  const inFlight = () => waiting + unconfirmed;
  let reported = 0;
  const reportNow = () => {
    reported = Date.now();
    o.onProgress({ looked, moved: moved + uncommitted.length, failed: failures.length, inFlight: inFlight() });
  };
  // Progress at most every 50 ms: per message it would cost more than the move.
  const report = () => {
    if (Date.now() - reported >= 50) reportNow();
  };
  /** The newest confirmed delivery not yet acknowledged, acked with `multiple` at the next commit. */
  let lastConfirmed: ConsumeMessage | null = null;
  const ackConfirmed = () => {
    if (lastConfirmed && srcOpen) src.ack(lastConfirmed, true);
    lastConfirmed = null;
  };
  const hold = (m: ConsumeMessage) => {
    // A multiple-ack must never cover a held message: settle what is confirmed before holding.
    ackConfirmed();
    held.push(m);
    // Held messages count against the prefetch: widen it so the move keeps flowing.
    if (held.length % 200 === 0 && srcOpen) void src.prefetch(window + held.length + 200).catch(() => undefined);
  };

  // The rate limit: the earliest time the next publish may go.
  let nextSlot = Date.now();
  const slot = async () => {
    if (!o.ratePerSecond) return;
    const now = Date.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + 1000 / o.ratePerSecond;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  };

  const publish = async (m: ConsumeMessage, place: number, to: Destination) => {
    // In flight from the moment it is chosen: a rate-limited wait is part of its way out.
    waiting++;
    await slot();
    waiting--;
    if (!pubOpen || error) {
      hold(m);
      return wake();
    }
    const id = `${o.runId}:${place}`;
    unconfirmed++;
    try {
      pub.publish(to.exchange, to.routingKey, m.content, publishOptions(m, o.queue, id, to, o.restoreTtl), (err: unknown) => {
        unconfirmed--;
        if (err) {
          // A channel that closed under an unanswered publish: it may or may not have been routed.
          if ((err as Error).message === 'channel closed') uncertain++;
          else failures.push({ place, messageId: m.properties.messageId ?? null, reason: 'the broker refused the publish (nack)' });
          hold(m);
        } else if (returned.delete(id)) {
          failures.push({
            place,
            messageId: m.properties.messageId ?? null,
            reason: `unroutable: ${to.exchange === '' ? 'the default exchange' : `exchange ${to.exchange}`} routed "${to.routingKey}" to no queue`,
          });
          hold(m);
        } else if (srcOpen) {
          // While nothing is held, every earlier delivery is settled: one ack covers them all.
          if (held.length === 0) lastConfirmed = m;
          else src.ack(m);
          uncommitted.push(m);
        } else {
          // At the target, but the source channel is gone: its copy went back to the queue.
          duplicates++;
        }
        report();
        wake();
      });
    } catch (e) {
      unconfirmed--;
      failures.push({ place, messageId: m.properties.messageId ?? null, reason: (e as Error).message });
      hold(m);
      wake();
    }
  };

  // Commits the acks sent so far; after the commit-ok those messages are gone from the source.
  let committing: Promise<void> = Promise.resolve();
  const commit = () => {
    committing = committing.then(async () => {
      if (uncommitted.length === 0) return;
      if (!srcOpen) {
        // Acked in a transaction that can no longer commit: those acks never took effect.
        duplicates += uncommitted.length;
        uncommitted = [];
        return;
      }
      ackConfirmed();
      const batch = uncommitted;
      uncommitted = [];
      try {
        await (src as unknown as RpcChannel).rpc(defs.TxCommit, {}, defs.TxCommitOk);
        moved += batch.length;
      } catch {
        // The commit did not happen: those acks never took effect, and their copies are at the target.
        duplicates += batch.length;
      }
      report();
    });
    return committing;
  };
  const committer = setInterval(() => void commit(), COMMIT_EVERY_MS);

  let consumerTag: string | null = null;
  const onAbort = () => {
    if (stoppedBy === 'done') stoppedBy = 'cancelled';
    taking = false;
    wake();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });

  try {
    await (src as unknown as RpcChannel).rpc(defs.TxSelect, {}, defs.TxSelectOk);
    await src.prefetch(window);
    const consumed = await src.consume(
      o.queue,
      (m) => {
        if (!m) {
          // The broker cancelled the consumer: the queue was deleted.
          if (taking) stoppedBy = 'emptied';
          taking = false;
          return wake();
        }
        lastDelivery = Date.now();
        if (!taking || looked >= o.limit) return hold(m);
        const place = ++looked;
        const d = o.decide(m, place);
        if ('keep' in d) {
          if (d.keep === 'cannot') {
            chosen++;
            failures.push({ place, messageId: m.properties.messageId ?? null, reason: d.reason });
          }
          hold(m);
        } else {
          chosen++;
          void publish(m, place, d.move);
        }
        if (looked >= o.limit || (o.wanted !== null && chosen >= o.wanted)) taking = false;
        report();
        wake();
      },
      { noAck: false },
    );
    consumerTag = consumed.consumerTag;

    // Until everything chosen is taken and settled, the queue ran dry, or the user cancelled.
    while (taking || inFlight() > 0) {
      if (!taking && inFlight() === 0) break;
      if (error && !pubOpen) break;
      const tick = new Promise<void>((r) => setTimeout(r, 250));
      await Promise.race([changed(), tick]);
      if (taking && inFlight() === 0 && Date.now() - lastDelivery > 1_000 && srcOpen) {
        // Nothing arrives: someone else may have emptied the queue since the move began.
        const { messageCount } = await src.checkQueue(o.queue).catch(() => ({ messageCount: -1 }));
        if (messageCount === 0 && Date.now() - lastDelivery > 1_000) {
          stoppedBy = 'emptied';
          taking = false;
        }
      }
    }
  } catch (e) {
    fail(e instanceof RewindError ? e : new RewindError('internal', (e as Error).message));
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    if (consumerTag && srcOpen) await src.cancel(consumerTag).catch(() => undefined);
    // Everything published has had its answer, or the connection is gone (then: uncertain).
    const deadline = Date.now() + 15_000;
    while (inFlight() > 0 && pubOpen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    clearInterval(committer);
    await commit();
    if (srcOpen) {
      // Back in their places, in their order: held messages are requeued in one transaction.
      for (const m of held) src.nack(m, false, true);
      await (src as unknown as RpcChannel).rpc(defs.TxCommit, {}, defs.TxCommitOk).catch(() => undefined);
    }
    closing = true;
    await src.close().catch(() => undefined);
    await pub.close().catch(() => undefined);
  }
  reportNow();
  // Sent without an answer: perhaps routed, perhaps not; never acknowledged here, so never lost.
  return { looked, moved, failures, duplicates, uncertain: uncertain + unconfirmed, stoppedBy, error };
}

/** Why the broker closed the publishing channel, in words that say what to do. */
function publishRefused(e: Error): RewindError {
  const text = e.message;
  if (/ACCESS_REFUSED|403/.test(text)) return new RewindError('auth', `RabbitMQ refused the publish: ${text}`, 'The user needs write permission on the target exchange.');
  if (/NOT_FOUND|404/.test(text)) return new RewindError('not_found', `The target is gone: ${text}`, 'The exchange was deleted; pick another target.');
  if (/PRECONDITION_FAILED|406/.test(text)) return new RewindError('invalid_input', `RabbitMQ refused a message: ${text}`, 'A message property (such as user_id) does not fit this connection.');
  return new RewindError('network', `The publishing channel closed: ${text}`);
}

export type { Channel };
