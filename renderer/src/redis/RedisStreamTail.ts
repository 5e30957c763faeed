import { afterId, compareIds } from '../../../src/model/stream-ids';
import type { TailPositions } from '../records/useStreamTail';

/** A Redis stream's positions are ids; a read's end is the last id it had (inclusive). */
export const STREAM_IDS: TailPositions = {
  after: afterId,
  before: (position, end) => compareIds(position, end) <= 0,
};
