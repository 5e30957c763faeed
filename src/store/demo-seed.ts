import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from './event-store';

/** A small deterministic PRNG so every fresh store holds the same demo story. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planned {
  streamId: string;
  event: NewEvent;
}

const OWNERS = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Ken Thompson', 'Margaret Hamilton', 'Donald Knuth'];
const PRODUCTS = [
  { sku: 'SKU-KB-01', name: 'Mechanical keyboard', unitPrice: 129 },
  { sku: 'SKU-MS-02', name: 'Trackball mouse', unitPrice: 59 },
  { sku: 'SKU-MN-03', name: '27" monitor', unitPrice: 329 },
  { sku: 'SKU-DK-04', name: 'USB-C dock', unitPrice: 189 },
  { sku: 'SKU-HP-05', name: 'Headphones', unitPrice: 99 },
];

/**
 * Fills an empty store with a banking story (accounts A-17..A-24) and a shopping story
 * (carts C-1001..C-1005), recorded over the three days before `now`.
 */
export function seedDemo(store: EventStore, now: Date = new Date()): number {
  const rand = mulberry32(17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const amount = () => Math.round(10 + rand() * 490) * 1;
  const plan: Planned[] = [];
  const carts: Planned[] = [];
  const meta = (correlationId: string, causationId: string | null) => ({
    correlationId,
    ...(causationId ? { causationId } : {}),
    source: 'rewind-demo',
  });

  const accounts = Array.from({ length: 8 }, (_, i) => `A-${17 + i}`);
  const balances = new Map<string, number>();
  accounts.forEach((accountId, i) => {
    const correlationId = randomUUID();
    const id = randomUUID();
    plan.push({
      streamId: `account-${accountId}`,
      event: { id, type: 'AccountCreated', data: { accountId, owner: OWNERS[i] ?? 'Demo user', currency: 'EUR' }, metadata: meta(correlationId, null) },
    });
    balances.set(accountId, 0);
  });
  for (let step = 0; step < 90; step++) {
    const accountId = pick(accounts);
    const balance = balances.get(accountId) ?? 0;
    const roll = rand();
    const correlationId = randomUUID();
    if (roll < 0.45 || balance < 50) {
      const value = amount();
      balances.set(accountId, balance + value);
      plan.push({
        streamId: `account-${accountId}`,
        event: { type: 'MoneyDeposited', data: { accountId, amount: value, currency: 'EUR' }, metadata: meta(correlationId, null) },
      });
    } else if (roll < 0.75) {
      const value = Math.min(balance, amount());
      balances.set(accountId, balance - value);
      plan.push({
        streamId: `account-${accountId}`,
        event: { type: 'MoneyWithdrawn', data: { accountId, amount: value, currency: 'EUR' }, metadata: meta(correlationId, null) },
      });
    } else {
      const toAccountId = pick(accounts.filter((a) => a !== accountId));
      const value = Math.min(balance, amount());
      balances.set(accountId, balance - value);
      balances.set(toAccountId, (balances.get(toAccountId) ?? 0) + value);
      plan.push({
        streamId: `account-${accountId}`,
        event: { type: 'MoneyTransferred', data: { accountId, toAccountId, amount: value, currency: 'EUR' }, metadata: meta(correlationId, null) },
      });
    }
  }

  for (let c = 0; c < 5; c++) {
    const cartId = `C-${1001 + c}`;
    const correlationId = randomUUID();
    const created = randomUUID();
    carts.push({
      streamId: `cart-${cartId}`,
      event: { id: created, type: 'CartCreated', data: { cartId, customerId: pick(accounts) }, metadata: meta(correlationId, null) },
    });
    const inCart: string[] = [];
    const steps = 3 + Math.floor(rand() * 5);
    for (let s = 0; s < steps; s++) {
      if (inCart.length > 0 && rand() < 0.3) {
        const sku = inCart.splice(Math.floor(rand() * inCart.length), 1)[0] as string;
        carts.push({ streamId: `cart-${cartId}`, event: { type: 'ItemRemoved', data: { cartId, sku }, metadata: meta(correlationId, created) } });
      } else {
        const p = pick(PRODUCTS);
        inCart.push(p.sku);
        carts.push({
          streamId: `cart-${cartId}`,
          event: { type: 'ItemAdded', data: { cartId, sku: p.sku, name: p.name, quantity: 1 + Math.floor(rand() * 3), unitPrice: p.unitPrice }, metadata: meta(correlationId, created) },
        });
      }
    }
  }

  // Interleave the two stories at random while keeping each one's own order, so every stream
  // reads as it happened (no withdrawal before the deposit that paid for it).
  const order: Planned[] = [];
  let a = 0;
  let b = 0;
  while (a < plan.length || b < carts.length) {
    const takeCart = b < carts.length && (a >= plan.length || rand() < carts.length / (plan.length + carts.length));
    order.push((takeCart ? carts[b++] : plan[a++]) as Planned);
  }
  const span = 3 * 24 * 3600_000;
  const start = now.getTime() - span;
  store.batch(() => {
    order.forEach((p, n) => {
      const at = new Date(start + Math.round(((n + 1) / (order.length + 1)) * span)).toISOString();
      store.append(p.streamId, [p.event], 'any', () => at);
    });
  });
  store.audit('demo-seeded', { events: order.length });
  return order.length;
}
