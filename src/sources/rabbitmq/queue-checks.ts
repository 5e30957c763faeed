import { bindingsFrom, bindingsInto, route, topicMatches, type Topology } from './routing';
import { settingOf, type EffectiveSetting } from './effective-settings';

/** The classic dead-lettering mistakes, each said the way a developer would check it. */
export interface QueueProblem {
  code: 'dlx-missing' | 'dlx-no-match' | 'ttl-without-dlx' | 'dead-letter-cycle';
  message: string;
}

export interface DeadLetterTarget {
  exchange: string;
  /** null: dead letters keep the routing keys they were published with. */
  routingKey: string | null;
  setBy: 'argument' | 'policy' | 'operator-policy';
  /** The queues the DLX sends them to now. */
  to: string[];
}

const isPattern = (key: string) => key.split('.').some((w) => w === '*' || w === '#');

/**
 * The routing keys the queue's messages may carry: the keys of the bindings that feed it (a topic
 * pattern stands for keys we cannot list), and its own name (the default exchange).
 */
function keysFeeding(queue: string, topology: Topology): { literal: string[]; patterns: string[] } {
  const literal = new Set<string>([queue]);
  const patterns = new Set<string>();
  for (const b of bindingsInto(topology, queue)) {
    if (b.source === '') continue;
    if (isPattern(b.routingKey)) patterns.add(b.routingKey);
    else literal.add(b.routingKey);
  }
  return { literal: [...literal], patterns: [...patterns] };
}

/** Where a queue's dead letters go now, from its effective dead-letter settings. */
export function deadLetterTarget(queue: string, settings: EffectiveSetting[], topology: Topology): DeadLetterTarget | null {
  const dlx = settingOf(settings, 'dead-letter-exchange');
  if (!dlx || typeof dlx.value !== 'string') return null;
  const rk = settingOf(settings, 'dead-letter-routing-key');
  const routingKey = rk && typeof rk.value === 'string' ? rk.value : null;
  const feeding = routingKey === null ? keysFeeding(queue, topology) : null;
  const keys = feeding ? feeding.literal : [routingKey ?? ''];
  const to = new Set<string>();
  for (const key of keys) {
    const r = route(topology, { exchange: dlx.value, routingKey: key });
    if (r.ok) for (const x of r.routes) to.add(x.queue);
  }
  // Topic patterns feeding the queue stand for keys we cannot list: a DLX binding that could match one counts.
  if (feeding) {
    for (const pattern of feeding.patterns) {
      for (const b of bindingsFrom(topology, dlx.value)) {
        if (b.destinationType === 'queue' && couldOverlap(pattern, b.routingKey)) to.add(b.destination);
      }
    }
  }
  return { exchange: dlx.value, routingKey, setBy: dlx.source, to: [...to].sort() };
}

/** Whether some key matches both topic patterns; approximated by trying the pattern's words as a key. */
function couldOverlap(a: string, b: string): boolean {
  if (b === '#' || a === '#') return true;
  const sample = a
    .split('.')
    .filter((w) => w !== '#')
    .map((w) => (w === '*' ? 'x' : w))
    .join('.');
  return topicMatches(b, sample) || topicMatches(a, b.replace(/(^|\.)[*#](?=\.|$)/g, '$1x'));
}

export function queueProblems(queue: string, settings: EffectiveSetting[], topology: Topology, target: DeadLetterTarget | null): QueueProblem[] {
  const problems: QueueProblem[] = [];
  const ttl = settingOf(settings, 'message-ttl');
  if (ttl && !target) {
    problems.push({
      code: 'ttl-without-dlx',
      message: `${queue} has a message TTL of ${JSON.stringify(ttl.value)} ms (from its ${ttl.source}) but no dead-letter exchange: expired messages are discarded.`,
    });
  }
  if (!target) return problems;
  const exists = target.exchange === '' || topology.exchanges.some((x) => x.name === target.exchange);
  const by = target.setBy === 'argument' ? 'x-dead-letter-exchange argument' : `${target.setBy}'s dead-letter-exchange`;
  if (!exists) {
    problems.push({ code: 'dlx-missing', message: `${queue}'s dead-letter exchange "${target.exchange}" (from its ${by}) does not exist: dead letters are dropped.` });
    return problems;
  }
  if (target.to.length === 0) {
    const keyText = target.routingKey !== null ? `the key "${target.routingKey}"` : 'the routing keys its messages carry';
    problems.push({
      code: 'dlx-no-match',
      message: `${queue}'s dead-letter exchange "${target.exchange || '(default)'}" has no binding that matches ${keyText}: dead letters are silently dropped.`,
    });
  }
  if (target.to.includes(queue)) {
    problems.push({
      code: 'dead-letter-cycle',
      message: `${queue} dead-letters into itself (through "${target.exchange || '(default)'}"): RabbitMQ drops expired messages that come round again, and rejected ones loop.`,
    });
  }
  return problems;
}
