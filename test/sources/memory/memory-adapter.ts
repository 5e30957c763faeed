import { performance } from 'node:perf_hooks';
import { RewindError } from '../../../src/model/errors';
import type { Envelope } from '../../../src/model/envelope';
import type { ReadFrom, ReadStart, ReadTarget, Resource } from '../../../src/model/resources';
import type { WireEvent } from '../../../src/model/wire';
import { decodePayload } from '../../../src/model/payload';
import { throwIfAborted, type ReadOptions, type SourceAdapter } from '../../../src/sources/source-adapter';
import { memoryLogs, type MemoryEvent } from './memory-log';

const PAGE = 100;

/** A source that holds its events in memory: it browses and feeds projections, nothing more. */
export class MemoryAdapter implements SourceAdapter {
  readonly follows = false;
  readonly seeksByTime = false;
  private readonly logs = memoryLogs();

  async test() {
    const started = performance.now();
    return { ok: true as const, server: 'In-memory source', details: [`${this.logs.size} logs`], latencyMs: performance.now() - started };
  }

  async listResources(): Promise<Resource[]> {
    return [...this.logs].map(([name, events]) => ({ type: 'source', source: 'memory', kind: 'log', name, group: 'logs', items: { value: events.length, exact: true }, deadLetter: false }));
  }

  async read(options: ReadOptions) {
    const events = this.log(options.target);
    let index = this.start(options.from, events);
    let count = 0;
    while (count < options.limit && index < events.length) {
      throwIfAborted(options.signal);
      const page = events.slice(index, index + Math.min(PAGE, options.limit - count));
      index += page.length;
      count += page.length;
      options.onBatch(page.map((e) => toEnvelope(e, options.previewBytes)));
      options.onProgress({ done: count, total: Math.min(options.limit, events.length), exact: true });
      await new Promise((r) => setImmediate(r));
    }
    return { count, next: events[index]?.streamId ?? null, end: events.at(-1)?.streamId ?? null };
  }

  async *events(target: ReadTarget, from: ReadFrom, to: number | null, signal: AbortSignal, buffer = PAGE): AsyncGenerator<WireEvent[]> {
    const events = this.log(target).filter((e) => to === null || e.position <= to);
    for (let index = this.start(from, events); index < events.length; index += buffer) {
      throwIfAborted(signal);
      yield events.slice(index, index + buffer).map(toWire);
    }
  }

  async close(): Promise<void> {}

  private log(target: ReadTarget | { type: string }): MemoryEvent[] {
    const events = target.type === 'source' && 'resource' in target ? this.logs.get(String(target.resource)) : undefined;
    if (!events) throw new RewindError('not_found', 'No such log in the in-memory source');
    return events;
  }

  /**
   * The index of the first event at or after a position: a stream id (milliseconds-sequence) as
   * reads give them, or a run's number (from 1) as a projection continuing from a checkpoint does.
   */
  private start(from: ReadStart, events: MemoryEvent[]): number {
    if (from.type === 'start') return 0;
    if (from.type !== 'position') throw new RewindError('unsupported', 'The in-memory source starts at its beginning or at a position');
    const value = from.value;
    const id = /^(\d+)-(\d+)$/.exec(value);
    if (id) {
      const at = events.findIndex((e) => compareIds(e.streamId, value) >= 0);
      return at < 0 ? events.length : at;
    }
    if (/^\d+$/.test(value)) return Math.max(0, Number(value) - 1);
    throw new RewindError('invalid_input', 'A position in the in-memory source is a stream id such as 1767225600000-0');
  }
}

function toEnvelope(e: MemoryEvent, previewBytes?: number): Envelope {
  return {
    source: 'memory',
    resource: e.log,
    partition: null,
    position: e.streamId,
    id: e.id,
    type: e.type,
    timestamp: e.time,
    timestampType: null,
    key: decodePayload(Buffer.from(e.data.order)),
    headers: [],
    properties: [],
    payload: decodePayload(Buffer.from(JSON.stringify(e.data)), previewBytes),
    correlationId: null,
    causationId: null,
    streamId: null,
    streamVersion: null,
  };
}

function toWire(e: MemoryEvent): WireEvent {
  return { position: e.position, type: e.type, data: JSON.stringify(e.data), metadata: '{}', streamId: e.log, version: e.position - 1, timestamp: e.time, id: e.id };
}

/** Orders two stream ids by their milliseconds, then their sequence. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}
