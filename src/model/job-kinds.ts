import type { JobPlace } from './jobs';

/**
 * Which API operations are jobs, what the jobs panel calls them, where Open goes, and what their
 * result says in one sentence. Parameters and results arrive already validated by the contract.
 */
interface JobKind {
  title(p: Record<string, unknown>): string;
  place(p: Record<string, unknown>): JobPlace;
  outcome(r: Record<string, unknown>, p: Record<string, unknown>): string;
  /** The work goes on when its view closes (or the renderer reloads), and its result is kept. */
  survivesClose: boolean;
  /** Only some calls are long enough to be jobs (a read of more than a page). */
  when?(p: Record<string, unknown>): boolean;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const fmt = (n: unknown) => new Intl.NumberFormat('en-US').format(num(n));
const plural = (n: unknown, one: string, many: string) => `${fmt(n)} ${num(n) === 1 ? one : many}`;
/** What a search looks for, in the words of its form, so two searches of one topic tell apart. */
const filterText = (f: unknown): string => {
  const o = (f ?? {}) as Record<string, Record<string, unknown> | string | undefined>;
  const parts: string[] = [];
  const key = o['key'];
  if (key && typeof key === 'object') parts.push(`key ${str(key['mode'])} ${str(key['value'])}`);
  const header = o['header'];
  if (header && typeof header === 'object') parts.push(`header ${str(header['name'])}${header['value'] !== undefined ? `=${str(header['value'])}` : ''}`);
  if (typeof o['value'] === 'string') parts.push(`value contains ${o['value']}`);
  if (typeof o['anywhere'] === 'string') parts.push(`${o['anywhere']} anywhere`);
  if (typeof o['type'] === 'string') parts.push(`type ${o['type']}`);
  if (typeof o['json'] === 'string') parts.push(o['json']);
  if (typeof o['predicate'] === 'string') parts.push('a predicate');
  const text = parts.join(', ');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};
const targetName = (t: unknown): string => {
  const o = (t ?? {}) as Record<string, unknown>;
  return str(o['topic']) || str(o['queue']) || str(o['streamId']) || (o['type'] === 'store-all' ? '$all' : str(o['type']));
};

export const JOB_KINDS: Record<string, JobKind> = {
  'topics/search': {
    title: (p) => `Search ${str(p['topic'])}${filterText(p['filter']) ? ` for ${filterText(p['filter'])}` : ''}`,
    place: (p) => ({ kind: 'topic', connectionId: str(p['connectionId']), topic: str(p['topic']) }),
    outcome: (r) => {
      const stopped = (r['stopped'] ?? null) as { message?: string } | null;
      const why = stopped?.message ? ` (stopped: ${stopped.message}; Continue from the topic's search)` : r['complete'] === false ? ' (stopped before the end; Continue from the topic)' : '';
      return `${plural(r['hits'], 'hit', 'hits')} in ${plural(r['scanned'], 'record', 'records')}${why}`;
    },
    survivesClose: true,
  },
  'topics/export': {
    title: (p) => `Export ${str(p['topic'])}`,
    place: (p) => ({ kind: 'topic', connectionId: str(p['connectionId']), topic: str(p['topic']) }),
    outcome: (r) => `${fmt(r['count'])} records exported`,
    survivesClose: false,
  },
  'store/export': {
    title: (p) => `Export ${str(p['streamId']) || '$all'}`,
    place: () => ({ kind: 'none' }),
    outcome: (r) => `${fmt(r['count'])} events exported`,
    survivesClose: false,
  },
  'imports/run': {
    title: (p) => {
      const into = (p['into'] ?? {}) as Record<string, unknown>;
      return `Import ${str(p['file']) || 'a file'} into ${into['kind'] === 'topic' ? str(into['topic']) : 'the store'}`;
    },
    place: (p) => {
      const into = (p['into'] ?? {}) as Record<string, unknown>;
      return into['kind'] === 'topic' ? { kind: 'topic', connectionId: str(p['connectionId']), topic: str(into['topic']) } : { kind: 'none' };
    },
    outcome: (r, p) =>
      `${((p['into'] ?? {}) as Record<string, unknown>)['kind'] === 'topic' ? plural(r['written'], 'record', 'records') : plural(r['written'], 'event', 'events')} written from ${plural(r['lines'], 'line', 'lines')}${num(r['badLines']) ? `, ${plural(r['badLines'], 'bad line', 'bad lines')} skipped` : ''}`,
    // The file is in the window that picked it: when that window goes, the import stops.
    survivesClose: false,
  },
  'trace/run': {
    title: (p) => {
      const key = (p['key'] ?? {}) as Record<string, unknown>;
      return `Trace ${key['by'] === 'trace' ? 'trace id' : 'correlation id'} ${str(key['value'])}`;
    },
    place: () => ({ kind: 'trace' }),
    outcome: (r) => {
      const findings = Array.isArray(r['findings']) ? r['findings'].length : 0;
      const failed = Array.isArray(r['sources']) ? (r['sources'] as { state?: string }[]).filter((s) => s.state === 'failed').length : 0;
      return `${plural(r['members'], 'message', 'messages')}, ${plural(findings, 'finding', 'findings')}${r['bounded'] ? ', stopped at its bound' : ''}${failed ? `, ${plural(failed, 'source', 'sources')} not reached` : ''}`;
    },
    survivesClose: true,
  },
  'catalogue/build': {
    title: (p) => `Catalogue of ${str(((p['resource'] ?? {}) as Record<string, unknown>)['resource'])}`,
    place: () => ({ kind: 'catalogue' }),
    outcome: (r) =>
      `${plural(Array.isArray(r['types']) ? r['types'].length : 0, 'type', 'types')} in ${plural(r['scanned'], 'record', 'records')}, ${plural(Array.isArray(r['findings']) ? r['findings'].length : 0, 'finding', 'findings')}`,
    survivesClose: true,
  },
  'records/read': {
    title: (p) => `Read ${targetName(p['target'])}`,
    place: (p) => {
      const t = (p['target'] ?? {}) as Record<string, unknown>;
      const resourceType = t['type'] === 'rabbit-stream' ? 'rabbit-queue' : t['type'] === 'kafka-partition' ? 'kafka-topic' : str(t['type']);
      return { kind: 'records', connectionId: str(p['connectionId']), resourceType, name: targetName(t) };
    },
    outcome: (r) => `${fmt(r['count'])} read`,
    survivesClose: true,
    when: (p) => num(p['limit']) > 1000,
  },
  'projections/rebuild': {
    title: (p) => `Projection run over ${targetName(((p['source'] ?? {}) as Record<string, unknown>)['target'])}`,
    place: () => ({ kind: 'projection' }),
    outcome: (r) => `${fmt(r['processed'])} events${r['stopped'] ? ', stopped early' : ''}`,
    // Its result (the run's states for time travel) stays in the core until the job is dismissed.
    survivesClose: true,
  },
  'read-models/continue': {
    title: (p) => `Continue ${str(p['name'])}`,
    place: (p) => ({ kind: 'read-models', name: str(p['name']) }),
    outcome: (r) => `${fmt(r['processed'])} new events applied`,
    survivesClose: true,
  },
  'subscriptions/catch-up': {
    title: (p) => `Catch up ${str(p['name'])}`,
    place: (p) => ({ kind: 'subscription', connectionId: str(p['connectionId']), name: str(p['name']) }),
    outcome: (r) => `${fmt(r['processed'])} events handled, ${fmt(r['parked'])} parked, checkpoint ${num(r['checkpoint'])}`,
    survivesClose: true,
  },
  'dead-letters/redrive': {
    title: () => 'Redrive dead letters',
    place: () => ({ kind: 'dead-letters' }),
    outcome: (r) => `${fmt(r['moved'])} of ${fmt(r['looked'])} moved${Array.isArray(r['failures']) && r['failures'].length ? `, ${fmt(r['failures'].length)} failed` : ''}`,
    survivesClose: true,
  },
  'groups/reset': {
    title: (p) => `Reset offsets of ${str(p['groupId'])}`,
    place: (p) => ({ kind: 'groups', connectionId: str(p['connectionId']) }),
    outcome: () => 'offsets moved',
    survivesClose: true,
  },
};

export const isJobMethod = (method: string): boolean => Object.hasOwn(JOB_KINDS, method);
export const survivesClose = (method: string): boolean => JOB_KINDS[method]?.survivesClose ?? false;
