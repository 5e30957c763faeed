import type { SourceAdapter } from '../sources/source-adapter';
import type { WireEvent } from '../model/wire';
import type { RunEntry } from './projection-registry';
import { topicStretch } from '../sources/kafka/topic-merge';

/** The events numbered `from`..`to` (inclusive) of a finished broker run, read again from its source. */
export async function* runEvents(adapter: SourceAdapter, run: Pick<RunEntry, 'target' | 'topic'>, from: number, to: number, signal: AbortSignal): AsyncGenerator<WireEvent[]> {
  if (to < from) return;
  if (run.target.type !== 'kafka-topic') {
    yield* adapter.events(run.target, { type: 'position', value: String(Math.max(0, from)) }, to, signal);
  } else if (run.topic) {
    // A merged topic is numbered by the run, not by offsets: replay the merge from a cursor.
    yield* topicStretch(adapter, run.target.topic, run.topic.ranges, run.topic.cursors, from, to, signal);
  }
}
