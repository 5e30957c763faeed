import { RewindError } from '../../model/errors';
import type { Envelope } from '../../model/envelope';
import type { Positions, TailItem, TailRequest } from '../../model/topic-scan';
import { throwIfAborted } from '../source-adapter';
import { kafkaRecordToEnvelope } from './kafka-envelope';
import { compileFilter } from './record-filter';
import { decodedValueOf, prepareRecords } from './kafka-decoding';
import type { KafkaRecord } from './record-batches';
import { spansOf, startsOf, type TopicAccess } from './topic-pages';

/** New records are sent at most this often, together: a busy topic does not flood the window. */
const FLUSH_MS = 100;

/**
 * Follows every chosen partition from its end (or given offsets) until cancelled, sending new
 * records with the positions after them, so a paused tail resumes where it stopped. Only the
 * filter's fast conditions apply: a tail does not start a sandbox.
 */
export async function tailTopic(access: TopicAccess, req: TailRequest, signal: AbortSignal, send: (item: TailItem) => void): Promise<void> {
  const filter = compileFilter(req.filter, (r) => decodedValueOf(access.decoding, r, req.topic));
  if (filter.sandboxed)
    throw new RewindError(
      'invalid_input',
      'A live tail filters by key, header, value or JSON path; regular expressions and predicates are for searches',
      'Search the topic instead, or drop the pattern.',
    );
  const spans = await spansOf(access, req.topic, req.partitions, signal);
  const starts = await startsOf(access, req.topic, spans, req.from.type === 'end' ? { type: 'end' } : { type: 'offsets', value: req.from.value });
  const position = new Map(starts);
  let pending: { partition: number; record: KafkaRecord }[] = [];
  let timer: NodeJS.Timeout | null = null;
  const positions = (): Positions => Object.fromEntries([...position].map(([p, o]) => [String(p), String(o)]));
  // Flushes run one after another: a schema fetched for one batch must not let the next overtake it.
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = null;
    const taken = pending;
    pending = [];
    const at = positions();
    flushing = flushing.then(async () => {
      const raw = taken.map((t) => t.record);
      await prepareRecords(access.decoding, raw);
      const records: Envelope[] = [];
      for (const t of taken) if (filter.fast(t.record)) records.push(kafkaRecordToEnvelope(req.topic, t.partition, t.record, undefined, access.decoding));
      send({ records, positions: at });
    });
  };
  // The first message says where the tail starts, before any record arrives.
  flush();
  const stop = new AbortController();
  const following = AbortSignal.any([signal, stop.signal]);
  try {
    await Promise.all(
      spans.map((s) =>
        access.fetcher
          .follow(req.topic, s.partition, position.get(s.partition)!, { isolation: req.isolation, signal: following, maxBytes: 1024 * 1024 }, (records) => {
            position.set(s.partition, records[records.length - 1]!.offset + 1);
            for (const r of records) pending.push({ partition: s.partition, record: r });
            timer ??= setTimeout(flush, FLUSH_MS);
          })
          .catch((e: unknown) => {
            stop.abort();
            throw e;
          }),
      ),
    );
    throwIfAborted(signal);
  } catch (e) {
    if (signal.aborted) throw new RewindError('cancelled', 'Stopped following');
    throw e instanceof RewindError ? e : access.fail(e);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
