import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { RewindError } from '../../model/errors';
import { noDeath, type DeadLetter, type Death } from '../../model/dead-letters';
import type { EnvelopeRule } from '../../model/envelope-mapping';
import type { PlanRow, RedriveFailure, RedrivePlan, RedriveProgress } from '../../model/redrive';
import { sleep, type RedriveRequest, type SourceRedriveOutcome } from '../source-adapter';
import { entryToEnvelope, fieldOf, xrangeEntries, xrevrangeEntries, type StreamEntry } from './stream-entry';
import { DLQ_FIELDS, isDlqField } from './stream-groups';

const PLAN_ROWS = 2_000;

/** Why and where a dead-lettered entry died, from the fields Rewind (or an app doing the same) wrote beside it. */
export function entryDeath(pairs: Buffer[]): Death {
  const stream = fieldOf(pairs, DLQ_FIELDS.originalStream);
  const group = fieldOf(pairs, DLQ_FIELDS.group);
  const deliveries = fieldOf(pairs, DLQ_FIELDS.deliveries);
  return {
    ...noDeath(),
    reason: fieldOf(pairs, DLQ_FIELDS.reason),
    origin: stream === null ? null : `${stream}${group ? ` (group ${group})` : ''}`,
    attempts: deliveries !== null && /^\d+$/.test(deliveries) ? Number(deliveries) : null,
    at: fieldOf(pairs, DLQ_FIELDS.at),
    problems: stream === null ? ['This entry does not say which stream it came from (no x-original-stream field): it cannot go back by itself'] : [],
  };
}

/**
 * A stream's DLQ (`<stream>:dlq`) as dead letters: newest first, each going back to the stream it
 * came from as a new entry (its fields without Rewind's, its old id kept as `x-original-id`),
 * written and removed from the DLQ in one MULTI/EXEC: in one place, never both, never neither.
 */
export class StreamDeadLetters {
  constructor(private readonly rules: () => readonly EnvelopeRule[]) {}

  async peek(redis: Redis, dlq: string, limit: number) {
    const entries = await xrevrangeEntries(redis, dlq, '+', '-', limit);
    const messages: DeadLetter[] = entries.map((e) => ({ id: e[0], envelope: entryToEnvelope(e, dlq, undefined, this.rules()), death: entryDeath(e[1]) }));
    return {
      messages,
      depth: { value: await redis.xlen(dlq), exact: true },
      note: `Entries dead-lettered from their stream, newest first. A redrive adds each back to its stream as a new entry (its old id kept in x-original-id) and removes it from ${dlq} in one transaction.`,
    };
  }

  async plan(redis: Redis, dlq: string, request: RedriveRequest): Promise<RedrivePlan> {
    this.onlyOrigin(request);
    const entries = await this.selected(redis, dlq, request);
    const rows: PlanRow[] = entries.slice(0, PLAN_ROWS).map(({ id, entry }) => {
      const stream = entry ? fieldOf(entry[1], DLQ_FIELDS.originalStream) : null;
      return {
        id,
        where: id,
        messageId: entry ? fieldOf(entry[1], DLQ_FIELDS.originalId) : null,
        target: stream ? `stream ${stream}` : null,
        routes: stream ? [stream] : [],
        problem: !entry ? `no longer in ${dlq}` : stream === null ? 'does not say which stream it came from (no x-original-stream)' : null,
        redrivenBefore: null,
      };
    });
    const perStream = new Map<string, number>();
    for (const r of rows) if (r.problem === null) perStream.set(r.routes[0]!, (perStream.get(r.routes[0]!) ?? 0) + 1);
    return {
      rows,
      perTarget: [...perStream].map(([s, count]) => ({ target: `stream ${s}`, count, routes: [s], problem: null })),
      total: entries.length,
      movable: rows.filter((r) => r.problem === null).length,
      repeated: 0,
      note: `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} would be added back to ${perStream.size === 1 ? `stream ${[...perStream.keys()][0]}` : 'their streams'} as new entries; consumer groups then read them as new.`,
    };
  }

