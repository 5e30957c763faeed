import type { IHeaders, Producer } from 'kafkajs';
import { RewindError } from '../../model/errors';
import { fromKcatJson, toKcatJson } from '../../model/kcat-json';
import type { ExportScope } from '../../model/topic-scan';
import { throwIfAborted } from '../source-adapter';
import { orderedHeaders } from './kafkajs-record-encoder';
import type { KafkaRecord } from './record-batches';
import { spansOf, type TopicAccess } from './topic-pages';
import { searchTopic } from './topic-search';

const LINES_PER_BATCH = 500;

const lineOf = (topic: string, partition: number, r: KafkaRecord) =>
  toKcatJson(topic, { partition, offset: r.offset, timestamp: r.timestamp, timestampType: r.timestampType, key: r.key, value: r.value, headers: r.headers });

/**
 * Records as kcat -J lines, read again from the broker (never from what the view holds, which
 * keeps only a preview of large values): the records picked by partition and offset, or every
 * hit of a search. Lines go out in batches; progress counts them.
 */
export async function exportRecords(
  access: TopicAccess,
  topic: string,
  scope: ExportScope,
  signal: AbortSignal,
  send: (lines: string[]) => void,
  progress: (done: number, total: number | null) => void,
): Promise<{ count: number }> {
  let count = 0;
  let pending: string[] = [];
  const flush = () => {
    if (pending.length) send(pending);
    pending = [];
    progress(count, scope.kind === 'records' ? scope.records.length : null);
  };
  const add = (partition: number, records: KafkaRecord[]) => {
    for (const r of records) {
      pending.push(lineOf(topic, partition, r));
      count++;
      if (pending.length >= LINES_PER_BATCH) flush();
    }
  };
  if (scope.kind === 'records') {
    const byPartition = new Map<number, number[]>();
    for (const r of scope.records) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), Number(r.offset)]);
    await spansOf(access, topic, [...byPartition.keys()], signal);
    for (const [partition, offsets] of [...byPartition].sort((a, b) => a[0] - b[0])) {
      const wanted = new Set(offsets);
      const sorted = [...wanted].sort((a, b) => a - b);
      // Runs of neighbouring offsets are read together; far-apart ones each on their own.
      for (let i = 0; i < sorted.length;) {
        let j = i;
        while (j + 1 < sorted.length && sorted[j + 1]! - sorted[j]! <= 50) j++;
        for await (const chunk of access.fetcher.range(topic, partition, sorted[i]!, sorted[j]! + 1, { isolation: 'read_uncommitted', signal, maxBytes: 1024 * 1024 })) {
          add(
            partition,
            chunk.filter((r) => wanted.has(r.offset)),
          );
        }
        i = j + 1;
      }
    }
  } else {
    const summary = await searchTopic(access, { ...scope.search, topic, connectionId: '', limit: 10_000 }, signal, { matched: add, progress: () => undefined }, Number.MAX_SAFE_INTEGER);
    if (summary.stopped)
      throw new RewindError(summary.stopped.code === 'not_found' ? 'not_found' : 'network', `The export stopped after ${count} records: ${summary.stopped.message}`, summary.stopped.hint);
  }
  flush();
  return { count };
}

/**
 * Produces kcat -J lines to a topic: key, value, headers (in order, null values kept) and the
 * original timestamp; the original partition when asked and the topic has it, otherwise by key.
 * A line that cannot be read is reported with its number and skipped; nothing is half-sent:
 * a chunk is produced with acks from all in-sync replicas or fails as a whole.
 */
export async function importRecords(
  access: TopicAccess & { producer(): Promise<Producer>; answered<T>(work: Promise<T>, what: string): Promise<T> },
  topic: string,
  lines: string[],
  firstLine: number,
  keepPartitions: boolean,
  signal: AbortSignal,
): Promise<{ produced: number; errors: { line: number; message: string }[] }> {
  const spans = await spansOf(access, topic, null, signal);
  const errors: { line: number; message: string }[] = [];
  const messages: { key: Buffer | null; value: Buffer | null; headers: IHeaders; timestamp?: string; partition?: number }[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const r = fromKcatJson(line);
    if ('error' in r) return void errors.push({ line: firstLine + i, message: r.error });
    const partition = keepPartitions && r.partition !== null ? r.partition : null;
    if (partition !== null && !spans.some((s) => s.partition === partition))
      return void errors.push({ line: firstLine + i, message: `${topic} has no partition ${partition} (it has ${spans.length})` });
    messages.push({
      key: r.key,
      value: r.value,
      headers: orderedHeaders(r.headers) as unknown as IHeaders,
      ...(r.timestamp !== null ? { timestamp: String(r.timestamp) } : {}),
      ...(partition !== null ? { partition } : {}),
    });
  });
  throwIfAborted(signal);
  if (messages.length === 0) return { produced: 0, errors };
  const producer = await access.producer();
  try {
    await access.answered(producer.send({ topic, acks: -1, messages }), 'producing');
  } catch (e) {
    throw access.fail(e);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return { produced: messages.length, errors };
}
