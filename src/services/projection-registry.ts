import { RewindError } from '../model/errors';
import type { ProjectionTarget } from '../model/resources';
import type { TypeSource } from '../model/type-source';
import type { PartitionRange, TopicCursor } from '../sources/kafka/topic-merge';
import type { ProjectionRun, RunResult } from '../projections/projection-run';

export interface RunEntry {
  id: string;
  run: ProjectionRun;
  feed: 'sqlite' | 'broker';
  connectionId: string;
  target: ProjectionTarget;
  /** A whole-topic run: its partition ranges and where the merge stood every so often, for replays. */
  topic?: { ranges: PartitionRange[]; cursors: TopicCursor[] };
  /** The source the run was started with, so its output can be saved and continued. */
  code: string;
  /** Where the run read each event's type, when the user said. */
  typeFrom: TypeSource | null;
  result: RunResult | null;
  lastUsed: number;
}

/**
 * Finished runs stay open for time travel and diffs; each holds a thread, so only the most
 * recently used few are kept.
 */
export class ProjectionRegistry {
  private readonly runs = new Map<string, RunEntry>();
  constructor(private readonly max = 6) {}

  add(entry: Omit<RunEntry, 'lastUsed'>): RunEntry {
    const full = { ...entry, lastUsed: Date.now() };
    this.runs.set(entry.id, full);
    while (this.runs.size > this.max) {
      const oldest = [...this.runs.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!oldest || oldest.id === entry.id) break;
      void this.close(oldest.id);
    }
    return full;
  }

  get(id: string): RunEntry {
    const entry = this.runs.get(id);
    if (!entry) throw new RewindError('not_found', 'That projection run is closed', 'Rebuild the projection again.');
    entry.lastUsed = Date.now();
    return entry;
  }

  finished(id: string): RunEntry & { result: RunResult } {
    const entry = this.get(id);
    if (!entry.result) throw new RewindError('conflict', 'The projection run has not finished yet');
    return entry as RunEntry & { result: RunResult };
  }

  async close(id: string): Promise<void> {
    const entry = this.runs.get(id);
    this.runs.delete(id);
    await entry?.run.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((id) => this.close(id)));
  }
}
