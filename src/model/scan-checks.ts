import type { Envelope } from './envelope';
import { aggregateOf, bytesOf, cut, placeText, refOf, type Placed } from './trace-checks';
import { memberTime, type Finding, type TraceWhere } from './trace';

/** Event ids remembered for the duplicate check; past this a long scan says it stopped looking. */
const MAX_IDS = 1_000_000;
/** Findings kept; the rest are counted. */
const MAX_FINDINGS = 1_000;

interface Seen {
  m: Placed;
  bytes: string;
  cut: boolean;
}

/**
 * The checks of a trace, run over a whole topic, stream or queue as it is read, in each place's own
 * order and in bounded memory: the same event id delivered more than once, an aggregate's versions
 * that skip or repeat or go back, and a message whose time is before one earlier in its partition.
 */
export class ScanChecks {
  private readonly ids = new Map<string, Seen>();
  private readonly repeats = new Map<string, Placed[]>();
  private readonly versions = new Map<string, { version: number; m: Placed }>();
  private readonly latest = new Map<string, { t: number; m: Placed }>();
  private readonly found: Finding[] = [];
  private more = 0;
  private idsFull = false;

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
    const first = this.ids.get(id);
    if (!first) {
      if (this.ids.size < MAX_IDS) this.ids.set(id, { m, bytes: bytesOf(m.record.payload), cut: cut(m.record.payload) });
      else this.idsFull = true;
      return;
    }
    const list = this.repeats.get(id);
    if (list) list.push(m);
    else this.repeats.set(id, [m]);
  }

  private version(m: Placed) {
    const a = aggregateOf(m.record);
    if (!a) return;
    const prev = this.versions.get(a.aggregate);
    this.versions.set(a.aggregate, { version: a.version, m });
    if (!prev) return;
    if (a.version === prev.version && m.record.id !== prev.m.record.id) {
      this.push({
        kind: 'version-repeat',
        text: `${a.aggregate}: version ${a.version} appears twice, as two different events (${placeText(prev.m)} and ${placeText(m)}).`,
        refs: [refOf(prev.m), refOf(m)],
      });
    } else if (a.version < prev.version) {
      this.push({
        kind: 'version-repeat',
        text: `${a.aggregate}: version ${a.version} comes after version ${prev.version} (${placeText(prev.m)}, then ${placeText(m)}).`,
        refs: [refOf(prev.m), refOf(m)],
      });
    } else if (a.version > prev.version + 1) {
      const missing = a.version - prev.version === 2 ? `version ${prev.version + 1} is` : `versions ${prev.version + 1}–${a.version - 1} are`;
      this.push({ kind: 'version-gap', text: `${a.aggregate}: version ${prev.version} is followed by ${a.version}; ${missing} not there.`, refs: [refOf(prev.m), refOf(m)] });
    }
  }

  private order(m: Placed) {
    const time = memberTime(m.record);
    if (time === null) return;
    const t = Date.parse(time);
    const k = `${m.where.resource}\u0000${m.record.partition ?? ''}`;
    const prev = this.latest.get(k);
    if (prev && t < prev.t) {
      this.push({
        kind: 'out-of-order',
        text: `${placeText(m)} says ${time}, before ${placeText(prev.m)} (${memberTime(prev.m.record)}), which comes earlier in the log.`,
        refs: [refOf(prev.m), refOf(m)],
      });
    } else this.latest.set(k, { t, m });
  }

  /** What was found so far, and what the checks could not cover. */
  findings(): { findings: Finding[]; notes: string[] } {
    const dups: Finding[] = [];
    for (const [id, list] of this.repeats) {
      const first = this.ids.get(id)!;
      const all = [first.m, ...list];
      const differ = list.some((m) => bytesOf(m.record.payload) !== first.bytes);
      const partial = first.cut || list.some((m) => cut(m.record.payload));
      const bytes = differ ? 'the bytes differ' : partial ? 'the bytes shown are the same (previews: the rest was not compared)' : 'the bytes are the same';
      dups.push({
        kind: 'duplicate',
        text: `Event ${id} was delivered ${all.length} times (${all.slice(0, 5).map(placeText).join(', ')}${all.length > 5 ? ', …' : ''}); ${bytes}.`,
        refs: all.slice(0, 20).map(refOf),
      });
    }
    const notes: string[] = [];
    if (this.idsFull) notes.push(`Duplicates were looked for among the first ${MAX_IDS.toLocaleString('en-US')} event ids.`);
    if (this.more > 0) notes.push(`${this.more.toLocaleString('en-US')} more findings were not kept (the first ${MAX_FINDINGS.toLocaleString('en-US')} are listed).`);
    return { findings: [...dups.slice(0, MAX_FINDINGS), ...this.found], notes };
  }
}
