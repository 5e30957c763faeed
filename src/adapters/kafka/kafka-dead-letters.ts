import type { IHeaders, Message, Producer } from 'kafkajs';
import { RewindError, toApiError } from '../../api/errors';
import { deathOf, type DeadLetter, type DeadLetterRef } from '../../model/dead-letters';
import type { Envelope } from '../../model/envelope';
import type { PlanRow, RedriveOutcome, RedrivePlan, RedriveProgress } from '../../model/redrive';
import type { ReadFrom } from '../../model/resources';
import type { DeadLetterAbility, RedriveHistory, RedriveRequest } from '../source-adapter';
import { kafkaRecordToEnvelope } from './kafka-envelope';
import { orderedHeaders } from './kafkajs-record-encoder';
import type { KafkaRecord } from './record-batches';

/** What the dead-letter ability needs from the Kafka adapter. */
export interface KafkaAccess {
  partitions(topic: string, signal: AbortSignal): Promise<{ partition: number; low: number; high: number }[]>;
  records(topic: string, partition: number, from: ReadFrom, to: number | null, signal: AbortSignal): AsyncGenerator<KafkaRecord[]>;
  topicExists(topic: string, signal: AbortSignal): Promise<boolean>;
  /** An idempotent producer (acks=all), connected. */
  producer(): Promise<Producer>;
  /** The work, or a `network` error once the broker has been silent too long. */
  answered<T>(work: Promise<T>, what: string): Promise<T>;
  fail(e: unknown): RewindError;
}

const PLAN_ROWS = 2_000;
const SEND_BATCH = 500;
/** Headers the dead-lettering added: a redriven record leaves them behind. */
const DLT_HEADER = /^(kafka_dlt-|__connect\.errors\.)/;

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
        for (const r of chunk) all.push({ id: idOf(p.partition, r.offset), envelope: kafkaRecordToEnvelope(ref.name, p.partition, r) });
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
    for await (const { partition, record } of this.selected(ref.name, request, signal)) {
      total++;
      if (rows.length >= PLAN_ROWS) continue;
      const p = await this.planned(record, request, signal, exists);
      const envelope = kafkaRecordToEnvelope(ref.name, partition, record);
      rows.push({
        id: idOf(partition, record.offset),
        where: `${partition}/${record.offset}`,
        messageId: envelope.id,
        target: p.topic,
        routes: p.topic && !p.problem ? [`${p.topic}/${p.partition ?? 'by key'}`] : [],
        problem: p.problem,
        redrivenBefore: null,
      });
    }
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
    const note =
      `${total.toLocaleString('en-US')} record${total === 1 ? '' : 's'} would be produced again${rows.length < total ? ` (the first ${rows.length.toLocaleString('en-US')} are shown)` : ''}. A dead-letter topic is a log: its records stay, and the audit log remembers which were redriven.` +
      (repeated ? ` ${repeated} of them were redriven before.` : '');
    return { rows, perTarget: [...perTarget.values()], total, movable: rows.filter((r) => !r.problem).length, repeated, note };
  }

  async redrive(ref: DeadLetterRef, request: RedriveRequest, run: { runId: string; signal: AbortSignal; onProgress(p: RedriveProgress): void }) {
    if (ref.type !== 'kafka-topic') throw new RewindError('invalid_input', 'That is not a Kafka topic');
    const total = 'ids' in request.selection ? request.selection.ids.length : (await this.kafka.partitions(ref.name, run.signal)).reduce((n, p) => n + Math.max(0, p.high - p.low), 0);
    const failures: RedriveOutcome['failures'] = [];
    const movedIds: string[] = [];
    const exists = new Map<string, boolean>();
    let looked = 0;
    let moved = 0;
    let uncertain = 0;
    let stoppedBy: RedriveOutcome['stoppedBy'] = 'done';
    let error: RedriveOutcome['error'] = null;
    let producer: Producer | null = null;
    let pending: { topic: string; message: Message; id: string }[] = [];
    let nextSlot = Date.now();
    const report = (inFlight = 0) => run.onProgress({ looked, moved, failed: failures.length, total, inFlight });

    // One batch at a time, acks=all with an idempotent producer: a batch is in the log, or it failed.
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      producer ??= await this.kafka.producer();
      const byTopic = new Map<string, Message[]>();
      for (const b of batch) byTopic.set(b.topic, [...(byTopic.get(b.topic) ?? []), b.message]);
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
      for await (const { partition, record } of this.selected(ref.name, request, run.signal)) {
        if (run.signal.aborted) {
          stoppedBy = 'cancelled';
          break;
        }
        looked++;
        const p = await this.planned(record, request, run.signal, exists);
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
        pending.push({ topic: p.topic, id, message: this.outgoing(ref.name, partition, record, p.partition, request) });
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

  /** The record as the target gets it: key, value and user headers kept; the DLT's headers left; where it came from added. */
  private outgoing(dlt: string, partition: number, r: KafkaRecord, targetPartition: number | null, request: RedriveRequest): Message {
    // In their order, null values and duplicates kept (see kafkajs-record-encoder.ts).
    const headers = orderedHeaders([
      ...r.headers.filter((h) => !DLT_HEADER.test(h.key)).map((h): [string, Buffer | null] => [h.key, h.value]),
      ['rewind-redriven-from', `${dlt}/${partition}/${r.offset}`],
    ]) as unknown as IHeaders;
    const message: Message = { key: r.key, value: r.value, headers };
    if (targetPartition !== null) message.partition = targetPartition;
    if (request.options.keepTimestamp && r.timestamp >= 0) message.timestamp = String(r.timestamp);
    return message;
  }

  private async planned(r: KafkaRecord, request: RedriveRequest, signal: AbortSignal, exists: Map<string, boolean>): Promise<Planned> {
    const envelope = kafkaRecordToEnvelope('', 0, r);
    const origin = deathOf(envelope).kafka;
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

  /** The records a selection names (partition:offset ids), or every record of the topic now. */
  private async *selected(topic: string, request: RedriveRequest, signal: AbortSignal): AsyncGenerator<{ partition: number; record: KafkaRecord }> {
    const partitions = await this.kafka.partitions(topic, signal);
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
