import type { KafkaOrigin } from '../../model/dead-letters';
import type { KafkaRecord } from './record-batches';

/**
 * What a redriven record is made of. A dead letter is a copy, and not always a faithful one: Spring
 * Kafka's DeadLetterPublishingRecoverer sends the value its listener had deserialized through the
 * DLT's own serializer, so JSON comes out rewritten (`12.50` as `12.5`) with `__TypeId__`,
 * `__ContentTypeId__` and `__KeyTypeId__` added, and stamps the failure time; Kafka Connect copies
 * the bytes but adds its `__connect.errors.*` context. So:
 *
 * - While the original is still in its topic at the partition and offset the dead letter names (and
 *   its key and time agree), the original goes back: its key, value bytes, headers in order with
 *   null values, and time. Nothing of the dead-lettering comes along.
 * - Otherwise (retention or compaction took it, or another record sits there) the dead letter's copy
 *   goes back without what the dead-lettering added: the `kafka_dlt-*` or `__connect.errors.*`
 *   context, and the Spring type headers written after that context (a serializer adds them as it
 *   writes the DLT record; type headers the original carried come before it). Its value stays the
 *   DLT's, and the dry run says so.
 *
 * Either way `rewind-redriven-from` is added last.
 */

/** Headers the dead-lettering added: a redriven record leaves them behind. */
export const DLT_CONTEXT = /^(kafka_dlt-|__connect\.errors\.)/;
/** Spring's JSON type headers, for a value and (with the `__Key_` prefix) a key. */
const SPRING_TYPE = /^__(Key_)?(TypeId|ContentTypeId|KeyTypeId)__$/;

export type Header = [string, Buffer | null];

export interface Rebuilt {
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
  /** The time to keep (ms): the original's where known, else the dead letter's own. */
  timestamp: number | null;
  /** For the dry run: where the record is taken from, and what was left out. */
  note: string | null;
}

export interface OriginalPlace {
  topic: string;
  partition: number;
  offset: number;
}

/** Where a dead letter says its original is, when its headers say it exactly. */
export function originalPlace(origin: KafkaOrigin | null): OriginalPlace | null {
  if (!origin || origin.convention === 'other' || !origin.topic || origin.partition === null || origin.offset === null) return null;
  const offset = Number(origin.offset);
  return Number.isSafeInteger(offset) && offset >= 0 ? { topic: origin.topic, partition: origin.partition, offset } : null;
}

export const placeKey = (p: OriginalPlace) => `${p.topic}\u0000${p.partition}\u0000${p.offset}`;

const sameBytes = (a: Buffer | null, b: Buffer | null) => (a === null || b === null ? a === b : a.equals(b));

/** The time the original had, where it is known: Spring writes it in a header; Connect keeps it on the DLQ record. */
function originalTime(dead: KafkaRecord, origin: KafkaOrigin | null): number | null {
  if (origin?.convention === 'spring') return origin.timestamp === null ? null : Date.parse(origin.timestamp);
  if (origin?.convention === 'connect') return dead.timestamp >= 0 ? dead.timestamp : null;
  return null;
}

/**
 * The record to produce for a dead letter: its original when `found` is it, otherwise the dead
 * letter's own copy without the dead-lettering's additions. `found` is what sits at the original's
 * place now (null: nothing, or its place is not known).
 */
export function rebuild(dead: KafkaRecord, origin: KafkaOrigin | null, place: OriginalPlace | null, found: KafkaRecord | null): Rebuilt {
  const time = originalTime(dead, origin);
  // Nothing says the original's time: the dead letter's own is the best there is.
  const keep = time ?? (dead.timestamp >= 0 ? dead.timestamp : null);
  const where = place ? `${place.topic}/${place.partition}/${place.offset}` : null;
  if (place && found && found.offset === place.offset && sameBytes(found.key, dead.key) && (time === null || found.timestamp === time)) {
    return { key: found.key, value: found.value, headers: found.headers.map((h) => [h.key, h.value]), timestamp: found.timestamp >= 0 ? found.timestamp : keep, note: `as the original at ${where}` };
  }
  const contextAt = dead.headers.findIndex((h) => DLT_CONTEXT.test(h.key));
  const dropped = new Set<string>();
  const headers: Header[] = [];
  dead.headers.forEach((h, i) => {
    if (DLT_CONTEXT.test(h.key)) return;
    if (origin?.convention === 'spring' && contextAt >= 0 && i > contextAt && SPRING_TYPE.test(h.key)) {
      dropped.add(h.key);
      return;
    }
    headers.push([h.key, h.value]);
  });
  let note: string | null = null;
  if (where) {
    const why = found && found.offset === place!.offset ? `the record at ${where} is another one (its key or time differs)` : `the original is no longer in ${where}`;
    note = `${why}: the dead letter's copy${dropped.size ? `, without ${[...dropped].join(', ')} (added by the DLT's serializer)` : ''}; its value is the dead letter's`;
  } else if (dropped.size) note = `the dead letter's copy, without ${[...dropped].join(', ')} (added by the DLT's serializer)`;
  return { key: dead.key, value: dead.value, headers, timestamp: keep, note };
}

/** One fetch at an offset: the records from there on (whole batches), and where the next fetch would start; null when the offset is outside the partition. */
export type FetchAt = (topic: string, partition: number, offset: number) => Promise<{ records: KafkaRecord[]; next: number } | null>;

/**
 * Finds the records at many places in as few fetches as they allow: the places of one partition in
 * offset order, each fetch covering all those its batches reach. Nothing is kept past one call.
 */
export async function findOriginals(places: OriginalPlace[], fetchAt: FetchAt): Promise<Map<string, KafkaRecord | null>> {
  const found = new Map<string, KafkaRecord | null>();
  const byPartition = new Map<string, OriginalPlace[]>();
  for (const p of places) {
    const k = `${p.topic}\u0000${p.partition}`;
    byPartition.set(k, [...(byPartition.get(k) ?? []), p]);
  }
  for (const list of byPartition.values()) {
    const sorted = [...new Map(list.map((p) => [p.offset, p])).values()].sort((a, b) => a.offset - b.offset);
    for (let i = 0; i < sorted.length;) {
      const first = sorted[i]!;
      const got = await fetchAt(first.topic, first.partition, first.offset);
      if (!got || got.next <= first.offset) {
        found.set(placeKey(first), null);
        i++;
        continue;
      }
      const byOffset = new Map(got.records.map((r) => [r.offset, r]));
      for (; i < sorted.length && sorted[i]!.offset < got.next; i++) found.set(placeKey(sorted[i]!), byOffset.get(sorted[i]!.offset) ?? null);
    }
  }
  return found;
}
