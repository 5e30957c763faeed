import type { Envelope, Resource } from '../../renderer/src/api/types';

const TYPES = ['OrderPlaced', 'OrderPaid', 'OrderShipped', 'OrderCancelled', 'RefundIssued'];
const BASE = Date.UTC(2026, 10, 1);
const PARTITIONS = 6;

/** A cheap, deterministic hash of n: the same record for the same row on every run. */
function mix(n: number): number {
  let x = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Row i of a topic "orders" read across its partitions: varied keys, types and value sizes. */
export function syntheticRecord(i: number): Envelope {
  const h = mix(i);
  const items = Array.from({ length: 1 + (h % 6) }, (_, k) => ({ sku: `SKU-${(h >>> (k * 3)) % 9000}`, qty: 1 + ((h >>> k) % 4) }));
  const text = JSON.stringify({ orderId: `o-${i}`, customer: `c-${h % 99_991}`, total: (h % 100_000) / 100, currency: 'EUR', items });
  const key = `customer-${h % 99_991}`;
  return {
    source: 'kafka',
    resource: 'orders',
    partition: i % PARTITIONS,
    position: String(Math.floor(i / PARTITIONS)),
    id: null,
    type: TYPES[h % TYPES.length]!,
    timestamp: new Date(BASE + i * 37).toISOString(),
    timestampType: 'create',
    key: { kind: 'text', text: key, bytes: key.length, truncated: false },
    headers: [],
    properties: [],
    payload: { kind: 'json', text, bytes: text.length },
    correlationId: null,
    causationId: null,
    streamId: null,
    streamVersion: null,
  };
}

/**
 * `count` rows made on first read (and the last few thousand kept), so a million-row table costs
 * what its visible rows cost. Only `length` and indexing are lazy: what RecordsTable uses.
 */
export function lazyRows(count: number, make: (i: number) => Envelope): Envelope[] {
  const cache = new Map<number, Envelope>();
  return new Proxy([] as Envelope[], {
    get(target, prop, receiver) {
      if (prop === 'length') return count;
      if (typeof prop === 'string' && /^\d+$/.test(prop)) {
        const i = Number(prop);
        if (i >= count) return undefined;
        let row = cache.get(i);
        if (!row) {
          row = make(i);
          cache.set(i, row);
          if (cache.size > 4000) cache.delete(cache.keys().next().value!);
        }
        return row;
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

export const ordersTopic: Resource = {
  type: 'kafka-topic',
  name: 'orders',
  internal: false,
  partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, low: '0', high: '166667', leader: 1 })),
  records: { value: 1_000_000, exact: true },
  deadLetter: false,
};
