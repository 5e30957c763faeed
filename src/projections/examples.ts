/** Projections that ship with Rewind, written for the demo store. */
export interface Example {
  name: string;
  description: string;
  source: string;
}

export const EXAMPLES: Example[] = [
  {
    name: 'Account balances',
    description: 'One balance per account; a transfer moves money between two partitions.',
    source: `// One balance per account. partitionBy picks the state an event updates;
// a transfer updates two accounts, so it returns both.
interface Balance { owner?: string; balance: number; deposits: number }

export default {
  init: (): Balance => ({ balance: 0, deposits: 0 }),

  partitionBy: (e) =>
    e.type === 'MoneyTransferred' ? [e.data.accountId, e.data.toAccountId] : e.data.accountId,

  when: {
    AccountCreated: (s: Balance, e) => ({ ...s, owner: e.data.owner }),
    MoneyDeposited: (s: Balance, e) => ({ ...s, balance: s.balance + e.data.amount, deposits: s.deposits + 1 }),
    MoneyWithdrawn: (s: Balance, e) => ({ ...s, balance: s.balance - e.data.amount }),
    MoneyTransferred: (s: Balance, e, account: string) => ({
      ...s,
      balance: s.balance + (account === e.data.accountId ? -e.data.amount : e.data.amount),
    }),
  },
};
`,
  },
  {
    name: 'Cart contents',
    description: 'What each cart holds now: items by SKU with quantities and a total.',
    source: `// What each cart holds: items by SKU, and the total.
interface Cart { items: Record<string, { name: string; quantity: number; unitPrice: number }>; total: number }

const total = (items: Cart['items']) =>
  Object.values(items).reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);

export default {
  init: (): Cart => ({ items: {}, total: 0 }),
  partitionBy: (e) => e.data.cartId,
  when: {
    ItemAdded: (s: Cart, e) => {
      const prev = s.items[e.data.sku];
      const items = { ...s.items, [e.data.sku]: { name: e.data.name, unitPrice: e.data.unitPrice, quantity: (prev?.quantity ?? 0) + e.data.quantity } };
      return { items, total: total(items) };
    },
    ItemRemoved: (s: Cart, e) => {
      const { [e.data.sku]: _gone, ...items } = s.items;
      return { items, total: total(items) };
    },
  },
};
`,
  },
  {
    name: 'Daily deposit totals',
    description: 'Sum and count of deposits per day, in one state.',
    source: `// Deposits per day (UTC), as one state with a key per date.
type Days = Record<string, { count: number; amount: number }>;

export default {
  init: (): Days => ({}),
  when: {
    MoneyDeposited: (s: Days, e) => {
      const day = e.timestamp.slice(0, 10);
      const d = s[day] ?? { count: 0, amount: 0 };
      return { ...s, [day]: { count: d.count + 1, amount: d.amount + e.data.amount } };
    },
  },
};
`,
  },
];
