import fuzzysort from 'fuzzysort';
import type { ConnectionSummary, Resource } from '../api/types';

/** One thing the palette can jump to or run. */
export interface PaletteItem {
  id: string;
  label: string;
  /** What it is and where: "topic · Local Kafka". */
  detail: string;
  run(): void;
}

const KIND: Record<Resource['type'], string> = {
  'kafka-topic': 'topic',
  'rabbit-queue': 'queue',
  'rabbit-vhost': 'vhost',
  'rabbit-super-stream': 'super stream',
  'store-all': 'all events',
  'store-stream': 'stream',
  'store-subscription': 'subscription',
  source: 'resource',
};

/** Each resource by its name; a vhost as its map, as the sidebar shows it ("Map of /"). */
export function resourceItems(
  connection: ConnectionSummary,
  resources: Resource[],
  open: (c: ConnectionSummary, r: Resource) => void,
  openMap: (c: ConnectionSummary, vhost: string) => void,
): PaletteItem[] {
  return resources.map((r) =>
    r.type === 'rabbit-vhost'
      ? { id: `${connection.id}/map/${r.name}`, label: `Map of ${r.name}`, detail: `map · ${connection.name}`, run: () => openMap(connection, r.name) }
      : {
          id: `${connection.id}/${r.type}/${'vhost' in r ? r.vhost : ''}/${r.type === 'store-all' ? '$all' : r.name}`,
          label: r.type === 'store-all' ? '$all' : r.name,
          detail: `${r.type === 'rabbit-queue' && r.queueType === 'stream' ? 'stream' : r.type === 'source' ? r.kind : KIND[r.type]} · ${connection.name}`,
          run: () => open(connection, r),
        },
  );
}

/**
 * The items that match what was typed, best first: fuzzy over names (fuzzysort), at most `limit`
 * of them so the list stays quick on a cluster with thousands of topics. Nothing typed: all, in order.
 */
export function matchItems(query: string, items: PaletteItem[], limit = 500): { item: PaletteItem; ranges: [number, number][] }[] {
  const q = query.trim();
  if (!q) return items.slice(0, limit).map((item) => ({ item, ranges: [] }));
  return fuzzysort.go(q, items, { keys: ['label', 'detail'], limit, threshold: 0.3 }).map((r) => ({ item: r.obj, ranges: spans(r[0]?.indexes ? [...r[0].indexes] : []) }));
}

/** Matched character positions as [start, end) runs, for highlighting. */
function spans(indexes: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const i of [...indexes].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else out.push([i, i + 1]);
  }
  return out;
}
