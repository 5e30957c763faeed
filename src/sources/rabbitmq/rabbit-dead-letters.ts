import type { BodyDecoding } from '../../decoding/decode-body';
import type { ChannelModel, GetMessage, Message } from 'amqplib';
import { RewindError } from '../../model/errors';
import { deathOf, type DeadLetter, type DeadLetterRef } from '../../model/dead-letters';
import type { PlanRow, RedrivePlan, RedriveProgress } from '../../model/redrive';
import type { DeadLetterAbility, RedriveRequest, SourceRedriveOutcome } from '../source-adapter';
import type { ManagementQueue } from './management-client';
import { moveMessages, type Decision } from './move-messages';
import { rabbitMessageToEnvelope } from './rabbit-envelope';
import { fingerprint, type Destination } from './redrive-copy';
import { route, type Topology } from './routing';

/** What the dead-letter ability needs from the RabbitMQ adapter. */
export interface RabbitAccess {
  connectTo(vhost: string): Promise<ChannelModel>;
  /** How the queue's bodies are decoded (the connection's chain and choices). */
  bodyDecoding(target: { vhost: string; queue: string }): BodyDecoding;
  queueInfo(vhost: string, name: string, signal: AbortSignal): Promise<ManagementQueue>;
  topology(vhost: string, signal: AbortSignal): Promise<Topology>;
  /** The first messages of a stream queue, from its start. */
  streamHead(vhost: string, queue: string, limit: number, signal: AbortSignal): Promise<DeadLetter['envelope'][]>;
  fail(e: unknown): RewindError;
}

/** How many messages a dry run looks at, at most. */
const PLAN_LOOK = 2_000;

const queueKind = (q: ManagementQueue) => (q.type === 'quorum' || q.type === 'stream' ? q.type : 'classic');

function deliveryLimit(q: ManagementQueue): number | null {
  const arg = q.arguments?.['x-delivery-limit'];
  const d = q.effective_policy_definition;
  const policy = d && !Array.isArray(d) ? d['delivery-limit'] : undefined;
  const v = typeof arg === 'number' ? arg : typeof policy === 'number' ? policy : null;
  return v;
}

/** Counts copies as it goes, so each message gets `fingerprint#k` (the k-th identical copy). */
function idMaker() {
  const seen = new Map<string, number>();
  return (m: Message) => {
    const fp = fingerprint(m);
    const k = (seen.get(fp) ?? 0) + 1;
    seen.set(fp, k);
    return `${fp}#${k}`;
  };
}

function latestDeath(m: Message): Record<string, unknown> | null {
  const deaths = (m.properties.headers as Record<string, unknown> | undefined)?.['x-death'];
  const latest = Array.isArray(deaths) ? (deaths[0] as Record<string, unknown> | undefined) : undefined;
  return latest && typeof latest === 'object' ? latest : null;
}

const NO_DEATH = 'it carries no x-death: RabbitMQ did not dead-letter it, so pick a target';

/** The queue a message died in (its most recent death): by default it goes back there, and nowhere else. */
export function deathQueueOf(m: Message): Omit<Destination, 'queues'> | string {
  const latest = latestDeath(m);
  if (!latest) return NO_DEATH;
  if (typeof latest.queue !== 'string' || latest.queue === '') return 'its x-death names no queue: pick a target';
  return { exchange: '', routingKey: latest.queue, cc: [] };
}

/** The exchange and keys of its most recent death: every queue bound to them gets a copy. */
export function originRouteOf(m: Message): Omit<Destination, 'queues'> | string {
  const latest = latestDeath(m);
  if (!latest) return NO_DEATH;
  const exchange = typeof latest.exchange === 'string' ? latest.exchange : null;
  const keys = Array.isArray(latest['routing-keys']) ? (latest['routing-keys'] as unknown[]).filter((k): k is string => typeof k === 'string') : [];
  if (exchange === null || keys.length === 0) return 'its x-death names no exchange and routing key: pick a target';
  return { exchange, routingKey: keys[0]!, cc: keys.slice(1) };
}

const describe = (d: Omit<Destination, 'queues'>) => (d.exchange === '' ? `queue ${d.routingKey}` : `exchange ${d.exchange}, key ${d.routingKey}${d.cc.length ? ` (CC ${d.cc.join(', ')})` : ''}`);

/**
 * Where each message would land, from the bindings: computed once per distinct route (a redrive
 * of 100,000 messages has a handful), headers exchanges per message.
 */