  async redrive(redis: Redis, dlq: string, request: RedriveRequest, run: { signal: AbortSignal; onProgress(p: RedriveProgress): void }): Promise<SourceRedriveOutcome> {
    this.onlyOrigin(request);
    let entries = await this.selected(redis, dlq, request);
    if ('all' in request.selection && request.confirmedCount !== undefined) entries = entries.slice(0, request.confirmedCount);
    const failures: z.infer<typeof RedriveFailure>[] = [];
    const movedIds: string[] = [];
    let looked = 0;
    const gap = request.options.ratePerSecond ? 1_000 / request.options.ratePerSecond : 0;
    const report = () => run.onProgress({ looked, moved: movedIds.length, failed: failures.length, total: entries.length, inFlight: 0 });
    report();
    for (const { id, entry } of entries) {
      if (run.signal.aborted) return this.outcome(looked, movedIds, failures, 'cancelled', null);
      looked += 1;
      const stream = entry ? fieldOf(entry[1], DLQ_FIELDS.originalStream) : null;
      if (!entry || stream === null) {
        failures.push({ where: id, messageId: null, reason: !entry ? `no longer in ${dlq}` : 'does not say which stream it came from (no x-original-stream)' });
        continue;
      }
      const pairs: (Buffer | string)[] = [];
      for (let i = 0; i + 1 < entry[1].length; i += 2) if (!isDlqField(entry[1][i]!.toString('utf8'))) pairs.push(entry[1][i]!, entry[1][i + 1]!);
      pairs.push(DLQ_FIELDS.originalId, fieldOf(entry[1], DLQ_FIELDS.originalId) ?? id);
      try {
        const replies = await redis
          .multi()
          .xadd(stream, '*', ...pairs)
          .xdel(dlq, id)
          .exec();
        const failed = replies?.find(([e]) => e);
        if (!replies || failed) throw failed?.[0] ?? new Error('the transaction was not run');
        movedIds.push(id);
      } catch (e) {
        // One MULTI/EXEC: the entry is back in its stream and gone from the DLQ, or still only in the DLQ; its id says which.
        return this.outcome(looked, movedIds, failures, 'error', {
          code: 'network',
          message: `Stopped at ${id}: ${(e as Error).message}. It is either back in ${stream} (look for x-original-id) or still in ${dlq}, never both.`,
        });
      }
      if (looked % 50 === 0) report();
      if (gap) await sleep(gap, run.signal);
    }
    report();
    return this.outcome(looked, movedIds, failures, 'done', null);
  }

  private outcome(
    looked: number,
    movedIds: string[],
    failures: z.infer<typeof RedriveFailure>[],
    stoppedBy: SourceRedriveOutcome['stoppedBy'],
    error: SourceRedriveOutcome['error'],
  ): SourceRedriveOutcome {
    return { looked, moved: movedIds.length, failures, duplicates: 0, uncertain: 0, stoppedBy, error, movedIds };
  }

  private onlyOrigin(request: RedriveRequest): void {
    if (request.target.kind !== 'origin') throw new RewindError('invalid_input', 'Dead-lettered entries go back to the stream each came from');
  }

  /** The entries picked (a removed one comes back without its entry), or every one, newest first. */
  private async selected(redis: Redis, dlq: string, request: RedriveRequest): Promise<{ id: string; entry: StreamEntry | null }[]> {
    if ('all' in request.selection) return (await xrevrangeEntries(redis, dlq, '+', '-')).map((e) => ({ id: e[0], entry: e }));
    const out: { id: string; entry: StreamEntry | null }[] = [];
    for (const id of [...new Set(request.selection.ids)]) {
      if (!/^\d+-\d+$/.test(id)) {
        out.push({ id, entry: null });
        continue;
      }
      const found = await xrangeEntries(redis, dlq, id, id);
      out.push({ id, entry: found[0] ?? null });
    }
    return out;
  }
}
