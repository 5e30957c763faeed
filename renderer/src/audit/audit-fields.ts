import { formatTime } from '../ui/format';

/** One line of an audit entry as people read it: a label and its value in words. */
export interface AuditField {
  label: string;
  value: string;
  mono?: boolean;
}

type Detail = Record<string, unknown>;

const nf = new Intl.NumberFormat('en-US');
const isObject = (v: unknown): v is Detail => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Labels of the keys entries use; other keys are shown with their name in words. */
const LABELS: Record<string, string> = {
  connectionName: 'Connection',
  from: 'From',
  to: 'To',
  selection: 'Selection',
  confirmedCount: 'Confirmed in the dry run',
  looked: 'Looked at',
  moved: 'Moved',
  failed: 'Failed',
  duplicates: 'In both places',
  inBothPlaces: 'Ids in both places',
  uncertain: 'In doubt',
  inDoubt: 'In doubt',
  stoppedBy: 'Ended by',
  options: 'Options',
  started: 'Started',
  runId: 'Run',
  requested: 'Copies asked for',
  sent: 'Sent (confirmed)',
  bytesPerCopy: 'Bytes per copy',
  routed: 'Routed by the broker',
  returned: 'Returned unroutable',
  predictedQueues: 'Queues predicted from bindings',
  ranges: 'Offsets',
  offsets: 'Offsets',
  streamId: 'Stream',
  firstPosition: 'First position',
  events: 'Events',
  firstLine: 'First line',
  subscription: 'Subscription',
  checkpoint: 'Checkpoint',
  parked: 'Parked',
  replayed: 'Handled',
  stillParked: 'Still parked',
  positions: 'Positions',
  groupId: 'Group',
  topic: 'Topic',
  vhost: 'Vhost',
  queue: 'Queue',
  exchange: 'Exchange',
  records: 'Records',
  messages: 'Messages',
  failures: 'Failures',
  movedIds: 'Moved ids',
  error: 'Error',
};

/** Shown elsewhere (the summary, Who) or of no use to a reader (internal ids). */
const SKIP = new Set(['summary', 'host', 'user', 'connectionId']);

/** Options that only mean something for one kind of source: a RabbitMQ redrive never lists Kafka's. */
const KAFKA_ONLY_OPTIONS = new Set(['partitioning', 'keepTimestamp']);
const RABBIT_ONLY_OPTIONS = new Set(['restoreTtl']);

const words = (key: string) => {
  const w = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return w.charAt(0).toUpperCase() + w.slice(1);
};

/** A queue, exchange, topic or store target in words. */
function describePlace(v: Detail): string {
  const vhost = str(v['vhost']) ? ` (vhost ${str(v['vhost'])})` : '';
  switch (v['type'] ?? v['kind']) {
    case 'rabbit-queue':
      return `queue ${str(v['name'])}${vhost}`;
    case 'kafka-topic':
      return `topic ${str(v['name'])}`;
    case 'store-subscription':
      return `subscription ${str(v['name'])}`;
    case 'origin':
      return "each message's origin";
    case 'queue':
      return `queue ${str(v['queue'])}${vhost}`;
    case 'exchange':
      return `exchange ${str(v['exchange']) || '(default)'}, key ${str(v['routingKey'])}${vhost}`;
    case 'topic':
      return `topic ${str(v['topic'])}${'partition' in v ? `, ${v['partition'] === null ? 'partition by key' : `partition ${String(v['partition'])}`}` : ''}`;
    default:
      return describeObject(v);
  }
}

function describeOptions(options: Detail, sourceType: string): string {
  const rabbit = sourceType.startsWith('rabbit');
  const kafka = sourceType.startsWith('kafka');
  const parts: string[] = [];
  for (const [k, v] of Object.entries(options)) {
    if ((rabbit && KAFKA_ONLY_OPTIONS.has(k)) || (kafka && RABBIT_ONLY_OPTIONS.has(k))) continue;
    if (k === 'ratePerSecond') parts.push(v === null ? 'as fast as the broker confirms' : `at most ${nf.format(Number(v))} a second`);
    else if (k === 'restoreTtl') parts.push(v ? 'per-message TTL put back' : 'TTL not put back');
    else if (k === 'partitioning') parts.push(v === 'original' ? 'to the partition each came from' : 'partitioned by key');
    else if (k === 'keepTimestamp') parts.push(v ? 'timestamps kept' : 'timestamps set anew');
    else parts.push(`${words(k).toLowerCase()}: ${describeValue(v)}`);
  }
  return parts.join('; ') || 'none';
}

function describeObject(v: Detail): string {
  return Object.entries(v)
    .map(([k, x]) => `${words(k).toLowerCase()} ${describeValue(x)}`)
    .join(', ');
}

function describeList(items: unknown[], shown = 20): string {
  if (items.length === 0) return 'none';
  const text = items.slice(0, shown).map((x) => (isObject(x) ? describeItem(x) : describeValue(x)));
  return `${text.join(items.some(isObject) ? '; ' : ', ')}${items.length > shown ? ` … and ${nf.format(items.length - shown)} more` : ''}`;
}

/** A list's item: a failure, an offset range, an offset before a reset. */
function describeItem(x: Detail): string {
  if ('first' in x && 'last' in x && 'partition' in x)
    return x['first'] === x['last'] ? `${String(x['partition'])}/${str(x['first'])}` : `${String(x['partition'])}/${str(x['first'])}–${str(x['last'])}`;
  if ('reason' in x) return `${str(x['where']) || str(x['messageId'])}: ${str(x['reason'])}`;
  if ('partition' in x && 'offset' in x) return `${'topic' in x ? `${str(x['topic'])} ` : ''}${String(x['partition'])}/${String(x['offset'])}`;
  return describeObject(x);
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return nf.format(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return describeList(v);
  if (isObject(v)) return 'message' in v && 'code' in v ? `${str(v['code'])}: ${str(v['message'])}` : describePlace(v);
  return String(v);
}

/** Who did it: the OS user and the host, as the core recorded them (older entries have neither). */
export function whoOf(detail: unknown): string {
  const d = isObject(detail) ? detail : {};
  return str(d['user']) && str(d['host']) ? `${str(d['user'])} on ${str(d['host'])}` : 'not recorded (an entry from before Rewind recorded it)';
}

/** An audit entry as labelled fields, in the order the entry holds them, after who and when. */
export function auditFields(entry: { at: string; action: string; detail: unknown }): AuditField[] {
  const d = isObject(entry.detail) ? entry.detail : {};
  const sourceType = isObject(d['from']) ? str(d['from']['type']) : '';
  const fields: AuditField[] = [
    { label: 'Who', value: whoOf(d) },
    { label: 'When', value: formatTime(entry.at), mono: true },
  ];
  for (const [key, value] of Object.entries(d)) {
    if (SKIP.has(key) || value === undefined) continue;
    const label = LABELS[key] ?? words(key);
    if (key === 'options' && isObject(value)) fields.push({ label, value: describeOptions(value, sourceType) });
    else if (key === 'started' && typeof value === 'string') fields.push({ label, value: formatTime(value), mono: true });
    else if (key === 'bytesPerCopy' && typeof value === 'number') fields.push({ label, value: `${nf.format(value)} bytes` });
    else fields.push({ label, value: describeValue(value), mono: Array.isArray(value) && value.length > 0 && value.every((x) => typeof x !== 'object') });
  }
  return fields;
}