function router(topology: Topology) {
  const queues = new Set(topology.queues);
  const cache = new Map<string, { queues: string[]; error: string | null }>();
  const headersExchanges = new Set(topology.exchanges.filter((x) => x.type === 'headers').map((x) => x.name));
  return (to: Omit<Destination, 'queues'>, m: Message): { queues: string[]; error: string | null } => {
    if (to.exchange === '') return queues.has(to.routingKey) ? { queues: [to.routingKey], error: null } : { queues: [], error: `queue ${to.routingKey} does not exist (deleted since?)` };
    const key = headersExchanges.size > 0 ? null : `${to.exchange}\u0000${to.routingKey}\u0000${to.cc.join('\u0000')}`;
    const hit = key === null ? undefined : cache.get(key);
    if (hit) return hit;
    const headers = { ...((m.properties.headers ?? {}) as Record<string, unknown>), ...(to.cc.length ? { CC: to.cc } : {}) };
    const r = route(topology, { exchange: to.exchange, routingKey: to.routingKey, headers });
    const answer = r.ok ? { queues: r.routes.map((x) => x.queue), error: null } : { queues: [], error: r.error };
    if (key !== null) cache.set(key, answer);
    return answer;
  };
}

export class RabbitDeadLetters implements DeadLetterAbility {
  constructor(private readonly rabbit: RabbitAccess) {}

  /**
   * The first messages of a queue, left in place: each is fetched unacknowledged and all are
   * requeued together, which puts them back where they were. A stream is read from its start.
   */
  async peek(ref: DeadLetterRef, limit: number, signal: AbortSignal, acceptRedelivered: boolean) {
    if (ref.type !== 'rabbit-queue') throw new RewindError('invalid_input', 'That is not a RabbitMQ queue');
    const q = await this.rabbit.queueInfo(ref.vhost, ref.name, signal);
    const depth = { value: Math.max(0, q.messages ?? 0), exact: false, note: 'Sampled by the management API every few seconds.' };
    if (queueKind(q) === 'stream') {
      const envelopes = await this.rabbit.streamHead(ref.vhost, ref.name, limit, signal);
      return {
        messages: envelopes.map((envelope) => ({ id: envelope.position, envelope, death: deathOf(envelope) })),
        depth,
        note: `The first ${envelopes.length} messages of the stream; reading a stream moves nothing.`,
      };
    }
    const { messages, depth: exact } = await this.sample(ref.vhost, ref.name, q, limit, signal, acceptRedelivered);
    const ids = idMaker();
    return {
      messages: messages.map((m, i) => {
        const envelope = rabbitMessageToEnvelope(ref.name, m, i + 1, undefined, this.rabbit.bodyDecoding({ vhost: ref.vhost, queue: ref.name }));
        return { id: ids(m), envelope, death: deathOf(envelope) };
      }),
      depth: { value: exact, exact: true },
      note: `The first ${messages.length.toLocaleString('en-US')} of ${exact.toLocaleString('en-US')} messages, each put back in its place (none acknowledged); RabbitMQ now marks them redelivered.`,
    };
  }

  async plan(ref: DeadLetterRef, request: RedriveRequest, signal: AbortSignal): Promise<RedrivePlan> {
    if (ref.type !== 'rabbit-queue') throw new RewindError('invalid_input', 'That is not a RabbitMQ queue');
    const q = await this.rabbit.queueInfo(ref.vhost, ref.name, signal);
    if (queueKind(q) === 'stream')
      throw new RewindError('unsupported', `${ref.name} is a stream: its messages stay after they are read, so there is nothing to move`, 'Publish copies from the stream view instead.');
    const topology = await this.rabbit.topology(ref.vhost, signal);
    const routeOf = router(topology);
    const wanted = 'ids' in request.selection ? new Set(request.selection.ids) : null;
    const { messages, depth } = await this.sample(ref.vhost, ref.name, q, wanted ? Math.max(PLAN_LOOK, 10_000) : PLAN_LOOK, signal, true);
    const ids = idMaker();
    const rows: PlanRow[] = [];
    messages.forEach((m, i) => {
      const id = ids(m);
      if (wanted && !wanted.has(id)) return;
      rows.push(this.planRow(m, id, i + 1, request, routeOf));
    });
    const perTarget = new Map<string, { target: string; count: number; routes: string[]; problem: string | null; alsoReaches: string[] }>();
    for (const r of rows) {
      const also = r.alsoReaches ?? [];
      const key = `${r.target ?? ''}\u0000${r.problem ?? ''}\u0000${also.join(',')}`;
      const t = perTarget.get(key) ?? { target: r.target ?? '(none)', count: 0, routes: r.routes, problem: r.problem, alsoReaches: also };
      t.count++;
      perTarget.set(key, t);
    }
    const total = wanted ? wanted.size : depth;
    const movable = rows.filter((r) => r.problem === null).length;
    const missing = wanted ? wanted.size - rows.length : 0;
    const bystanders = new Set(rows.flatMap((r) => r.alsoReaches ?? []));
    const note =
      (wanted
        ? `${rows.length} of the ${wanted.size} picked messages are still in ${ref.name}${missing ? `; ${missing} are gone (taken by someone else)` : ''}.`
        : `${ref.name} holds ${depth.toLocaleString('en-US')} messages${messages.length < depth ? `; the first ${messages.length.toLocaleString('en-US')} are shown, the rest go by the same rule` : ''}.`) +
      ' The dry run looked at them and put them back; nothing moved.' +
      (bystanders.size > 0 ? ` Through their original exchange and keys, copies would also reach ${[...bystanders].sort().join(', ')}, which did not dead-letter them.` : '');
    return { rows, perTarget: [...perTarget.values()], total, movable, repeated: 0, note };
  }

