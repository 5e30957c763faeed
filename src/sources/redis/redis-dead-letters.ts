import { RewindError } from '../../model/errors';
import type { DeadLetterRef } from '../../model/dead-letters';
import type { RedriveProgress } from '../../model/redrive';
import type { DeadLetterAbility, RedriveRequest } from '../source-adapter';
import { BullDeadLetters, type FailedJobs, type RetryContext } from './bull-retry';
import type { Entry } from './redis-catalogue';
import { StreamDeadLetters } from './stream-dead-letters';

/** A Redis server's dead letters: a queue's failed jobs (retried through BullMQ), a stream's DLQ (added back to its stream). */
export class RedisDeadLetters implements DeadLetterAbility {
  private readonly jobs: BullDeadLetters;
  private readonly entries: StreamDeadLetters;

  constructor(
    private readonly ctx: RetryContext,
    private readonly resolve: (name: string, signal: AbortSignal) => Promise<Entry>,
  ) {
    this.jobs = new BullDeadLetters(ctx);
    this.entries = new StreamDeadLetters(ctx.rules);
  }

  async peek(ref: DeadLetterRef, limit: number, signal: AbortSignal) {
    const at = await this.which(ref, signal);
    return at.kind === 'jobs' ? this.jobs.peek(at.failed, limit) : this.ctx.connection.run((redis) => this.entries.peek(redis, at.key, limit));
  }

  async plan(ref: DeadLetterRef, request: RedriveRequest, signal: AbortSignal) {
    const at = await this.which(ref, signal);
    return at.kind === 'jobs' ? this.jobs.plan(at.failed, request) : this.ctx.connection.run((redis) => this.entries.plan(redis, at.key, request));
  }

  async redrive(ref: DeadLetterRef, request: RedriveRequest, run: { signal: AbortSignal; onProgress(p: RedriveProgress): void }) {
    const at = await this.which(ref, run.signal);
    return at.kind === 'jobs' ? this.jobs.redrive(at.failed, request, run) : this.ctx.connection.run((redis) => this.entries.redrive(redis, at.key, request, run));
  }

  private async which(ref: DeadLetterRef, signal: AbortSignal): Promise<{ kind: 'jobs'; failed: FailedJobs } | { kind: 'stream'; key: string }> {
    if (ref.type !== 'source') throw new RewindError('invalid_input', 'That is not a Redis queue or stream');
    const entry = await this.resolve(ref.name, signal);
    if (entry.kind === 'state' && entry.state.state === 'failed') return { kind: 'jobs', failed: { name: ref.name, queue: entry.queue, family: entry.layout.family } };
    if (entry.kind === 'stream') return { kind: 'stream', key: entry.key };
    throw new RewindError('unsupported', `${ref.name} holds no dead letters Rewind can move`);
  }
}
