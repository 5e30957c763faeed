import type { DeadLetterRef } from '../model/dead-letters';
import type { EventStore } from '../store/event-store';

/**
 * What was redriven before, from the audit log. A Kafka dead-letter topic keeps its records after
 * a redrive, so the log is what tells a second redrive of the same records apart. Moved offsets
 * are kept as ranges (`partition:from-to`), so a redrive of a million records is remembered whole.
 */

export const sameRef = (a: DeadLetterRef, b: DeadLetterRef | undefined) =>
  !!b && a.type === b.type && a.name === b.name && (a.type !== 'rabbit-queue' || (b.type === 'rabbit-queue' && a.vhost === b.vhost));

/** `p:o` ids as ranges per partition; other ids (RabbitMQ places, store positions) as they are. */
export function compactIds(ids: string[]): string[] {
  const byPartition = new Map<number, number[]>();
  const other: string[] = [];
  for (const id of ids) {
    const m = /^(\d+):(\d+)$/.exec(id);
    if (!m) other.push(id);
    else byPartition.set(Number(m[1]), [...(byPartition.get(Number(m[1])) ?? []), Number(m[2])]);
  }
  const out: string[] = [];
  for (const [p, offsets] of [...byPartition].sort((a, b) => a[0] - b[0])) {
    offsets.sort((a, b) => a - b);
    let from = offsets[0]!;
    let to = from;
    for (const o of offsets.slice(1)) {
      if (o === to + 1) to = o;
      else {
        out.push(from === to ? `${p}:${from}` : `${p}:${from}-${to}`);
        from = to = o;
      }
    }
    out.push(from === to ? `${p}:${from}` : `${p}:${from}-${to}`);
  }
  return [...out, ...other];
}

interface Moved {
  at: string;
  has(id: string): boolean;
  any: boolean;
}

function movedOf(at: string, ids: string[]): Moved {
  const exact = new Set<string>();
  const ranges: { p: number; from: number; to: number }[] = [];
  for (const id of ids) {
    const m = /^(\d+):(\d+)-(\d+)$/.exec(id);
    if (m) ranges.push({ p: Number(m[1]), from: Number(m[2]), to: Number(m[3]) });
    else exact.add(id);
  }
  return {
    at,
    any: ids.length > 0,
    has: (id) => {
      if (exact.has(id)) return true;
      const m = /^(\d+):(\d+)$/.exec(id);
      if (!m) return false;
      const p = Number(m[1]);
      const o = Number(m[2]);
      return ranges.some((r) => r.p === p && o >= r.from && o <= r.to);
    },
  };
}

/** Every earlier redrive of this resource on this connection, newest first. */
function earlier(store: EventStore, connectionId: string, ref: DeadLetterRef): Moved[] {
  const out: Moved[] = [];
  for (const entry of store.auditLog({ actions: ['redrive'], text: ref.name, limit: 500 })) {
    const d = JSON.parse(entry.detail) as { connectionId?: string; from?: DeadLetterRef; movedIds?: string[] };
    if (d.connectionId !== connectionId || !sameRef(ref, d.from)) continue;
    out.push(movedOf(entry.at, d.movedIds ?? []));
  }
  return out;
}

/** The ids among `ids` redriven before, each with when it first was. */
export function redriveHistory(store: EventStore, connectionId: string, ref: DeadLetterRef) {
  return (ids: string[]): Map<string, string> => {
    const seen = new Map<string, string>();
    const runs = earlier(store, connectionId, ref).reverse();
    for (const id of ids) {
      const first = runs.find((r) => r.has(id));
      if (first) seen.set(id, first.at);
    }
    return seen;
  };
}

/** When this resource's records were first redriven, if ever (for a redrive of all of them). */
export function firstRedrive(store: EventStore, connectionId: string, ref: DeadLetterRef): string | null {
  const runs = earlier(store, connectionId, ref).filter((r) => r.any);
  return runs.length ? runs[runs.length - 1]!.at : null;
}
