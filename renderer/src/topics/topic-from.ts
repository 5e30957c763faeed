import type { TopicFrom } from '../../../src/model/topic-scan';
import { parseTimeInput } from '../../../src/model/time-input';

export type TopicFromMode = 'newest' | 'start' | 'time' | 'offset' | 'last';

export const FROM_LABELS: Record<TopicFromMode, string> = {
  newest: 'the newest',
  start: 'the beginning',
  time: 'a time',
  offset: 'an offset',
  last: 'the last N per partition',
};

/**
 * Where a topic read starts, from the toolbar's mode and box. An offset is one number (every
 * chosen partition starts there) or `partition:offset` pairs, such as `0:1200, 2:80`.
 */
export function topicFromOf(mode: TopicFromMode, text: string, partitions: number[]): TopicFrom | { error: string } {
  const v = text.trim();
  switch (mode) {
    case 'newest':
      return { type: 'end' };
    case 'start':
      return { type: 'start' };
    case 'time': {
      const t = parseTimeInput(v);
      return t.ok ? { type: 'time', value: t.date.toISOString() } : { error: t.error };
    }
    case 'last':
      return /^\d+$/.test(v) && Number(v) >= 1
        ? { type: 'last', perPartition: Math.min(Number(v), 1_000_000) }
        : { error: 'How many of the newest records of each partition: a whole number, such as 20.' };
    case 'offset': {
      if (/^\d+$/.test(v)) return { type: 'offsets', value: Object.fromEntries(partitions.map((p) => [String(p), v])) };
      const pairs = v.split(/[\s,]+/).filter(Boolean);
      const value: Record<string, string> = {};
      for (const pair of pairs) {
        const m = /^(\d+):(\d+)$/.exec(pair);
        if (!m) return { error: `"${pair}" is not partition:offset. Write one offset (1200) or pairs (0:1200, 2:80).` };
        value[m[1]!] = m[2]!;
      }
      return pairs.length ? { type: 'offsets', value } : { error: 'Type an offset (1200) or partition:offset pairs (0:1200, 2:80).' };
    }
  }
}

/** The toolbar's mode and box for a start a read or search used (one taken back from the jobs panel). */
export function formOfTopicFrom(from: TopicFrom): { mode: TopicFromMode; text: string } {
  switch (from.type) {
    case 'start':
      return { mode: 'start', text: '' };
    case 'end':
      return { mode: 'newest', text: '' };
    case 'last':
      return { mode: 'last', text: String(from.perPartition) };
    case 'time':
      return { mode: 'time', text: from.value };
    case 'offsets':
      return {
        mode: 'offset',
        text: Object.entries(from.value)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([p, o]) => `${p}:${o}`)
          .join(', '),
      };
  }
}