  async redrive(ref: DeadLetterRef, request: RedriveRequest, run: { runId: string; signal: AbortSignal; onProgress(p: RedriveProgress): void }) {
    if (ref.type !== 'rabbit-queue') throw new RewindError('invalid_input', 'That is not a RabbitMQ queue');
    const q = await this.rabbit.queueInfo(ref.vhost, ref.name, run.signal);
    if (queueKind(q) === 'stream') throw new RewindError('unsupported', `${ref.name} is a stream: its messages stay after they are read, so there is nothing to move`);
    const topology = await this.rabbit.topology(ref.vhost, run.signal);
    const routeOf = router(topology);
    const exchanges = new Set(['', ...topology.exchanges.map((x) => x.name)]);
    const wanted = 'ids' in request.selection ? new Set(request.selection.ids) : null;
    const ids = idMaker();
    const movedIds: string[] = [];
    const placeToId = new Map<number, string>();
    let conn: ChannelModel | null = null;
    let publishConn: ChannelModel | null = null;
    try {
      conn = await this.rabbit.connectTo(ref.vhost);
      conn.on('error', () => undefined);
      publishConn = await this.rabbit.connectTo(ref.vhost);
      publishConn.on('error', () => undefined);
      const check = await conn.createChannel();
      const { messageCount } = await check.checkQueue(ref.name);
      await check.close();
      // What the user confirmed, not what happens to be ready now: messages the dry run looked at may still be on their way back.
      const total = wanted ? wanted.size : (request.confirmedCount ?? messageCount);
      let last: RedriveProgress = { looked: 0, moved: 0, failed: 0, total, inFlight: 0 };
      const outcome = await moveMessages({
        conn,
        publishConn,
        reconnect: () => this.rabbit.connectTo(ref.vhost),
        queue: ref.name,
        limit: wanted ? Math.max(messageCount, wanted.size) : total,
        wanted: wanted ? wanted.size : null,
        runId: run.runId,
        restoreTtl: request.options.restoreTtl,
        ratePerSecond: request.options.ratePerSecond,
        signal: run.signal,
        decide: (m, place): Decision => {
          // Fingerprints only pick a selection; moving all needs none (they cost a hash each).
          if (wanted) {
            const id = ids(m);
            if (!wanted.has(id)) return { keep: 'not-selected' };
            placeToId.set(place, id);
          } else if (placeToId.size < 10_000) placeToId.set(place, m.properties.messageId ?? `#${place}`);
          const to = this.destination(m, request);
          if (typeof to === 'string') return { keep: 'cannot', reason: to };
          if (!exchanges.has(to.exchange)) return { keep: 'cannot', reason: `exchange ${to.exchange} does not exist (deleted since?)` };
          const routed = routeOf(to, m);
          return { move: { ...to, queues: routed.queues } };
        },
        onProgress: (p) => {
          last = { looked: p.looked, moved: p.moved, failed: p.failed, total, inFlight: p.inFlight };
          run.onProgress(last);
        },
      });
      const notMoved = new Set([...outcome.failures, ...outcome.inBothPlaces].map((f) => f.place));
      for (const [place, id] of placeToId) if (!notMoved.has(place)) movedIds.push(id);
      const where = (f: { place: number; messageId: string | null; reason: string }) => ({ where: `#${f.place}`, messageId: f.messageId, reason: f.reason });
      const result: SourceRedriveOutcome = {
        looked: outcome.looked,
        moved: outcome.moved,
        failures: outcome.failures.map(where),
        duplicates: outcome.duplicates,
        uncertain: outcome.uncertain,
        inBothPlaces: outcome.inBothPlaces.map(where),
        settled: outcome.settled,
        stoppedBy: outcome.stoppedBy,
        error: outcome.error ? outcome.error.toApi() : null,
        movedIds: movedIds.slice(0, 10_000),
      };
      return result;
    } catch (e) {
      throw this.rabbit.fail(e);
    } finally {
      await conn?.close().catch(() => undefined);
      await publishConn?.close().catch(() => undefined);
    }
  }

