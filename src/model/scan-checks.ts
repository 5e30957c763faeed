import type { Envelope } from './envelope';
import { aggregateOf, bytesOf, cut, duplicateText, placeText, refOf, REFS_KEPT, type Placed } from './trace-checks';
import { memberTime, type Finding, type MemberRef, type TraceWhere } from './trace';

/** Event ids (and aggregates) remembered, about 150 bytes each; past this a long scan says it stopped looking. */
const MAX_KEYS = 500_000;
/** Findings kept; the rest are counted. */
const MAX_FINDINGS = 1_000;

/** What is kept of a message seen: where it is, in words and as a link, and a digest of its bytes; never the message. */
interface Seen {
  ref: MemberRef;
  digest: string;
  cut: boolean;
  id: string | null;
}

/** Two 32-bit FNV-1a hashes of a text (64 bits): enough to tell two deliveries' bytes apart without keeping them. */
function digest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${text.length}:${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
}

function seen(m: Placed, withBytes: boolean): Seen {
  return { ref: refOf(m), digest: withBytes ? digest(bytesOf(m.record.payload)) : '', cut: cut(m.record.payload), id: m.record.id };
}

/** Where a remembered message is, in words, made only when a finding says it. */
const placeOf = (x: Seen) => `${x.ref.where.resource}${x.ref.partition !== null ? ` [${x.ref.partition}]` : ''} at ${x.ref.position}`;

/**
 * The checks of a trace, run over a whole topic, stream or queue as it is read, in each place's own
 * order and in bounded memory (a few hundred bytes a remembered id, never the message): the same
 * event id delivered more than once, an aggregate's versions that skip or repeat or go back, and a
 * message whose time is before one earlier in its partition.
 */
export class ScanChecks {
  private readonly ids = new Map<string, Seen>();
  private readonly repeats = new Map<string, Seen[]>();
  private readonly repeated = new Map<string, number>();
  private readonly versions = new Map<string, { version: number; at: Seen }>();
  private readonly latest = new Map<string, { t: number; time: string; at: Seen }>();
  private readonly found: Finding[] = [];
  private more = 0;
  private full = false;

  add(where: TraceWhere, record: Envelope): void {
    const m: Placed = { where, record };
    this.duplicate(m);
    this.version(m);
    this.order(m);
  }

  private push(f: Finding) {
    if (this.found.length < MAX_FINDINGS) this.found.push(f);
    else this.more++;
  }

  private duplicate(m: Placed) {
    const id = m.record.id;
    if (id === null) return;
    if (!this.ids.has(id)) {
      if (this.ids.size < MAX_KEYS) this.ids.set(id, seen(m, true));
      else this.full = true;
      return;
    }
    this.repeated.set(id, (this.repeated.get(id) ?? 0) + 1);
    const list = this.repeats.get(id) ?? [];
    if (list.length === 0) this.repeats.set(id, list);
    // Past the links a finding keeps, only whether the bytes differ still matters.
    if (list.length < REFS_KEPT) list.push(seen(m, true));
    else if (!list.some((x) => x.digest === 'differs')) {
      const d = digest(bytesOf(m.record.payload));
      if (d !== this.ids.get(id)!.digest) list.push({ ...seen(m, false), digest: 'differs' });
    }
  }

  private version(m: Placed) {
    const a = aggregateOf(m.record);
    if (!a) return;
    const prev = this.versions.get(a.aggregate);
    if (prev || this.versions.size < MAX_KEYS) this.versions.set(a.aggregate, { version: a.version, at: seen(m, false) });
    else this.full = true;
    if (!prev) return;
    const here = placeText(m);
    const refs = [prev.at.ref, refOf(m)];
    if (a.version === prev.version && m.record.id !== prev.at.id) {
      this.push({ kind: 'version-repeat', text: `${a.aggregate}: version ${a.version} appears twice, as two different events (${placeOf(prev.at)} and ${here}).`, refs });
    } else if (a.version < prev.version) {
      this.push({ kind: 'version-repeat', text: `${a.aggregate}: version ${a.version} comes after version ${prev.version} (${placeOf(prev.at)}, then ${here}).`, refs });
    } else if (a.version > prev.version + 1) {
      const missing = a.version - prev.version === 2 ? `version ${prev.version + 1} is` : `versions ${prev.version + 1}–${a.version - 1} are`;
      this.push({ kind: 'version-gap', text: `${a.aggregate}: version ${prev.version} is followed by ${a.version}; ${missing} not there.`, refs });
    }
  }

  private order(m: Placed) {
    const time = memberTime(m.record);
    if (time === null) return;
    const t = Date.parse(time);
    const k = `${m.where.resource}\u0000${m.record.partition ?? ''}`;
    const prev = this.latest.get(k);
    if (prev && t < prev.t) {
      this.push({ kind: 'out-of-order', text: `${placeText(m)} says ${time}, before ${placeOf(prev.at)} (${prev.time}), which comes earlier in the log.`, refs: [prev.at.ref, refOf(m)] });
    } else this.latest.set(k, { t, time, at: seen(m, false) });
  }

  /** What was found so far, and what the checks could not cover. */
  findings(): { findings: Finding[]; notes: string[] } {
    const dups: Finding[] = [];
    for (const [id, list] of this.repeats) {
      const first = this.ids.get(id)!;
      const times = 1 + this.repeated.get(id)!;
      const differ = list.some((x) => x.digest !== first.digest);
      const partial = first.cut || list.some((x) => x.cut);
      const bytes = differ ? 'the bytes differ' : partial ? 'the bytes shown are the same (previews: the rest was not compared)' : 'the bytes are the same';
      const shown = [first, ...list.filter((x) => x.digest !== 'differs')];
      dups.push({ kind: 'duplicate', text: duplicateText(id, times, shown.slice(0, 5).map(placeOf), bytes), refs: shown.slice(0, REFS_KEPT).map((x) => x.ref) });
      if (dups.length >= MAX_FINDINGS) break;
    }
    const notes: string[] = [];
    if (this.full) notes.push(`Duplicates and versions were followed for the first ${MAX_KEYS.toLocaleString('en-US')} event ids and aggregates.`);
    if (this.more > 0 || this.repeats.size > MAX_FINDINGS) notes.push(`More findings than the ${MAX_FINDINGS.toLocaleString('en-US')} of each kind listed were not kept.`);
    return { findings: [...dups, ...this.found], notes };
  }
}
