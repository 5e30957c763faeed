import type { IHeaders, Message, Producer } from 'kafkajs';
import { RewindError, toApiError } from '../../model/errors';
import { deathOf, type DeadLetter, type DeadLetterRef, type KafkaOrigin } from '../../model/dead-letters';
import type { Envelope } from '../../model/envelope';
import type { PlanRow, RedriveOutcome, RedrivePlan, RedriveProgress } from '../../model/redrive';
import type { ReadFrom } from '../../model/resources';
import type { DeadLetterAbility, RedriveHistory, RedriveRequest } from '../source-adapter';
import { findOriginals, originalPlace, placeKey, rebuild, type FetchAt, type OriginalPlace, type Rebuilt } from './dlt-originals';
import { kafkaRecordToEnvelope } from './kafka-envelope';
import { prepareRecords } from './kafka-decoding';
import type { DecoderChain } from '../../decoding/decoder-chain';
import type { RegistryWrite } from '../../decoding/registry-encode';
import { orderedHeaders } from './kafkajs-record-encoder';
import type { KafkaRecord } from './record-batches';

/** What the dead-letter ability needs from the Kafka adapter. */
export interface KafkaAccess {
  readonly decoding: DecoderChain;
  /** JSON encoded through the connection's schema registry; refused when it has none. */
  registryEncode(write: RegistryWrite, jsonText: string): Promise<{ bytes: Buffer; description: string }>;
  partitions(topic: string, signal: AbortSignal): Promise<{ partition: number; low: number; high: number }[]>;
  records(topic: string, partition: number, from: ReadFrom, to: number | null, signal: AbortSignal): AsyncGenerator<KafkaRecord[]>;
  topicExists(topic: string, signal: AbortSignal): Promise<boolean>;
  /** One fetch at an offset (read_committed): null when the partition or the offset is not there. */
  fetchAt(topic: string, partition: number, offset: number, signal: AbortSignal): Promise<{ records: KafkaRecord[]; next: number } | null>;
  /** An idempotent producer (acks=all), connected. */
  producer(): Promise<Producer>;
  /** The work, or a `network` error once the broker has been silent too long. */
  answered<T>(work: Promise<T>, what: string): Promise<T>;
  fail(e: unknown): RewindError;
}

const PLAN_ROWS = 2_000;
const SEND_BATCH = 500;

const idOf = (partition: number, offset: number) => `${partition}:${offset}`;

function parseIds(ids: string[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const id of ids) {
    const m = /^(\d+):(\d+)$/.exec(id);
    if (!m) throw new RewindError('invalid_input', `"${id}" is not partition:offset`);
    const p = Number(m[1]);
    out.set(p, (out.get(p) ?? new Set()).add(Number(m[2])));
  }
  return out;
}

interface Planned {
  topic: string | null;
  partition: number | null;
  problem: string | null;
}

/** A dead letter on its way: where it goes, and what it is made of once its original was looked for. */
interface Pending {
  id: string;
  partition: number;
  record: KafkaRecord;
  origin: KafkaOrigin | null;
  place: OriginalPlace | null;
  planned: Planned;
}

export class KafkaDeadLetters implements DeadLetterAbility {
  constructor(private readonly kafka: KafkaAccess) {}

  /** The newest `limit` records across the topic's partitions, newest first. Reading moves nothing. */
  async peek(ref: DeadLetterRef, limit: number, signal: AbortSignal) {
    if (ref.type !== 'kafka-topic') throw new RewindError('invalid_input', 'That is not a Kafka topic');
    const partitions = await this.kafka.partitions(ref.name, signal);
    const all: { envelope: Envelope; id: string }[] = [];
    for (const p of partitions) {
      if (p.high <= p.low) continue;
      const from = Math.max(p.low, p.high - limit);
      for await (const chunk of this.kafka.records(ref.name, p.partition, { type: 'position', value: String(from) }, p.high - 1, signal)) {
        await prepareRecords(this.kafka.decoding, chunk);
        for (const r of chunk) all.push({ id: idOf(p.partition, r.offset), envelope: kafkaRecordToEnvelope(ref.name, p.partition, r, undefined, this.kafka.decoding) });
      }
    }
    const ts = (e: Envelope) => (e.timestamp ? Date.parse(e.timestamp) : 0);
    const newest = all.sort((a, b) => ts(b.envelope) - ts(a.envelope) || Number(b.envelope.position) - Number(a.envelope.position)).slice(0, limit);
    const total = partitions.reduce((n, p) => n + Math.max(0, p.high - p.low), 0);
    const messages: DeadLetter[] = newest.map(({ id, envelope }) => ({ id, envelope, death: deathOf(envelope) }));
    return {
      messages,
      depth: { value: total, exact: false, note: 'Offsets between the watermarks; compaction or transaction markers may leave gaps.' },
      note: `The newest ${messages.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} records, newest first; reading a topic moves nothing.`,
    };
  }