  private destination(m: Message, request: RedriveRequest): Omit<Destination, 'queues'> | string {
    const t = request.target;
    if (t.kind === 'origin') return deathQueueOf(m);
    if (t.kind === 'origin-route') return originRouteOf(m);
    if (t.kind === 'exchange') return { exchange: t.exchange, routingKey: t.routingKey, cc: [] };
    if (t.kind === 'queue') return { exchange: '', routingKey: t.queue, cc: [] };
    return 'a Kafka topic is not a RabbitMQ target';
  }

  private planRow(m: Message, id: string, place: number, request: RedriveRequest, routeOf: ReturnType<typeof router>): PlanRow {
    const base = { id, where: `#${place}`, messageId: m.properties.messageId ?? null, redrivenBefore: null, note: null, alsoReaches: [] as string[] };
    const to = this.destination(m, request);
    if (typeof to === 'string') return { ...base, target: null, routes: [], problem: to };
    const r = routeOf(to, m);
    if (r.error) return { ...base, target: describe(to), routes: [], problem: r.error };
    // Going back through the original route: every queue besides the one it died in gets a copy.
    const died = request.target.kind === 'origin-route' ? deathQueueOf(m) : null;
    const alsoReaches = died && typeof died !== 'string' ? r.queues.filter((x) => x !== died.routingKey) : [];
    return { ...base, target: describe(to), routes: r.queues, alsoReaches, problem: r.queues.length === 0 ? 'routes to no queue now: it would be returned and stay here' : null };
  }

  /**
   * The first `limit` messages, fetched unacknowledged and all put back together, in order. AMQP
   * has no read of a queue without a side effect, so the caller must accept that they are marked
   * redelivered; a quorum queue with a delivery limit is not peeked at all (a requeue counts).
   */
  private async sample(vhost: string, queue: string, q: ManagementQueue, limit: number, signal: AbortSignal, acceptRedelivered: boolean): Promise<{ messages: GetMessage[]; depth: number }> {
    if (!acceptRedelivered) {
      throw new RewindError(
        'invalid_input',
        `Peeking ${queue} takes its first messages and puts them back, which marks each one redelivered`,
        'Ask for the peek explicitly (Peek in the dead-letter view); nothing is lost or reordered.',
      );
    }
    const limitOfDeliveries = queueKind(q) === 'quorum' ? deliveryLimit(q) : null;
    if (limitOfDeliveries !== null) {
      throw new RewindError(
        'unsupported',
        `${queue} is a quorum queue with a delivery limit of ${limitOfDeliveries}: taking a message and putting it back counts as a delivery, and past the limit the broker drops or dead-letters it`,
        'Redrive takes and acknowledges, so it is safe here; looking is not. Redrive all, or move the messages to a classic queue to look at them.',
      );
    }
    let conn: ChannelModel | null = null;
    try {
      conn = await this.rabbit.connectTo(vhost);
      conn.on('error', () => undefined);
      const channel = await conn.createChannel();
      channel.on('error', () => undefined);
      const { messageCount } = await channel.checkQueue(queue);
      const messages: GetMessage[] = [];
      try {
        while (messages.length < limit && !signal.aborted) {
          const m = await channel.get(queue, { noAck: false });
          if (m === false) break;
          messages.push(m);
        }
      } finally {
        // None is acknowledged: all go back, in their order, whatever happened above.
        channel.nackAll(true);
        await channel.close().catch(() => undefined);
      }
      if (signal.aborted) throw new RewindError('cancelled', 'Cancelled');
      return { messages, depth: messageCount };
    } catch (e) {
      throw this.rabbit.fail(e);
    } finally {
      await conn?.close().catch(() => undefined);
    }
  }
}
