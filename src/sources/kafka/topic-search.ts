import { RewindError } from '../../model/errors';
import type { Positions, ScanItem, ScanRequest, ScanSummary } from '../../model/topic-scan';
import { PredicateFilter } from '../../projections/predicate-filter';
import { wireData } from '../../model/wire-data';
import type { WireEvent } from '../../model/wire';
import { throwIfAborted } from '../source-adapter';
import { filterInSlices } from '../time-slices';
import { recognise } from '../../model/event-envelope';
import { headerOf, kafkaRecordToEnvelope } from './kafka-envelope';
import { compileFilter } from './record-filter';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import { decodedValueOf, prepareRecords } from './kafka-decoding';
import type { KafkaRecord } from './record-batches';
import { spansOf, startsOf, type TopicAccess } from './topic-pages';

/** Bytes per fetch while scanning: 1 MB keeps the broker as busy as 4 MB did, with a quarter of the memory (bench/kafka-browse.mjs). */
const SCAN_FETCH_BYTES = 1024 * 1024;
/** Partitions read at the same time. */
const PARALLEL = 6;
const PROGRESS_EVERY_MS = 250;
const RESUMABLE = new Set(['network', 'not_found']);

export interface SearchOutput {
  /** Matching records of one partition, in offset order. */
  matched(partition: number, records: KafkaRecord[]): void;
  progress(item: Extract<ScanItem, { kind: 'progress' }>): void;
}

/**
 * Scans a range of every chosen partition for records that match, streaming hits as they are
 * found. It stops at `limit` hits, at the end of the range, or at an error (a broker gone, the
 * topic deleted); each way it reports where every partition stands, so the same search can be
 * continued from there with nothing found twice and nothing skipped.
 */