  async plan(ref: DeadLetterRef, request: RedriveRequest, signal: AbortSignal, history: RedriveHistory): Promise<RedrivePlan> {
    if (ref.type !== 'kafka-topic') throw new RewindError('invalid_input', 'That is not a Kafka topic');
    const rows: PlanRow[] = [];
    let total = 0;
    const exists = new Map<string, boolean>();
    let batch: (Pending & { messageId: string | null })[] = [];
    const describe = async () => {
      const built = await this.rebuilt(batch, signal);
      for (const b of batch) {
        const p = b.planned;
        rows.push({
          id: b.id,
          where: `${b.partition}/${b.record.offset}`,
          messageId: b.messageId,
          target: p.topic,
          routes: p.topic && !p.problem ? [`${p.topic}/${p.partition ?? 'by key'}`] : [],
          problem: p.problem,
          redrivenBefore: null,
          note: p.problem ? null : (built.get(b.id)?.note ?? null),
        });
      }
      batch = [];
    };
    for await (const { partition, record } of this.selected(ref.name, request, signal)) {
      total++;
      if (rows.length + batch.length >= PLAN_ROWS) continue;
      const envelope = kafkaRecordToEnvelope(ref.name, partition, record);
      const origin = deathOf(envelope).kafka;
      const planned = await this.planned(origin, request, signal, exists);
      batch.push({ id: idOf(partition, record.offset), partition, record, origin, place: originalPlace(origin), planned, messageId: envelope.id });
      if (batch.length >= SEND_BATCH) await describe();
    }
    await describe();
    const before = history(rows.map((r) => r.id));
    for (const r of rows) r.redrivenBefore = before.get(r.id) ?? null;
    const perTarget = new Map<string, { target: string; count: number; routes: string[]; problem: string | null }>();
    for (const r of rows) {
      const key = r.target ?? r.problem ?? '';
      const t = perTarget.get(key) ?? { target: r.target ?? '(none)', count: 0, routes: r.target && !r.problem ? [r.target] : [], problem: r.problem };
      t.count++;
      perTarget.set(key, t);
    }
    const repeated = rows.filter((r) => r.redrivenBefore).length;
    const asOriginal = rows.filter((r) => r.note?.startsWith('as the original')).length;
    const copies = rows.filter((r) => !r.problem && r.note && !r.note.startsWith('as the original')).length;
    const note =
      `${total.toLocaleString('en-US')} record${total === 1 ? '' : 's'} would be produced again${rows.length < total ? ` (the first ${rows.length.toLocaleString('en-US')} are shown)` : ''}. A dead-letter topic is a log: its records stay, and the audit log remembers which were redriven.` +
      (asOriginal ? ` ${asOriginal} go back as their originals, still in their topics (key, value, headers and time as they were).` : '') +
      (copies ? ` ${copies} go back as the dead letter's copy, without what the dead-lettering added (see each row).` : '') +
      (repeated ? ` ${repeated} of them were redriven before.` : '');
    return { rows, perTarget: [...perTarget.values()], total, movable: rows.filter((r) => !r.problem).length, repeated, note };
  }

