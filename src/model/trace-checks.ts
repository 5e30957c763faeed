import type { Envelope, Header } from './envelope';
import type { Payload } from './payload';
import { memberTime, type Finding, type MemberRef, type TraceWhere } from './trace';

/** A record and where it lives: a trace's member, or a record of a scanned topic, queue or stream. */
export interface Placed {
  where: TraceWhere;
  record: Envelope;
}

export const refOf = (m: Placed): MemberRef => ({ where: m.where, position: m.record.position, partition: m.record.partition });
export const placeText = (m: Placed) => `${m.where.resource}${m.record.partition !== null ? ` [${m.record.partition}]` : ''} at ${m.record.position}`;

const AGGREGATE_HEADERS = ['aggregate-id', 'aggregateid', 'aggregate_id', 'x-aggregate-id', 'axon-message-aggregate-identifier'];
/** An aggregate's version by name: a bare `version` header is left out, as producers use it for a schema's version too. */
const VERSION_HEADERS = ['aggregate-version', 'aggregateversion', 'aggregate_version', 'x-aggregate-version', 'axon-message-aggregate-seq'];

function header(headers: Header[], names: string[]): string | null {
  for (const h of headers) if (h.value !== null && !h.binary && names.includes(h.name.toLowerCase())) return h.value;
  return null;
}

/**
 * Which aggregate an event belongs to and its version there: a store event's stream and version;
 * elsewhere an aggregate header (Axon's, or aggregate-id/-version), or a CloudEvent's subject with
 * its `sequence` extension. Null when the event says no version.
 */
export function aggregateOf(r: Envelope): { aggregate: string; version: number; store: boolean } | null {
  if (r.streamId !== null && r.streamVersion !== null) return { aggregate: r.streamId, version: r.streamVersion, store: true };
  const versionText = header(r.headers, VERSION_HEADERS) ?? r.event?.sequence ?? null;
  if (versionText === null || !/^\d{1,15}$/.test(versionText.trim())) return null;
  const key = r.key && (r.key.kind === 'text' || r.key.kind === 'json') ? r.key.text : null;
  const aggregate = header(r.headers, AGGREGATE_HEADERS) ?? r.event?.subject ?? key;
  return aggregate === null ? null : { aggregate, version: Number(versionText.trim()), store: false };
}

/** The bytes a payload shows, to tell two deliveries of one event apart. */
export function bytesOf(p: Payload): string {
  switch (p.kind) {
    case 'null':
    case 'empty':
      return p.kind;
    case 'json':
      return `${p.bytes}:${p.text}`;
    case 'text':
      return `${p.bytes}:${p.text}`;
    case 'binary':
      return `${p.bytes}:${p.base64}`;
  }
}
export const cut = (p: Payload) => (p.kind === 'text' || p.kind === 'binary') && p.truncated;

/** Positions compared as their source orders them: whole numbers as numbers, stream ids (ms-seq) part by part. */
export function comparePositions(a: string, b: string): number {
  const pa = a.split('-');
  const pb = b.split('-');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The same event id delivered more than once to one topic, queue or stream, with where, and whether
 * the bytes differ. One id in two places is not counted: a dead-letter copy, or one event fanned out.
 */
export function duplicates(members: readonly Placed[]): Finding[] {
  const byId = new Map<string, Placed[]>();
  for (const m of members) {
    if (m.record.id === null) continue;
    const id = `${m.where.connectionId}\u0000${m.where.vhost ?? ''}\u0000${m.where.resource}\u0000${m.record.id}`;
    const list = byId.get(id);
    if (list) list.push(m);
    else byId.set(id, [m]);
  }
  const findings: Finding[] = [];
  for (const list of byId.values()) {
    if (list.length < 2) continue;
    const id = list[0]!.record.id!;
    const first = bytesOf(list[0]!.record.payload);
    const differ = list.some((m) => bytesOf(m.record.payload) !== first);
    const partial = list.some((m) => cut(m.record.payload));
    const bytes = differ ? 'the bytes differ' : partial ? 'the bytes shown are the same (previews: the rest was not compared)' : 'the bytes are the same';
    findings.push({ kind: 'duplicate', text: duplicateText(id, list.length, list.slice(0, PLACES_SAID).map(placeText), bytes), refs: list.slice(0, REFS_KEPT).map(refOf) });
  }
  return findings;
}

/** A causation id that points to no message found. */
export function orphans(members: readonly Placed[]): Finding[] {
  const ids = new Set(members.flatMap((m) => (m.record.id === null ? [] : [m.record.id])));
  const findings: Finding[] = [];
  for (const m of members) {
    const cause = m.record.causationId;
    if (cause === null || ids.has(cause)) continue;
    findings.push({
      kind: 'orphan',
      text: `${m.record.type ?? 'A message'} ${m.record.id ?? ''} at ${placeText(m)} was caused by ${cause}, which was not found.`.replace('  ', ' '),
      refs: [refOf(m)],
    });
  }
  return findings;
}

/**
 * Versions of one aggregate that repeat or skip. In a trace (`within` 'trace') a store stream is not
 * checked for gaps: the store keeps every stream's versions whole, so a version missing from a
 * conversation belongs to another one; a repeat there is still a defect.
 */
export function versionChecks(members: readonly Placed[], within: 'trace' | 'resource'): Finding[] {
  const byAggregate = new Map<string, { m: Placed; version: number; store: boolean }[]>();
  for (const m of members) {
    const a = aggregateOf(m.record);
    if (!a) continue;
    const k = `${m.where.connectionId}\u0000${a.aggregate}`;
    const list = byAggregate.get(k);
    const entry = { m, version: a.version, store: a.store };
    if (list) list.push(entry);
    else byAggregate.set(k, [entry]);
  }
  const findings: Finding[] = [];
  for (const [k, list] of byAggregate) {
    const aggregate = k.slice(k.indexOf('\u0000') + 1);
    list.sort((x, y) => x.version - y.version || comparePositions(x.m.record.position, y.m.record.position));
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      if (cur.version === prev.version && cur.m.record.id !== prev.m.record.id) {
        findings.push({
          kind: 'version-repeat',
          text: `${aggregate}: version ${cur.version} appears twice, as two different events (${placeText(prev.m)} and ${placeText(cur.m)}).`,
          refs: [refOf(prev.m), refOf(cur.m)],
        });
      } else if (cur.version > prev.version + 1 && !(within === 'trace' && cur.store)) {
        const missing = cur.version - prev.version === 2 ? `version ${prev.version + 1} is` : `versions ${prev.version + 1}–${cur.version - 1} are`;
        findings.push({
          kind: 'version-gap',
          text: `${aggregate}: version ${prev.version} is followed by ${cur.version}; ${missing} not ${within === 'trace' ? 'in this conversation' : 'there'}.`,
          refs: [refOf(prev.m), refOf(cur.m)],
        });
      }
    }
  }
  return findings;
}

