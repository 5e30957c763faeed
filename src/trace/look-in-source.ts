import type { Envelope } from '../model/envelope';
import { RewindError } from '../model/errors';
import type { ReadStart, ReadTarget, Resource } from '../model/resources';
import { belongsTo, type TraceKey, type TraceWhere } from '../model/trace';
import { storeEventToEnvelope } from '../sources/store/store-envelope';
import type { SourceAdapter } from '../sources/source-adapter';
import { searchOnward } from './search-onward';

/** What a look in one source reports, as it goes. */
export interface LookOutput {
  /** Records of the conversation, and where they were found. */
  found(where: TraceWhere, records: Envelope[], deadPlace: boolean): void;
  /** More records read (or found through an index) in this source: how many since the last report. */
  scanned(more: number): void;
  resources(done: number, total: number): void;
  /** A resource left out (gone, refused): the look goes on with the others. */
  skipped(why: string): void;
}

export interface LookRequest {
  key: TraceKey;
  window: { from: string; to: string };
  connectionId: string;
  connectionName: string;
  /** The only resources to look in, by name; undefined: every traceable one. */
  only?: string[];
}

/** Events asked of the store's index at a time. */
const STORE_PAGE = 1_000;
/** Items a read is asked for at a time; a stream or queue state is read on from where each stopped. */
const READ_PAGE = 100_000;
/** Previews, not whole values: a trace shows what each step is and opens it in its view for the rest. */
const PREVIEW_BYTES = 1024;
/** Kafka topics searched at once (each reads its partitions in parallel). */
const TOPICS_AT_ONCE = 6;

/** Which resources of a source a trace reads: topics, streams and queue states; never a classic queue (a read there takes messages). */
export function traceable(r: Resource): boolean {
  if (r.type === 'kafka-topic') return !r.internal;
  if (r.type === 'rabbit-queue') return r.queueType === 'stream';
  return r.type === 'source';
}

const whereOf = (req: LookRequest, r: Resource): TraceWhere => ({
  connectionId: req.connectionId,
  connectionName: req.connectionName,
  resourceType: r.type,
  resource: r.name,
  vhost: r.type === 'rabbit-queue' ? r.vhost : null,
});

/**
 * Looks for a conversation's members in one source: the store through its conversation index;
 * a Kafka topic between the offsets of the window's two times; a stream from the window's start to
 * its end; a queue state read whole (jobs are kept in their state's order, not in time).
 */
export async function lookInSource(adapter: SourceAdapter, req: LookRequest, signal: AbortSignal, out: LookOutput): Promise<void> {
  if (adapter.eventStore) return lookInStore(adapter, req, signal, out);
  const listed = await adapter.listResources(signal);
  const resources = listed.filter((r) => traceable(r) && (!req.only || req.only.includes(r.name)));
  const missing = req.only?.filter((name) => !listed.some((r) => r.name === name)) ?? [];
  if (missing.length) out.skipped(`Not in this connection: ${missing.join(', ')}.`);
  let done = 0;
  out.resources(0, resources.length);
  const one = async (r: Resource) => {
    try {
      if (r.type === 'kafka-topic') await lookInTopic(adapter, req, r, signal, out);
      else await lookInLog(adapter, req, r, signal, out);
    } catch (e) {
      if (signal.aborted) throw e;
      // A topic deleted or a stream gone since the listing: the others are still looked in.
      if (e instanceof RewindError && (e.code === 'not_found' || e.code === 'unsupported')) out.skipped(`${r.name}: ${e.message}`);
      else throw e;
    }
    out.resources(++done, resources.length);
  };
  const topics = resources.filter((r) => r.type === 'kafka-topic');
  const logs = resources.filter((r) => r.type !== 'kafka-topic');
  const queue = [...topics];
  await Promise.all(
    Array.from({ length: Math.min(TOPICS_AT_ONCE, topics.length) }, async () => {
      for (let r = queue.shift(); r; r = queue.shift()) await one(r);
    }),
  );
  for (const r of logs) await one(r);
}

