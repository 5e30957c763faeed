import fuzzysort from 'fuzzysort';
import { createRoot } from 'react-dom/client';
import type { ConnectionSummary, Resource } from '../../renderer/src/api/types';
import { CommandPalette } from '../../renderer/src/palette/CommandPalette';
import { matchItems, resourceItems, type PaletteItem } from '../../renderer/src/palette/palette-items';
import '../../renderer/src/styles.css';

const TOPICS = Number(new URLSearchParams(location.search).get('topics') ?? 5000);

/** A cheap, deterministic hash of n: the same names on every run. */
function mix(n: number): number {
  let x = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
const pick = <T,>(xs: readonly T[], h: number): T => xs[h % xs.length]!;

const DOMAINS = [
  'orders',
  'payments',
  'customers',
  'inventory',
  'shipments',
  'fraud',
  'billing',
  'catalog',
  'users',
  'notifications',
  'pricing',
  'returns',
  'loyalty',
  'search',
  'invoices',
  'accounts',
];
const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south', 'ap-northeast'];
const STREAMS = ['events', 'commands', 'payments', 'snapshots', 'changelog', 'audit', 'enriched', 'state', 'notifications', 'refunds', 'created', 'updated'];
const APPS = ['order-aggregator', 'fraud-scorer', 'stock-levels', 'customer-360', 'billing-rollup'];
const STORES = ['KSTREAM-AGGREGATE-STATE-STORE', 'KTABLE-SOURCE-STATE-STORE', 'KSTREAM-REDUCE-STATE-STORE'];
const TABLES = ['customers', 'orders', 'order_lines', 'products', 'addresses', 'payments'];

/**
 * The name of topic i on a large shared cluster: mostly `domain.vN.region.stream-N`
 * (`orders.v2.eu-west.payments-123`), with dead-letter and retry topics, Kafka Streams
 * changelog/repartition topics, CDC topics and a few internal ones, as real clusters have.
 */
function topicName(i: number): string {
  const h = mix(i);
  const kind = h % 100;
  const n = i % 1000;
  if (i === 0) return '__consumer_offsets';
  if (i === 1) return '_schemas';
  if (i === 2) return 'connect-configs';
  if (kind < 78) return `${pick(DOMAINS, h >>> 4)}.v${1 + ((h >>> 8) % 4)}.${pick(REGIONS, h >>> 11)}.${pick(STREAMS, h >>> 15)}-${n}`;
  if (kind < 86) return `${pick(DOMAINS, h >>> 4)}.v${1 + ((h >>> 8) % 4)}.${pick(REGIONS, h >>> 11)}.${pick(STREAMS, h >>> 15)}-${n}.${(h >>> 20) % 2 ? 'dlq' : 'retry-1'}`;
  if (kind < 94) return `${pick(APPS, h >>> 4)}-${pick(STORES, h >>> 8)}-${String(h % 10_000_000_000).padStart(10, '0')}-${(h >>> 19) % 2 ? 'changelog' : 'repartition'}`;
  return `cdc.${pick(DOMAINS, h >>> 4)}_db.public.${pick(TABLES, h >>> 9)}_${n}`;
}

function topic(name: string): Resource {
  return {
    type: 'kafka-topic',
    name,
    internal: name.startsWith('_'),
    partitions: [{ partition: 0, low: '0', high: '1000', leader: 1 }],
    records: { value: 1000, exact: true },
    deadLetter: /\.dlq$|-dlt$/.test(name),
  };
}

const noop = () => undefined;
const prod: ConnectionSummary = { id: 'prod-kafka', kind: 'kafka', name: 'Prod Kafka', address: 'kafka-1.prod.internal:9092', removable: true };
const connections: ConnectionSummary[] = [
  prod,
  { id: 'staging-kafka', kind: 'kafka', name: 'Staging Kafka', address: 'kafka.staging.internal:9092', removable: true },
  { id: 'local-rabbit', kind: 'rabbitmq', name: 'Local RabbitMQ', address: '127.0.0.1:5672', removable: true },
  { id: 'store', kind: 'store', name: 'Local store', address: '~/.rewind/store.db', removable: false },
];

/** What usePalette lists: its actions, each connection (and the Kafka ones' actions), the topics, the read models. */
function paletteItems(): PaletteItem[] {
  const names = new Set<string>();
  for (let i = 0; names.size < TOPICS; i++) names.add(topicName(i));
  const out: PaletteItem[] = [
    { id: 'a/new-projection', label: 'New projection', detail: 'action', run: noop },
    { id: 'a/rebuild', label: 'Rebuild the open projection', detail: 'action · Ctrl+Enter', run: noop },
    { id: 'a/add-connection', label: 'Add connection…', detail: 'action', run: noop },
    { id: 'a/dead-letters', label: 'Open dead letters', detail: 'action', run: noop },
    { id: 'a/audit', label: 'Open the audit log', detail: 'action', run: noop },
    { id: 'a/read-models', label: 'Open read models', detail: 'action', run: noop },
    { id: 'a/theme', label: 'Switch to the dark theme', detail: 'action', run: noop },
    { id: 'a/close-tab', label: 'Close the active tab', detail: 'action', run: noop },
  ];
  for (const c of connections) {
    out.push({ id: `c/${c.id}`, label: c.name, detail: `${c.kind} connection · ${c.address}`, run: noop });
    if (c.kind === 'kafka') {
      out.push({ id: `a/groups/${c.id}`, label: `Consumer groups of ${c.name}`, detail: 'action', run: noop });
      out.push({ id: `a/new-topic/${c.id}`, label: `New topic in ${c.name}…`, detail: 'action', run: noop });
    }
    if (c === prod) out.push(...resourceItems(c, [...names].map(topic), noop, noop));
  }
  for (const name of ['order-totals', 'customer-balances', 'stock-by-sku', 'fraud-flags']) out.push({ id: `rm/${name}`, label: name, detail: 'read model', run: noop });
  return out;
}

const items = paletteItems();

// The bench's view into the page: the items, matchItems itself, and the time fuzzysort.go takes in
// each keystroke (the bundle's one fuzzysort object, which matchItems calls).
declare global {
  interface Window {
    __bench: { items: PaletteItem[]; topics: number; match: typeof matchItems; cleanup(): void; goMs: number; goCalls: number };
  }
}
window.__bench = { items, topics: TOPICS, match: matchItems, cleanup: () => fuzzysort.cleanup(), goMs: 0, goCalls: 0 };
const go = fuzzysort.go.bind(fuzzysort) as (...args: unknown[]) => unknown;
(fuzzysort as unknown as { go: typeof go }).go = (...args) => {
  const start = performance.now();
  try {
    return go(...args);
  } finally {
    window.__bench.goMs += performance.now() - start;
    window.__bench.goCalls++;
  }
};

createRoot(document.getElementById('root')!).render(<CommandPalette items={items} loading={false} onClose={noop} />);
