import type { Handlers } from '../api/dispatcher';
import { RewindError } from '../model/errors';
import type { AdapterPool } from './adapter-pool';
import { parseNdjsonLine, toNdjsonLine, toNewEvent } from '../store/ndjson';

type StoreHandlers = Pick<Handlers, 'store/append' | 'store/export' | 'store/import' | 'store/check'>;

const EXPORT_PAGE = 1000;

export function storeHandlers({ pool }: { pool: AdapterPool }): StoreHandlers {
  const local = (connectionId: string) => pool.store(connectionId);

  return {
    'store/append': async ({ connectionId, streamId, expectedVersion, events }) => {
      const store = await local(connectionId);
      const result = store.append(streamId, events, expectedVersion);
      store.audit('append', { streamId, count: events.length, firstPosition: result.firstPosition });
      return result;
    },

    'store/check': async ({ connectionId }) => {
      const store = await local(connectionId);
      const started = performance.now();
      const problems = store.check();
      return { ok: problems.length === 0, problems, elapsedMs: performance.now() - started };
    },

    'store/export': async ({ connectionId, streamId }, ctx) => {
      const s = await local(connectionId);
      const total = streamId ? (s.stream(streamId)?.eventCount ?? 0) : s.lastPosition();
      if (streamId && !s.stream(streamId)) throw new RewindError('not_found', `Stream ${streamId} does not exist`);
      let from = 1;
      let count = 0;
      for (;;) {
        if (ctx.signal.aborted) throw new RewindError('cancelled', 'Cancelled');
        const rows = streamId ? s.readStreamFrom(streamId, from, EXPORT_PAGE) : s.readAll(from, EXPORT_PAGE);
        if (rows.length === 0) break;
        ctx.batch(rows.map(toNdjsonLine));
        count += rows.length;
        ctx.progress({ done: count, total, exact: true });
        from = (rows[rows.length - 1]?.globalPosition ?? from) + 1;
        await new Promise((r) => setImmediate(r));
      }
      return { count };
    },

    'store/import': async ({ connectionId, lines, firstLine }) => {
      const s = await local(connectionId);
      const errors: { line: number; message: string }[] = [];
      const good: { line: number; event: ReturnType<typeof toNewEvent>; streamId: string }[] = [];
      const seen = new Set<string>();
      lines.forEach((text, i) => {
        const line = firstLine + i;
        if (text.trim() === '') return;
        const parsed = parseNdjsonLine(text);
        if (!parsed.ok) return errors.push({ line, message: parsed.message });
        const id = parsed.event.id;
        if (id && (seen.has(id) || s.hasEventId(id))) return errors.push({ line, message: `event ${id} is already stored; left out` });
        if (id) seen.add(id);
        good.push({ line, event: toNewEvent(parsed.event), streamId: parsed.event.streamId });
      });
      s.assertWritable();
      // One transaction per chunk: a chunk is in the store whole, or not at all.
      s.batch(() => {
        for (const g of good) s.append(g.streamId, [g.event], 'any');
      });
      if (good.length) s.audit('import', { events: good.length, firstLine });
      return { imported: good.length, errors };
    },
  };
}