async function lookInStore(adapter: SourceAdapter, req: LookRequest, signal: AbortSignal, out: LookOutput) {
  const store = adapter.eventStore!;
  const where: TraceWhere = { connectionId: req.connectionId, connectionName: req.connectionName, resourceType: 'store-all', resource: '$all', vhost: null };
  out.resources(0, 1);
  let after = 0;
  for (;;) {
    if (signal.aborted) return;
    const { events, indexed } = store.conversation(req.key.by, req.key.value, after, STORE_PAGE);
    if (!indexed && after === 0) out.skipped('This store file has no conversation index (opened read-only): it was read whole.');
    out.scanned(events.length);
    if (events.length > 0)
      out.found(
        where,
        events.map((e) => storeEventToEnvelope(e, '$all', PREVIEW_BYTES)).filter((e) => belongsTo(e, req.key)),
        false,
      );
    if (events.length < STORE_PAGE) break;
    after = events[events.length - 1]!.globalPosition;
    // The index is synchronous: give the loop a turn between pages so a cancel is heard.
    await new Promise((r) => setImmediate(r));
  }
  out.resources(1, 1);
}

async function lookInTopic(adapter: SourceAdapter, req: LookRequest, r: Extract<Resource, { type: 'kafka-topic' }>, signal: AbortSignal, out: LookOutput) {
  const topics = adapter.topics;
  if (!topics) return;
  const topic = r.name;
  const where = whereOf(req, r);
  // Offsets for times, both ends of the window: the search reads only between them.
  await searchOnward(
    topics,
    {
      connectionId: req.connectionId,
      topic,
      partitions: null,
      isolation: 'read_committed',
      from: { type: 'time', value: req.window.from },
      until: req.window.to,
      filter: { anywhere: req.key.value },
      previewBytes: PREVIEW_BYTES,
    },
    signal,
    {
      hits: (records) =>
        out.found(
          where,
          records.filter((e) => belongsTo(e, req.key)),
          r.deadLetter,
        ),
      scanned: out.scanned,
      // What the search says of itself (a transaction still open, records deleted by retention, aborted ones hidden) is said with the trace.
      note: (n) => out.skipped(`${topic}: ${n}`),
    },
  );
}

function targetOf(r: Resource): ReadTarget | null {
  if (r.type === 'rabbit-queue') return { type: 'rabbit-stream', vhost: r.vhost, queue: r.name };
  if (r.type === 'source') return { type: 'source', resource: r.name };
  return null;
}

/** A stream or a queue state, read forward from the window's start (or whole, where it cannot start at a time) until past the window's end. */
async function lookInLog(adapter: SourceAdapter, req: LookRequest, r: Resource, signal: AbortSignal, out: LookOutput) {
  const target = targetOf(r);
  if (!target) return;
  const where = whereOf(req, r);
  const end = Date.parse(req.window.to);
  /** Reads on, a page of reads at a time, from where each stopped: to the end, or (a log read from a time) until past the window. */
  const read = async (first: ReadStart, timed: boolean) => {
    const past = new AbortController();
    const reading = AbortSignal.any([signal, past.signal]);
    let from = first;
    try {
      for (;;) {
        const summary = await adapter.read({
          target,
          from,
          limit: READ_PAGE,
          previewBytes: PREVIEW_BYTES,
          signal: reading,
          onBatch: (items) => {
            out.scanned(items.length);
            const mine = items.filter((e) => belongsTo(e, req.key));
            if (mine.length) out.found(where, mine, 'deadLetter' in r && r.deadLetter);
            // A log read from a time is in time order: once a batch is all past the window, the rest is too.
            if (timed && items.length > 0 && items.every((e) => e.timestamp !== null && Date.parse(e.timestamp) > end)) past.abort();
          },
          onProgress: () => undefined,
        });
        for (const n of summary.notes ?? []) out.skipped(`${r.name}: ${n}`);
        if (summary.next === null || past.signal.aborted) return;
        from = { type: 'position', value: summary.next };
      }
    } catch (e) {
      if (past.signal.aborted && !signal.aborted) return;
      throw e;
    }
  };
  if (!adapter.seeksByTime) return read({ type: 'start' }, false);
  try {
    await read({ type: 'time', value: req.window.from }, true);
  } catch (e) {
    // A queue state keeps jobs in its own order: it is read from its start instead.
    if (e instanceof RewindError && e.code === 'unsupported' && !signal.aborted) await read({ type: 'start' }, false);
    else throw e;
  }
}
