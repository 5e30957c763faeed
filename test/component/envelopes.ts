import type { Envelope, Resource } from '../../renderer/src/api/types';

const TYPES = ['OrderPlaced', 'OrderPaid', 'OrderShipped'];

/** Record n of a Kafka topic "orders": offset n, key order-n, a small JSON value. */
export function record(n: number, partition = 0): Envelope {
  const text = JSON.stringify({ orderId: `o-${n}`, amount: n * 10 });
  return {
    source: 'kafka',
    resource: 'orders',
    partition,
    position: String(n),
    id: null,
    type: TYPES[n % TYPES.length]!,
    timestamp: new Date(Date.UTC(2026, 10, 23, 8, 0, n % 60)).toISOString(),
    timestampType: 'create',
    key: { kind: 'text', text: `order-${n}`, bytes: `order-${n}`.length, truncated: false },
    headers: [],
    properties: [],
    payload: { kind: 'json', text, bytes: text.length },
    correlationId: null,
    causationId: null,
    streamId: null,
    streamVersion: null,
  };
}

export const ordersTopic: Resource = {
  type: 'kafka-topic',
  name: 'orders',
  internal: false,
  partitions: [{ partition: 0, low: '0', high: '100', leader: 1 }],
  records: { value: 100, exact: true },
  deadLetter: false,
};
