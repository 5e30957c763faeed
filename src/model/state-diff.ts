import { z } from 'zod';

export const Change = z.object({ path: z.string(), left: z.json().optional(), right: z.json().optional() });
export const DiffRow = z.object({
  key: z.string(),
  status: z.enum(['added', 'removed', 'changed', 'same']),
  changes: z.array(Change),
});
export const StateDiff = z.object({
  partitioned: z.boolean(),
  counts: z.object({ added: z.number(), removed: z.number(), changed: z.number(), same: z.number() }),
  /** Differences first; capped, so `truncated` says when rows were left out. */
  rows: z.array(DiffRow),
  truncated: z.boolean(),
});
export type StateDiff = z.infer<typeof StateDiff>;
type Json = z.infer<ReturnType<typeof z.json>>;

const MAX_ROWS = 5000;
const MAX_CHANGES = 50;

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field-level differences between two values, as paths like `items.SKU-1.quantity`. */
export function changesBetween(left: Json | undefined, right: Json | undefined, path = '', out: z.infer<typeof Change>[] = []): z.infer<typeof Change>[] {
  if (out.length >= MAX_CHANGES) return out;
  if (isObject(left) && isObject(right)) {
    for (const k of new Set([...Object.keys(left), ...Object.keys(right)])) changesBetween(left[k], right[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  if (Array.isArray(left) && Array.isArray(right) && left.length === right.length) {
    left.forEach((l, i) => changesBetween(l, right[i], `${path}[${i}]`, out));
    return out;
  }
  if (JSON.stringify(left) !== JSON.stringify(right)) {
    const change: z.infer<typeof Change> = { path: path || '(state)' };
    if (left !== undefined) change.left = left;
    if (right !== undefined) change.right = right;
    out.push(change);
  }
  return out;
}

/** What changes between two runs: per partition for partitioned projections. */
export function diffStates(left: Json, right: Json, partitioned: boolean): StateDiff {
  const l: Record<string, Json> = partitioned && isObject(left) ? left : { '(state)': left };
  const r: Record<string, Json> = partitioned && isObject(right) ? right : { '(state)': right };
  const rows: z.infer<typeof DiffRow>[] = [];
  const counts = { added: 0, removed: 0, changed: 0, same: 0 };
  for (const key of [...new Set([...Object.keys(l), ...Object.keys(r)])].sort()) {
    const inL = Object.prototype.hasOwnProperty.call(l, key);
    const inR = Object.prototype.hasOwnProperty.call(r, key);
    const status = !inL ? 'added' : !inR ? 'removed' : JSON.stringify(l[key]) === JSON.stringify(r[key]) ? 'same' : 'changed';
    counts[status]++;
    rows.push({ key, status, changes: status === 'same' ? [] : changesBetween(inL ? l[key] : undefined, inR ? r[key] : undefined) });
  }
  const order = { changed: 0, added: 1, removed: 2, same: 3 } as const;
  rows.sort((a, b) => order[a.status] - order[b.status] || a.key.localeCompare(b.key));
  return { partitioned, counts, rows: rows.slice(0, MAX_ROWS), truncated: rows.length > MAX_ROWS };
}
