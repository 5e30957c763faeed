import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { RewindError } from '../../model/errors';
import { fingerprint, publishOptions, type Destination } from './redrive-copy';
import { findCopies, settleInDoubt, type DoubtfulMessage, type Settled } from './settle-in-doubt';
import { txCommit, txSelect } from './tx-channel';
import { consumeWidening, type WideningConsumer } from './widening-consumer';

/**
 * Moves messages out of a queue so that none is ever lost: each is taken unacknowledged,
 * published with publisher confirms and `mandatory`, and its copy in the source is acknowledged
 * only after the broker confirmed the publish and did not return it. The source channel is
 * transactional, so which acknowledgements took effect is known exactly. If the connection drops,
 * what was in flight is settled on a fresh connection (see settle-in-doubt.ts), and what cannot
 * be settled is reported by id as perhaps in both places.
 */

export type { Destination } from './redrive-copy';

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
  /** Known to be at the target and still in the source queue. */
  duplicates: number;
  /** Perhaps in both places: what could not be settled after the connection dropped. */
  uncertain: number;
  /** Each message counted in `duplicates` or `uncertain`, with why. */
  inBothPlaces: Failure[];
  /** What was settled on a fresh connection after the first one dropped. */
  settled: { moved: number; notSent: number; uncertain: number } | null;
  stoppedBy: 'done' | 'cancelled' | 'emptied' | 'error';
  error: RewindError | null;
}

export interface MoveOptions {
  /** Where messages are taken from. */
  conn: ChannelModel;
  /** Where copies are published: a connection of its own lets the broker work both sides at once. */
  publishConn?: ChannelModel;
  /** A fresh connection to the same vhost: settles what a dropped one left in doubt. */
  reconnect(): Promise<ChannelModel>;
  queue: string;
  /** Look at no more than this many messages from the head (what the user confirmed). */
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
  /** Messages taken but not yet settled, at most; by default as many as fit in 32 MB, up to 4,000. */
  window?: number;
  /** How long the queue must stay empty before the move ends short of `limit` (messages a dry run looked at may still be on their way back). */
  emptyAfterMs?: number;
}

/** One delivery, from the moment it is taken until it leaves the source or is put back. */
interface Entry {
  m: ConsumeMessage;
  tag: number;
  place: number;
  /** held: kept, put back at the end; waiting: for the rate limit; sent: no answer yet; confirmed: at the target, to be acked. */
  state: 'held' | 'waiting' | 'sent' | 'confirmed' | 'committing';
  to: Destination | null;
  redriveId: string;
}

const COMMIT_EVERY_MS = 20;
const FIRST_WINDOW = 200;
const MAX_WINDOW = 4_000;
const WINDOW_BYTES = 32 * 1024 * 1024;
const SETTLE_RECONNECT_MS = 30_000;
/** A queue that holds messages but delivers none for this long has stalled: said, not waited on forever. */
const STALL_MS = 15_000;