  async redrive(ref: DeadLetterRef, request: RedriveRequest, run: { runId: string; signal: AbortSignal; onProgress(p: RedriveProgress): void }) {
    if (ref.type !== 'kafka-topic') throw new RewindError('invalid_input', 'That is not a Kafka topic');
    const spans = 'ids' in request.selection ? null : await this.confirmedSpans(ref.name, request.confirmedCount, run.signal);
    const total = spans ? spans.reduce((n, p) => n + Math.max(0, p.high - p.low), 0) : 'ids' in request.selection ? request.selection.ids.length : 0;
    const failures: RedriveOutcome['failures'] = [];
    const movedIds: string[] = [];
    const exists = new Map<string, boolean>();
    let looked = 0;
    let moved = 0;
    let uncertain = 0;
    let stoppedBy: RedriveOutcome['stoppedBy'] = 'done';
    let error: RedriveOutcome['error'] = null;
    let producer: Producer | null = null;
    let pending: Pending[] = [];
    let nextSlot = Date.now();
    const report = (inFlight = 0) => run.onProgress({ looked, moved, failed: failures.length, total, inFlight });

    // One batch at a time, acks=all with an idempotent producer: a batch is in the log, or it failed.
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const built = await this.rebuilt(batch, run.signal);
      producer ??= await this.kafka.producer();
      const byTopic = new Map<string, Message[]>();
      for (const b of batch) byTopic.set(b.planned.topic!, [...(byTopic.get(b.planned.topic!) ?? []), this.outgoing(ref.name, b, built.get(b.id)!, request)]);
      report(batch.length);
      try {
        await this.kafka.answered(producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) }), 'producing redriven records');
        moved += batch.length;
        movedIds.push(...batch.map((b) => b.id));
      } catch (e) {
        // The producer may have written part of it before failing: those may now be there twice.
        uncertain += batch.length;
        throw e;
      }
      report();
    };

    try {
      for await (const { partition, record } of this.selected(ref.name, request, run.signal, spans)) {
        if (run.signal.aborted) {
          stoppedBy = 'cancelled';
          break;
        }
        looked++;
        const origin = deathOf(kafkaRecordToEnvelope(ref.name, partition, record)).kafka;
        const p = await this.planned(origin, request, run.signal, exists);
        const id = idOf(partition, record.offset);
        if (p.problem || !p.topic) {
          failures.push({ where: `${partition}/${record.offset}`, messageId: null, reason: p.problem ?? 'no target' });
          continue;
        }
        if (request.options.ratePerSecond) {
          const wait = nextSlot - Date.now();
          nextSlot = Math.max(Date.now(), nextSlot) + 1000 / request.options.ratePerSecond;
          if (wait > 0) {
            await flush();
            await new Promise((r) => setTimeout(r, wait));
          }
        }
        pending.push({ id, partition, record, origin, place: originalPlace(origin), planned: p });
        if (pending.length >= SEND_BATCH) await flush();
      }
      if (run.signal.aborted) stoppedBy = 'cancelled';
      await flush();
    } catch (e) {
      if (run.signal.aborted) stoppedBy = 'cancelled';
      else {
        stoppedBy = 'error';
        error = toApiError(this.kafka.fail(e));
      }
    } finally {
      const p = producer as Producer | null;
      await p?.disconnect().catch(() => undefined);
    }
    report();
    return { looked, moved, failures, duplicates: 0, uncertain, stoppedBy, error, movedIds };
  }

  /** What each dead letter of a batch is made of: its original where still there, else its copy (see dlt-originals.ts). */
  private async rebuilt(batch: Pending[], signal: AbortSignal): Promise<Map<string, Rebuilt>> {
    const fetchAt: FetchAt = (topic, partition, offset) => this.kafka.fetchAt(topic, partition, offset, signal);
    const found = await findOriginals(
      batch.filter((b) => !b.planned.problem && b.place).map((b) => b.place!),
      fetchAt,
    );
    return new Map(batch.map((b) => [b.id, rebuild(b.record, b.origin, b.place, b.place ? (found.get(placeKey(b.place)) ?? null) : null)]));
  }

  /** The record as the target gets it: as rebuilt, with where it came from added last. */
  private outgoing(dlt: string, b: Pending, r: Rebuilt, request: RedriveRequest): Message {
    // In their order, null values and duplicates kept (see kafkajs-record-encoder.ts).
    const headers = orderedHeaders([...r.headers, ['rewind-redriven-from', `${dlt}/${b.partition}/${b.record.offset}`]]) as unknown as IHeaders;
    const message: Message = { key: r.key, value: r.value, headers };
    if (b.planned.partition !== null) message.partition = b.planned.partition;
    if (request.options.keepTimestamp && r.timestamp !== null && r.timestamp >= 0) message.timestamp = String(r.timestamp);
    return message;
  }

  private async planned(origin: KafkaOrigin | null, request: RedriveRequest, signal: AbortSignal, exists: Map<string, boolean>): Promise<Planned> {
    const t = request.target;
    let topic: string | null;
    if (t.kind === 'origin') topic = origin?.topic ?? null;
    else if (t.kind === 'topic') topic = t.topic;
    else return { topic: null, partition: null, problem: 'a RabbitMQ exchange or queue is not a Kafka target' };
    if (!topic) return { topic: null, partition: null, problem: 'its headers name no original topic (Spring Kafka or Kafka Connect): pick a target' };
    if (!exists.has(topic)) exists.set(topic, await this.kafka.topicExists(topic, signal));
    if (!exists.get(topic)) return { topic, partition: null, problem: `topic ${topic} does not exist` };
    if (request.options.partitioning === 'original') {
      if (origin?.partition === null || origin?.partition === undefined) return { topic, partition: null, problem: 'its headers name no original partition: partition by key instead' };
      return { topic, partition: origin.partition, problem: null };
    }
    return { topic, partition: null, problem: null };
  }

  /**
   * What a redrive of all covers: each partition now, less what died after the dry run when more are
   * there than the user confirmed. Dead letters arrive at the partitions' ends, so the surplus is
   * the newest records by time, taken from the ends (each partition keeps a run from its start).
   */
  private async confirmedSpans(topic: string, confirmed: number | undefined, signal: AbortSignal): Promise<{ partition: number; low: number; high: number }[]> {
    const spans = await this.kafka.partitions(topic, signal);
    const total = spans.reduce((n, p) => n + Math.max(0, p.high - p.low), 0);
    if (confirmed === undefined || total <= confirmed) return spans;
    const surplus = total - confirmed;
    const tails: { partition: number; offset: number; timestamp: number }[] = [];
    for (const p of spans) {
      const from = Math.max(p.low, p.high - surplus);
      if (from >= p.high) continue;
      for await (const chunk of this.kafka.records(topic, p.partition, { type: 'position', value: String(from) }, p.high - 1, signal))
        for (const r of chunk) tails.push({ partition: p.partition, offset: r.offset, timestamp: r.timestamp });
    }
    const newest = tails.sort((a, b) => b.timestamp - a.timestamp || b.offset - a.offset).slice(0, surplus);
    return spans.map((p) => {
      const cut = newest.filter((t) => t.partition === p.partition).length;
      // Compaction or aborted transactions leave gaps: end below the oldest record cut, not by count.
      const oldestCut = Math.min(...newest.filter((t) => t.partition === p.partition).map((t) => t.offset));
      return cut === 0 ? p : { ...p, high: Math.max(p.low, oldestCut) };
    });
  }

  /** The records a selection names (partition:offset ids), or every record of the topic (within `spans`, when given). */
  private async *selected(
    topic: string,
    request: RedriveRequest,
    signal: AbortSignal,
    spans: { partition: number; low: number; high: number }[] | null = null,
  ): AsyncGenerator<{ partition: number; record: KafkaRecord }> {
    const partitions = spans ?? (await this.kafka.partitions(topic, signal));
    const wanted = 'ids' in request.selection ? parseIds(request.selection.ids) : null;
    for (const p of partitions) {
      const offsets = wanted?.get(p.partition);
      if (wanted && !offsets) continue;
      const from = offsets ? Math.max(p.low, Math.min(...offsets)) : p.low;
      const to = offsets ? Math.min(p.high - 1, Math.max(...offsets)) : p.high - 1;
      if (from > to) continue;
      for await (const chunk of this.kafka.records(topic, p.partition, { type: 'position', value: String(from) }, to, signal)) {
        for (const record of chunk) if (!offsets || offsets.has(record.offset)) yield { partition: p.partition, record };
      }
    }
  }
}
