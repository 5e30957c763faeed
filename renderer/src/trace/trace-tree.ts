import { memberTime, type Finding, type TraceMember } from '../../../src/model/trace';

/** One row of the causation tree: a member, how deep it sits, and the time since the step that caused it. */
export interface TreeRow {
  index: number;
  depth: number;
  /** Milliseconds after its cause (null: a root, or a time missing on either side). */
  sinceCause: number | null;
  /** Its cause was named but not found. */
  orphan: boolean;
  /** An earlier member has the same id in the same place: this is that event delivered again. */
  again: boolean;
}

const timeOf = (m: TraceMember) => {
  const t = memberTime(m.record);
  return t === null ? null : Date.parse(t);
};
const byTime = (members: TraceMember[]) => (a: number, b: number) => (timeOf(members[a]!) ?? 0) - (timeOf(members[b]!) ?? 0) || a - b;

/**
 * The members as a causation tree, flattened in reading order: each under the member whose id its
 * causation id names (CloudEvents `causationid`, NServiceBus `RelatedTo`, a causation header),
 * children in time order; roots are members with no cause, or whose cause was not found.
 */
export function treeRows(members: TraceMember[]): TreeRow[] {
  const firstWithId = new Map<string, number>();
  const again = new Set<number>();
  members.forEach((m, i) => {
    const id = m.record.id;
    if (id === null) return;
    const place = `${m.where.connectionId}\u0000${m.where.resource}\u0000${id}`;
    if (firstWithId.has(id)) {
      if (members.some((o, j) => j < i && o.record.id === id && `${o.where.connectionId}\u0000${o.where.resource}\u0000${id}` === place)) again.add(i);
    } else firstWithId.set(id, i);
  });
  const children = new Map<number, number[]>();
  const roots: number[] = [];
  const orphan = new Set<number>();
  members.forEach((m, i) => {
    const cause = m.record.causationId;
    const parent = cause === null ? undefined : firstWithId.get(cause);
    if (parent === undefined || parent === i) {
      if (cause !== null && parent === undefined) orphan.add(i);
      roots.push(i);
    } else {
      const list = children.get(parent);
      if (list) list.push(i);
      else children.set(parent, [i]);
    }
  });
  const order = byTime(members);
  const rows: TreeRow[] = [];
  const placed = new Set<number>();
  // Iterative, so a conversation 10,000 steps deep does not overflow the stack.
  const stack: { index: number; depth: number; parent: number | null }[] = roots
    .sort(order)
    .reverse()
    .map((index) => ({ index, depth: 0, parent: null }));
  while (stack.length) {
    const { index, depth, parent } = stack.pop()!;
    if (placed.has(index)) continue;
    placed.add(index);
    const t = timeOf(members[index]!);
    const pt = parent === null ? null : timeOf(members[parent]!);
    rows.push({ index, depth, sinceCause: t !== null && pt !== null ? t - pt : null, orphan: orphan.has(index), again: again.has(index) });
    const kids = (children.get(index) ?? []).slice().sort(order).reverse();
    for (const k of kids) stack.push({ index: k, depth: depth + 1, parent: index });
  }
  // Members caught in a causation cycle are never reached from a root: they are listed last, at the top level.
  members.forEach((_, i) => {
    if (!placed.has(i)) rows.push({ index: i, depth: 0, sinceCause: null, orphan: orphan.has(i), again: again.has(i) });
  });
  return rows;
}

/** The members a finding points at, by index. */
export function findingMembers(finding: Finding, members: TraceMember[]): number[] {
  return finding.refs.flatMap((r) => {
    const i = members.findIndex(
      (m) => m.where.connectionId === r.where.connectionId && m.where.resource === r.where.resource && m.record.position === r.position && m.record.partition === r.partition,
    );
    return i === -1 ? [] : [i];
  });
}

/** A time span as the tree writes it on an edge: +120 ms, +4.2 s, +3 min, +2 h. */
export function spanText(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 1 : 0)} s`;
  if (a < 3_600_000) return `${sign}${Math.round(a / 60_000)} min`;
  return `${sign}${(a / 3_600_000).toFixed(1)} h`;
}