export async function searchTopic(access: TopicAccess, req: ScanRequest, signal: AbortSignal, out: SearchOutput, maxHits = req.limit): Promise<ScanSummary> {
  const started = Date.now();
  // Avro, Protobuf and the other decoded values are searched as what they mean.
  // A type is compared as the records table shows it: the record made into its envelope.
  const filter = compileFilter(
    req.filter,
    (r) => decodedValueOf(access.decoding, r, req.topic),
    (r) => kafkaRecordToEnvelope(req.topic, 0, r, 0, access.decoding).type,
  );
  const spans = await spansOf(access, req.topic, req.partitions, signal);
  const [starts, untils] = await Promise.all([startsOf(access, req.topic, spans, req.from), req.until && !req.to ? startsOf(access, req.topic, spans, { type: 'time', value: req.until }) : null]);
  const position = new Map<number, number>();
  const end = new Map<number, number>();
  for (const s of spans) {
    position.set(s.partition, starts.get(s.partition)!);
    const to = req.to?.[String(s.partition)];
    end.set(s.partition, to === undefined ? (untils?.get(s.partition) ?? s.high) : Number(to));
  }
  const predicate = filter.sandboxed ? await PredicateFilter.start(filter.sandboxed) : null;
  // Text to find anywhere, in a topic no chosen decoder reads: a batch without its bytes is counted, not read.
  const skipBatch = filter.skipBatch && access.decoding.choiceFor(req.topic).decoder === 'auto' ? filter.skipBatch : undefined;
  const halt = new AbortController();
  const reading = AbortSignal.any([signal, halt.signal]);
  let scanned = 0;
  let hits = 0;
  // Set inside the partition workers: an object, so the checks after them see the change.
  const outcome: { stopped: ScanSummary['stopped'] } = { stopped: null };
  let lastProgress = 0;
  const notes: string[] = [];
  let removed = 0;
  let hidden = 0;

  const positions = (): Positions => Object.fromEntries([...position].map(([p, o]) => [String(p), String(o)]));
  const progress = (force = false) => {
    const now = Date.now();
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    out.progress({
      kind: 'progress',
      scanned,
      hits,
      perSecond: Math.round(scanned / Math.max(0.001, (now - started) / 1000)),
      partitions: spans.map((s) => ({ partition: s.partition, start: String(starts.get(s.partition)!), position: String(position.get(s.partition)!), end: String(end.get(s.partition)!) })),
    });
  };

  const scanPartition = async (partition: number) => {
    const from = position.get(partition)!;
    const to = end.get(partition)!;
    if (from >= to) return;
    const range = access.fetcher.range(req.topic, partition, from, to, {
      isolation: req.isolation,
      signal: reading,
      maxBytes: SCAN_FETCH_BYTES,
      ...(skipBatch
        ? {
            skipBatch,
            onSkipped: (n: number) => {
              scanned += n;
              progress();
            },
          }
        : {}),
    });
    for (;;) {
      const step = await range.next();
      if (step.done) {
        removed += step.value.removed;
        hidden += step.value.hidden;
        // The range says where it stopped: the end, or an open transaction (read_committed).
        if (step.value.openTransaction) notes.push(`Partition ${partition} stopped at offset ${step.value.next}: a transaction there is still open.`);
        position.set(partition, step.value.openTransaction ? step.value.next : Math.max(step.value.next, position.get(partition)!));
        return;
      }
      const chunk = step.value;
      await prepareRecords(access.decoding, chunk);
      // In slices: a fetch may hold a 256 MB batch of records, each a JSON scan.
      let found = await filterInSlices(chunk, filter.fast);
      if (predicate && found.length > 0) {
        const matched = await predicate.matching(found.map((r) => filterWire(r, partition, decodedValueOf(access.decoding, r, req.topic)?.text(), access.decoding.envelopeRules)));
        found = found.filter((r) => matched.has(r.offset));
      }
      if (halt.signal.aborted) return;
      const room = maxHits - hits;
      if (found.length >= room) {
        // The limit: stop right after the last hit taken, so Continue starts with the next record.
        const kept = found.slice(0, room);
        const last = kept[kept.length - 1]!.offset;
        scanned += chunk.filter((r) => r.offset <= last).length;
        hits += kept.length;
        position.set(partition, last + 1);
        out.matched(partition, kept);
        halt.abort();
        return;
      }
      scanned += chunk.length;
      position.set(partition, chunk[chunk.length - 1]!.offset + 1);
      if (found.length > 0) {
        hits += found.length;
        out.matched(partition, found);
        // Hits are always followed by the positions that include them: a Stop then Continue finds none twice.
        progress(true);
      } else progress();
    }
  };

  try {
    const queue = spans.map((s) => s.partition);
    const worker = async () => {
      for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
        try {
          await scanPartition(p);
        } catch (e) {
          if (halt.signal.aborted || signal.aborted) return;
          const err = e instanceof RewindError ? e : access.fail(e);
          // Only what may pass (a broker back, a topic gone for good) ends in a summary to continue
          // from; a predicate that is too slow, or a refusal, fails the search.
          halt.abort();
          if (!RESUMABLE.has(err.code)) throw err;
          outcome.stopped = { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
          return;
        }
        if (halt.signal.aborted) return;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, spans.length) }, worker));
    throwIfAborted(signal);
  } finally {
    await predicate?.close();
  }
  const stopped = outcome.stopped;
  progress(true);
  if (removed > 0) notes.push(`${removed.toLocaleString('en-US')} offsets were deleted by retention before the search reached them.`);
  if (hidden > 0) notes.push(`${hidden.toLocaleString('en-US')} records of aborted transactions were not searched (read_committed).`);
  return {
    scanned,
    hits,
    elapsedMs: Date.now() - started,
    positions: positions(),
    ends: Object.fromEntries([...end].map(([p, o]) => [String(p), String(o)])),
    complete: spans.every((s) => position.get(s.partition)! >= end.get(s.partition)!),
    stopped,
    predicateErrors: predicate && predicate.errors > 0 ? { count: predicate.errors, first: predicate.firstError ?? 'the predicate threw' } : null,
    notes,
  };
}

/** A record as the predicate sandbox takes it: position is the offset, version the partition. */
function filterWire(r: KafkaRecord, partition: number, decoded: string | undefined, mapping: readonly EnvelopeRule[]): WireEvent {
  const headers: Record<string, string | null> = {};
  for (const h of r.headers) headers[h.key] = h.value === null ? null : h.value.toString('utf8');
  // Id and type as the record table reads them (model/conventions.ts), so a hit shows what it matched on.
  const fields = recognise({ headers: r.headers.map(headerOf), key: r.key === null ? null : r.key.toString('utf8'), value: decoded === undefined ? r.value : Buffer.from(decoded) }, mapping);
  return {
    position: r.offset,
    type: fields.type ?? '',
    data: decoded ?? wireData(r.value),
    metadata: JSON.stringify(headers),
    streamId: r.key === null ? '' : r.key.toString('utf8'),
    version: partition,
    timestamp: r.timestamp >= 0 ? new Date(r.timestamp).toISOString() : '',
    id: fields.id ?? '',
  };
}
