/** A job's state as BullMQ names it. */
export type JobState = 'waiting' | 'active' | 'paused' | 'delayed' | 'prioritized' | 'waiting-children' | 'completed' | 'failed';

/** Where one state's jobs are kept, and in which order Rewind shows them. */
export interface StateKey {
  state: JobState;
  /** The key's last part: `wait`, `failed`… */
  suffix: string;
  type: 'list' | 'zset';
  /** Lists: the next job to run first (workers take from the right). Sets: newest first, or soonest first. */
  order: 'run-order' | 'newest' | 'soonest';
}

/**
 * How a queue's keys are laid out, read from `meta.version`: BullMQ 4 added the `prioritized`
 * set (before it, prioritized jobs sat in `wait` with a `priority` index), 5 the `marker` key,
 * 6 keeps a paused queue's jobs in `wait` with a `paused` field in `meta` (5 and before rename
 * `wait` to `paused`). Bull (and a queue whose meta has no version) has no `prioritized` or
 * `waiting-children`. A version Rewind does not know gets no layout, never an empty one.
 */
export interface QueueLayout {
  family: 'bull' | 'bullmq' | 'bullmq-pro';
  /** As `meta.version` says it, or null for Bull. */
  version: string | null;
  major: number | null;
  /** In words: "BullMQ 6.7.6", "Bull (no meta.version: Bull 3–4 or BullMQ before 3)". */
  label: string;
  states: StateKey[];
  /** Whether a paused queue is said by `meta.paused` (BullMQ 5+) or by `meta-paused` and the `paused` list (Bull). */
  pausedIn: 'meta-field' | 'meta-paused-key';
}

export type LayoutResult = { layout: QueueLayout } | { unknown: string };

const BASE: StateKey[] = [
  { state: 'waiting', suffix: 'wait', type: 'list', order: 'run-order' },
  { state: 'active', suffix: 'active', type: 'list', order: 'run-order' },
  { state: 'paused', suffix: 'paused', type: 'list', order: 'run-order' },
  { state: 'delayed', suffix: 'delayed', type: 'zset', order: 'soonest' },
];
const PRIORITIZED: StateKey = { state: 'prioritized', suffix: 'prioritized', type: 'zset', order: 'soonest' };
const CHILDREN: StateKey = { state: 'waiting-children', suffix: 'waiting-children', type: 'zset', order: 'newest' };
const FINISHED: StateKey[] = [
  { state: 'completed', suffix: 'completed', type: 'zset', order: 'newest' },
  { state: 'failed', suffix: 'failed', type: 'zset', order: 'newest' },
];

/** The newest major version whose layout Rewind reads. */
export const NEWEST_KNOWN_MAJOR = 6;

export function layoutOf(metaVersion: string | null, meta: Record<string, string> = {}): LayoutResult {
  // BullMQ writes its options in meta even where it writes no version (a FlowProducer, skipMetasUpdate); Bull never does.
  if ((metaVersion === null || metaVersion === '') && Object.keys(meta).some((k) => k.startsWith('opts.'))) {
    return {
      layout: {
        family: 'bullmq',
        version: null,
        major: null,
        label: 'BullMQ (no version in meta)',
        states: [...BASE, PRIORITIZED, CHILDREN, ...FINISHED],
        pausedIn: 'meta-field',
      },
    };
  }
  if (metaVersion === null || metaVersion === '') {
    return {
      layout: {
        family: 'bull',
        version: null,
        major: null,
        label: 'Bull (no meta.version: Bull 3–4 or BullMQ before 3)',
        states: [...BASE, ...FINISHED],
        pausedIn: 'meta-paused-key',
      },
    };
  }
  const m = /^(bullmq|bullmq-pro):(\d+)\.(\d+)\.(\d+)\S*$/.exec(metaVersion);
  if (!m) return { unknown: `meta.version is "${metaVersion.slice(0, 80)}", a library Rewind does not know` };
  const family = m[1] as 'bullmq' | 'bullmq-pro';
  const major = Number(m[2]);
  const version = `${m[2]}.${m[3]}.${m[4]}`;
  // BullMQ Pro numbers its releases on its own line; its layout follows the BullMQ it is built on, which its version does not say.
  if (family === 'bullmq-pro' && major > 8) return { unknown: `BullMQ Pro ${version}: a layout Rewind does not know yet` };
  if (family === 'bullmq' && major > NEWEST_KNOWN_MAJOR) return { unknown: `BullMQ ${version}: a layout Rewind does not know yet (it reads BullMQ 1–${NEWEST_KNOWN_MAJOR})` };
  const states = [...BASE, ...(major >= 4 || family === 'bullmq-pro' ? [PRIORITIZED] : []), CHILDREN, ...FINISHED];
  return {
    layout: {
      family,
      version,
      major,
      label: `${family === 'bullmq' ? 'BullMQ' : 'BullMQ Pro'} ${version}`,
      states,
      pausedIn: 'meta-field',
    },
  };
}
