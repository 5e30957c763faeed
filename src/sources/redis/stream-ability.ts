import type { DeadLetterMove, GroupPositionPlan, PendingEntry, PendingSelection, StreamGroups } from './stream-groups-model';

/** A Redis stream's consumer groups: their pending entries, claims, positions, and moving poison entries to the DLQ. */
export interface RedisStreamAbility {
  groups(stream: string, signal: AbortSignal): Promise<StreamGroups>;
  pending(
    stream: string,
    group: string,
    options: { minDeliveries?: number; consumer?: string; limit: number },
    signal: AbortSignal,
  ): Promise<{ entries: PendingEntry[]; total: number; walked: number }>;
  claim(stream: string, group: string, consumer: string, ids: string[], minIdleMs: number): Promise<string[]>;
  planPosition(stream: string, group: string, target: { id: string } | { time: string }): Promise<GroupPositionPlan>;
  setPosition(stream: string, group: string, id: string, expectFrom: string): Promise<{ from: string; to: string }>;
  deadLetter(
    stream: string,
    group: string,
    selection: PendingSelection,
    reason: string,
    run: { signal: AbortSignal; onProgress(done: number, total: number, moved: number): void },
  ): Promise<DeadLetterMove>;
}