/** Within one partition (or one stream, or queue), a message whose time is before one earlier in it. */
export function outOfOrder(members: readonly Placed[]): Finding[] {
  const byPlace = new Map<string, Placed[]>();
  for (const m of members) {
    if (memberTime(m.record) === null) continue;
    const k = `${m.where.connectionId}\u0000${m.where.resourceType}\u0000${m.where.vhost ?? ''}\u0000${m.where.resource}\u0000${m.record.partition ?? ''}`;
    const list = byPlace.get(k);
    if (list) list.push(m);
    else byPlace.set(k, [m]);
  }
  const findings: Finding[] = [];
  for (const list of byPlace.values()) {
    // Jobs of a queue state are kept in the state's order, not in time: only ordered logs are checked.
    if (list[0]!.where.resourceType === 'source' && !/^\d+-\d+$/.test(list[0]!.record.position) && list[0]!.record.source === 'redis') continue;
    list.sort((x, y) => comparePositions(x.record.position, y.record.position));
    let latest = list[0]!;
    for (const m of list.slice(1)) {
      const t = Date.parse(memberTime(m.record)!);
      const before = Date.parse(memberTime(latest.record)!);
      if (t < before) {
        findings.push({
          kind: 'out-of-order',
          text: `${placeText(m)} says ${memberTime(m.record)}, before ${placeText(latest)} (${memberTime(latest.record)}), which comes earlier in the log.`,
          refs: [refOf(latest), refOf(m)],
        });
      } else latest = m;
    }
  }
  return findings;
}

/** Findings one check keeps, places one finding names, and messages it links to: a conversation of 100,000 copies of one event is one finding, not 100,000 lines. */
export const FINDINGS_KEPT = 1_000;
const PLACES_SAID = 5;
export const REFS_KEPT = 20;

export function duplicateText(id: string, times: number, places: string[], bytes: string): string {
  return `Event ${id} was delivered ${times.toLocaleString('en-US')} times (${places.join(', ')}${times > places.length ? ', …' : ''}); ${bytes}.`;
}

/**
 * Every check on a set of members, each kind's findings kept to FINDINGS_KEPT (a note says how many
 * more). Causes not found are looked for only in a whole trace: one cut short (its bound, a Stop)
 * may hold the cause beyond where it stopped.
 */
export function checkAll(members: readonly Placed[], within: 'trace' | 'resource', whole = true): Finding[] {
  return [duplicates(members), within === 'trace' && whole ? orphans(members) : [], versionChecks(members, within), outOfOrder(members)].flatMap((found) => {
    if (found.length <= FINDINGS_KEPT) return found;
    const kind = found[0]!.kind;
    return [...found.slice(0, FINDINGS_KEPT), { kind, text: `…and ${(found.length - FINDINGS_KEPT).toLocaleString('en-US')} more findings of this kind, not listed.`, refs: [] }];
  });
}