export async function moveMessages(o: MoveOptions): Promise<MoveOutcome> {
  // A slow (rate-limited) move takes no more than it can send soon, leaving the rest to others.
  // Otherwise the window starts small and grows to what fits in WINDOW_BYTES once sizes are seen:
  // confirms wait for the broker's disk, so throughput is the window over that wait.
  const fixed = o.window ?? (o.ratePerSecond ? Math.max(10, Math.min(1000, o.ratePerSecond)) : null);
  let window = fixed ?? FIRST_WINDOW;
  let sizes = 0;
  const emptyAfterMs = o.emptyAfterMs ?? 3_000;
  const failures: Failure[] = [];
  let looked = 0;
  let chosen = 0;
  let moved = 0;
  let error: RewindError | null = null;
  let stoppedBy: MoveOutcome['stoppedBy'] = 'done';
  let taking = true;
  let lastDelivery = Date.now();

  /** Every delivery not yet acknowledged, in delivery-tag order (deliveries arrive in that order). */
  const unacked = new Map<number, Entry>();
  /** Confirmed at the target, acked at the next commit. */
  let confirmed: Entry[] = [];
  /** Acked in the transaction whose commit is on its way. */
  let committing: Entry[] = [];
  let held = 0;
  let consumer: WideningConsumer | null = null;
  let waiting = 0;
  let sent = 0;
  const returned = new Set<string>();

  const src = await o.conn.createChannel();
  const pub: ConfirmChannel = await (o.publishConn ?? o.conn).createConfirmChannel();
  let srcOpen = true;
  let pubOpen = true;
  /** Set when Rewind closes the channels itself: their close is then no fault. */
  let closing = false;
  let wake: () => void = () => undefined;
  const changed = () => new Promise<void>((resolve) => (wake = resolve));
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
        'Nothing was lost: what was in flight was settled afterwards (see the outcome). Run the redrive again for the rest.',
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

  const inFlight = () => waiting + sent;
  let reported = 0;
  const reportNow = () => {
    reported = Date.now();
    o.onProgress({ looked, moved: moved + committing.length + confirmed.length, failed: failures.length, inFlight: inFlight() });
  };
  // Progress at most every 50 ms: per message it would cost more than the move.
  const report = () => {
    if (Date.now() - reported >= 50) reportNow();
  };
  const hold = (e: Entry) => {
    e.state = 'held';
    held++;
    // Held messages count against the prefetch: widen it so the move keeps flowing.
    if (consumer && held + window > consumer.prefetch && srcOpen) consumer.widen(held + window + 200);
  };
  const failure = (e: Entry, reason: string) => failures.push({ place: e.place, messageId: e.m.properties.messageId ?? null, reason });

  // The rate limit: the earliest time the next publish may go.
  let nextSlot = Date.now();
  const slot = async () => {
    if (!o.ratePerSecond) return;
    const now = Date.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + 1000 / o.ratePerSecond;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  };

  const publish = async (e: Entry, to: Destination) => {
    e.state = 'waiting';
    waiting++;
    await slot();
    waiting--;
    if (!pubOpen || error) {
      hold(e);
      return wake();
    }
    e.state = 'sent';
    sent++;
    try {
      pub.publish(to.exchange, to.routingKey, e.m.content, publishOptions(e.m, o.queue, e.redriveId, to, o.restoreTtl), (err: unknown) => {
        sent--;
        if (err) {
          if ((err as Error).message === 'channel closed') {
            // The channel closed first: routed or not, it stays `sent` and is settled later by looking.
          } else {
            failure(e, 'the broker refused the publish (nack)');
            hold(e);
          }
        } else if (returned.delete(e.redriveId)) {
          failure(e, `unroutable: ${to.exchange === '' ? `queue ${to.routingKey} does not exist` : `exchange ${to.exchange} routed "${to.routingKey}" to no queue`}`);
          hold(e);
        } else {
          e.state = 'confirmed';
          confirmed.push(e);
        }
        report();
        wake();
      });
    } catch (err) {
      sent--;
      failure(e, (err as Error).message);
      hold(e);
      wake();
    }
  };

  /**
   * Acks what is confirmed and commits. A multiple-ack covers every unacked delivery up to its
   * tag, so it is used only for a run of confirmed deliveries at the front; the rest are acked
   * one by one. Never acks a tag twice: an entry leaves `unacked` as its ack is sent.
   */
  let commitChain: Promise<void> = Promise.resolve();
  const commit = () => {
    commitChain = commitChain.then(async () => {
      if (confirmed.length === 0 || !srcOpen) return;
      const batch = confirmed;
      confirmed = [];
      let last: Entry | null = null;
      for (const e of unacked.values()) {
        if (e.state !== 'confirmed') break;
        last = e;
      }
      if (last) {
        src.ack(last.m, true);
        for (const e of unacked.values()) {
          unacked.delete(e.tag);
          e.state = 'committing';
          if (e === last) break;
        }
      }
      for (const e of batch) {
        if (e.state !== 'confirmed') continue;
        src.ack(e.m);
        unacked.delete(e.tag);
        e.state = 'committing';
      }
      committing = batch;
      try {
        await txCommit(src);
        moved += batch.length;
        committing = [];
      } catch {
        // Unanswered: those removals may or may not have taken effect. Settled afterwards.
      }
      report();
    });
    return commitChain;
  };
  const committer = setInterval(() => void commit(), COMMIT_EVERY_MS);

  const onAbort = () => {
    if (stoppedBy === 'done') stoppedBy = 'cancelled';
    taking = false;
    wake();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  let settled: MoveOutcome['settled'] = null;
  const inBothPlaces: Failure[] = [];
  let duplicates = 0;
  let uncertain = 0;

  try {
    await txSelect(src);
    consumer = await consumeWidening(
      src,
      o.queue,
      (m) => {
        if (!m) {
          // The broker cancelled the consumer: the queue was deleted.
          if (taking) stoppedBy = 'emptied';
          taking = false;
          return wake();
        }
        lastDelivery = Date.now();
        if (fixed === null && window < MAX_WINDOW && looked < FIRST_WINDOW) {
          sizes += m.content.length;
          if (looked === FIRST_WINDOW - 1) {
            window = Math.max(FIRST_WINDOW, Math.min(MAX_WINDOW, Math.floor(WINDOW_BYTES / Math.max(1, sizes / FIRST_WINDOW))));
            consumer?.widen(held + window);
          }
        }
        const e: Entry = { m, tag: m.fields.deliveryTag, place: 0, state: 'held', to: null, redriveId: '' };
        unacked.set(e.tag, e);
        if (!taking || looked >= o.limit) return hold(e);
        e.place = ++looked;
        e.redriveId = `${o.runId}:${e.place}`;
        const d = o.decide(m, e.place);
        if ('keep' in d) {
          if (d.keep === 'cannot') {
            chosen++;
            failure(e, d.reason);
          }
          hold(e);
        } else {
          chosen++;
          e.to = d.move;
          void publish(e, d.move);
        }
        if (looked >= o.limit || (o.wanted !== null && chosen >= o.wanted)) taking = false;
        report();
        wake();
      },
      window,
    );
    // Deliveries can come before the subscription's answer does: what was held or sized in the
    // meantime could not widen a consumer that did not exist yet, and a full prefetch of held
    // messages delivers nothing more (seen as a stall after 10 on a loaded machine).
    const wanted = held > 0 ? held + window + 200 : window;
    if (wanted > consumer.prefetch && srcOpen) consumer.widen(wanted);

    // Until everything chosen is taken and settled, the queue ran dry, or the user cancelled.
    while (taking || inFlight() > 0) {
      if (error && !pubOpen) break;
      const tick = new Promise<void>((r) => setTimeout(r, 250));
      await Promise.race([changed(), tick]);
      if (taking && inFlight() === 0 && Date.now() - lastDelivery > emptyAfterMs && srcOpen) {
        // Nothing arrives: the queue holds fewer than were confirmed (someone else took some).
        const { messageCount } = await src.checkQueue(o.queue).catch(() => ({ messageCount: -1 }));
        if (messageCount === 0 && Date.now() - lastDelivery > emptyAfterMs) {
          stoppedBy = 'emptied';
          taking = false;
        } else if (messageCount > 0 && Date.now() - lastDelivery > STALL_MS) {
          fail(
            new RewindError(
              'timeout',
              `RabbitMQ stopped delivering from ${o.queue}: ${messageCount.toLocaleString('en-US')} messages are ready, none arrived for ${STALL_MS / 1000} s`,
              'Another consumer may hold the queue exclusively, or the broker is under a resource alarm. Nothing was lost; run the redrive again once it delivers.',
            ),
          );
        }
      }
    }
  } catch (e) {
    fail(e instanceof RewindError ? e : new RewindError('internal', (e as Error).message));
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    if (consumer && srcOpen) await consumer.cancel();
    // Everything published has had its answer, or the channel is gone (then: unanswered).
    const deadline = Date.now() + 15_000;
    while (inFlight() > 0 && pubOpen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    clearInterval(committer);
    await commit();
    await commitChain;

    // Sent without an answer; and, once the source channel is gone, confirmed copies whose removal did not (surely) take effect.
    const doubtful = [...[...unacked.values()].filter((e) => e.state === 'sent' || (!srcOpen && e.state === 'confirmed')), ...(srcOpen ? [] : committing)];
    if (doubtful.length > 0) {
      const result = await settle(o, doubtful, srcOpen ? { src, unacked } : null);
      moved += result.moved;
      settled = { moved: result.moved, notSent: result.notSent, uncertain: result.uncertain.length };
      for (const u of result.uncertain) {
        inBothPlaces.push(u);
        if (u.known) duplicates++;
        else uncertain++;
      }
    }
    if (srcOpen) {
      // Back in their places, in their order: everything not moved is requeued in one transaction.
      src.nackAll(true);
      await txCommit(src).catch(() => undefined);
    }
    closing = true;
    await src.close().catch(() => undefined);
    await pub.close().catch(() => undefined);
  }
  reportNow();
  return { looked, moved, failures, duplicates, uncertain, inBothPlaces, settled, stoppedBy, error };
}

interface SettleResult {
  moved: number;
  notSent: number;
  uncertain: (Failure & { known: boolean })[];
}

/**
 * What a dropped channel left in doubt. While the source channel lives, a copy found at its
 * target is acked there; once it is gone, a fresh connection looks (settle-in-doubt.ts). When
 * no connection can be had, each is reported as it stands: known in both places, or perhaps.
 */
async function settle(o: MoveOptions, entries: Entry[], live: { src: Awaited<ReturnType<ChannelModel['createChannel']>>; unacked: Map<number, Entry> } | null): Promise<SettleResult> {
  const doubtful: DoubtfulMessage[] = entries.map((e) => ({
    place: e.place,
    messageId: e.m.properties.messageId ?? null,
    fingerprint: fingerprint(e.m),
    redriveId: e.redriveId,
    to: e.to!,
    publish: e.state === 'confirmed' || e.state === 'committing' ? 'confirmed' : 'unanswered',
    ackSent: e.state === 'committing',
  }));
  const failure = (d: DoubtfulMessage, reason: string, known: boolean) => ({ place: d.place, messageId: d.messageId, reason, known });
  let conn: ChannelModel | null = null;
  const until = Date.now() + SETTLE_RECONNECT_MS;
  let lastError = '';
  while (!conn && Date.now() < until) {
    try {
      conn = live ? o.conn : await o.reconnect();
      conn.on('error', () => undefined);
    } catch (e) {
      lastError = (e as Error).message;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  if (!conn) {
    return {
      moved: 0,
      notSent: 0,
      uncertain: doubtful.map((d) =>
        d.publish === 'confirmed' && !d.ackSent
          ? failure(d, `in both places: confirmed at the target, and back in ${o.queue} (RabbitMQ could not be reached again to remove it: ${lastError})`, true)
          : failure(
              d,
              `perhaps in both places: ${d.publish === 'unanswered' ? 'its publish was not answered' : 'the removal was not answered'}, and RabbitMQ could not be reached again to look (${lastError})`,
              false,
            ),
      ),
    };
  }
  try {
    const signal = AbortSignal.timeout(120_000);
    if (live) {
      // The source channel still holds these deliveries: ack the ones whose copy arrived.
      const out: Settled = { moved: [], notSent: [], uncertain: [] };
      const atTarget = await findCopies(conn, doubtful, signal, out);
      const byPlace = new Map(entries.map((e) => [e.place, e]));
      for (const d of atTarget) {
        const e = byPlace.get(d.place)!;
        live.src.ack(e.m);
        live.unacked.delete(e.tag);
      }
      await txCommit(live.src);
      return { moved: atTarget.length, notSent: out.notSent.length, uncertain: out.uncertain.map((u) => failure(u.message, `perhaps in both places: ${u.reason}`, false)) };
    }
    const result = await settleInDoubt(conn, o.queue, doubtful, signal);
    return {
      moved: result.moved.length,
      notSent: result.notSent.length,
      uncertain: result.uncertain.map((u) => failure(u.message, `perhaps in both places: ${u.reason}`, u.message.publish === 'confirmed' && !u.message.ackSent)),
    };
  } finally {
    if (!live) await conn.close().catch(() => undefined);
  }
}

/** Why the broker closed the publishing channel, in words that say what to do. */
function publishRefused(e: Error): RewindError {
  const text = e.message;
  if (/ACCESS_REFUSED|403/.test(text)) return new RewindError('auth', `RabbitMQ refused the publish: ${text}`, 'The user needs write permission on the target exchange.');
  if (/NOT_FOUND|404/.test(text)) return new RewindError('not_found', `The target is gone: ${text}`, 'The exchange was deleted; pick another target.');
  if (/PRECONDITION_FAILED|406/.test(text)) return new RewindError('invalid_input', `RabbitMQ refused a message: ${text}`, 'A message property (such as user_id) does not fit this connection.');
  return new RewindError('network', `The publishing channel closed: ${text}`);
}
