import { RewindError } from '../model/errors';
import { compileProjection } from './compile';
import { DEFAULT_LIMITS, type Limits } from '../model/projection-limits';
import type { Feed, FromWorker, HandlerFailure, RunTotals, ToWorker, WireEvent } from '../model/wire';
import { typeSpec } from './event-types';
import type { TypeSource } from '../model/type-source';
import { RunProcess, wholeStateLimit } from './run-process';

export { DEFAULT_LIMITS, type Limits } from '../model/projection-limits';
export { wholeStateLimit } from './run-process';

export interface RunResult extends RunTotals {
  stopped: boolean;
}

export interface StateAt {
  position: number;
  state: string;
  event: WireEvent | null;
  /** JSON objects partition -> state, before and after the event at `position`. */
  before: string;
  after: string;
  touched: string[];
}

export interface RunCallbacks {
  onProgress(processed: number, position: number): void;
  /** A handler threw: say what to do. Until then the run waits. */
  onHandlerError(failure: HandlerFailure, processed: number): void;
}

type Pending<T> = { resolve: (v: T) => void; reject: (e: Error) => void };

/**
 * The core's side of one projection run: a process of its own (see run-process.ts and
 * process-host.ts: the limits hold there), and the messages to run, decide after an error, and
 * travel in time.
 */
export class ProjectionRun {
  private readonly process: RunProcess;
  private dead: RewindError | null = null;
  /** Time spent waiting on the user's decision after a handler error: not the run's own time. */
  private pausedTotal = 0;
  private pausedSince: number | null = null;
  private waiting = new Map<FromWorker['type'], Pending<FromWorker>>();
  private callbacks: RunCallbacks | null = null;
  private stopped = false;
  /** Stack positions of the compiled code, back to the user's lines (replaced when a fix is loaded). */
  mapStack: (stack: string) => string = (stack) => stack;

  private constructor(
    code: string,
    filename: string,
    typeFrom: ReturnType<typeof typeSpec>,
    readonly limits: Limits,
  ) {
    // Snapshots for time travel live in the run's memory too: a quarter of it at most.
    const snapshotBudgetBytes = Math.min(64, limits.memoryMb / 4) * 1024 * 1024;
    this.process = RunProcess.start(
      { type: 'init', code, filename, snapshotBudgetBytes, typeFrom, limits: { perEventMs: limits.perEventMs, memoryMb: limits.memoryMb }, wholeStateMs: wholeStateLimit(limits) },
      limits,
      (m) => this.onMessage(m),
      (error) => this.die(error),
    );
  }

  /** Compiles the source and starts its process; rejects with the compile or load error. */
  static async start(source: string, limits: Limits = DEFAULT_LIMITS, filename = 'projection.ts', options: { typeFrom?: TypeSource | null } = {}): Promise<ProjectionRun> {
    const typeFrom = typeSpec(options.typeFrom);
    const { code, mapStack } = await compileProjection(source, filename);
    const run = new ProjectionRun(code, filename, typeFrom, limits);
    run.mapStack = mapStack;
    const first = await run.next(['ready', 'load-error']).catch(async (e: unknown) => {
      await run.close();
      // A module whose top level never returns is stopped like any other call into user code.
      if (e instanceof RewindError && e.code === 'limit' && e.message.includes('ran longer')) {
        throw new RewindError(
          'invalid_input',
          `The projection does not load: its top level ran longer than ${limits.perEventMs} ms and was stopped`,
          'Look for a loop at the top of the module, outside the handlers.',
        );
      }
      throw e;
    });
    if (first.type === 'load-error') {
      await run.close();
      throw new RewindError('invalid_input', `The projection does not load: ${first.message}`, firstUserFrame(mapStack(first.stack), filename));
    }
    return run;
  }

  /** Runs over the local store, read by the worker itself. */
  async runSqlite(feed: Extract<Feed, { kind: 'sqlite' }>, callbacks: RunCallbacks): Promise<RunResult> {
    this.callbacks = this.pausing(callbacks);
    this.post({ type: 'run', feed });
    return this.result();
  }

  /** Runs over events the host reads from a broker: `read` yields batches until the end. */
  async runBatches(read: AsyncIterable<WireEvent[]>, callbacks: RunCallbacks): Promise<RunResult> {
    this.callbacks = this.pausing(callbacks);
    this.post({ type: 'run', feed: { kind: 'batches' } });
    const done = this.result();
    // The run may die (cancel, limit) while the source is still waiting for its first batch:
    // `done` is awaited below, but must not count as unhandled in the meantime.
    done.catch(() => undefined);
    // One batch in the run's process, the next read meanwhile: memory stays bounded whatever the
    // source's size, and reading overlaps applying.
    let applying: Promise<FromWorker | null> | null = null;
    for await (const events of read) {
      if (applying && (await applying) === null) break;
      if (this.stopped || this.dead) break;
      this.post({ type: 'batch', events });
      applying = Promise.race([this.next(['batch-done']), done.then(() => null)]);
      // A source that fails while this batch applies leaves it unawaited: not an unhandled rejection.
      applying.catch(() => undefined);
    }
    if (applying) await applying;
    if (!this.stopped && !this.dead) this.post({ type: 'end' });
    return done;
  }

  /** Continues from saved state (see stateEntries) rather than from init(). */
  restore(json: string): void {
    this.post({ type: 'restore', json });
  }

  decide(action: 'skip' | 'stop' | 'retry', code?: string): void {
    if (action === 'stop') this.stopped = true;
    this.resumed();
    this.post(code === undefined ? { type: 'decide', action } : { type: 'decide', action, code });
  }

  /** Compiles a fixed version, then retries the failed event with it. */
  async retryWith(source: string, filename = 'projection.ts'): Promise<void> {
    const { code, mapStack } = await compileProjection(source, filename);
    this.mapStack = mapStack;
    this.decide('retry', code);
  }

  /** Position of the snapshot a time-travel to `position` starts from (-1: the beginning). */
  async snapshotBase(position: number): Promise<number> {
    this.post({ type: 'snapshot-base', position });
    const m = await this.next(['snapshot-base']);
    return m.type === 'snapshot-base' ? m.position : -1;
  }

  /** State right after `position`; for broker feeds the caller supplies the events to replay. */
  async stateAt(position: number, events?: WireEvent[]): Promise<StateAt> {
    this.post(events ? { type: 'state-at', position, events } : { type: 'state-at', position });
    const m = await this.next(['state']);
    if (m.type !== 'state') throw new RewindError('internal', 'unexpected answer');
    return { position: m.position, state: m.state, event: m.event, before: m.before, after: m.after, touched: m.touched };
  }

  async partition(key: string, limit = 1000): Promise<{ state: string; positions: number[]; truncated: boolean }> {
    this.post({ type: 'partition', key, limit });
    const m = await this.next(['partition']);
    if (m.type !== 'partition') throw new RewindError('internal', 'unexpected answer');
    return { state: m.state, positions: m.positions, truncated: m.truncated };
  }

  /** Which of these events touched partition `key` (for sources the worker cannot read itself). */
  async matchKeys(key: string, events: WireEvent[]): Promise<number[]> {
    this.post({ type: 'match-keys', key, events });
    const m = await this.next(['matched']);
    if (m.type !== 'matched') throw new RewindError('internal', 'unexpected answer');
    return m.positions;
  }

  /** Of these events, the positions the loaded predicate projection keys (see sandboxed-filter). */
  async filter(events: WireEvent[]): Promise<{ positions: number[]; errors: number; firstError: string | null }> {
    this.post({ type: 'filter', events });
    const m = await this.next(['filtered']);
    if (m.type !== 'filtered') throw new RewindError('internal', 'unexpected answer');
    return { positions: m.positions, errors: m.errors, firstError: m.firstError };
  }

  /** How long the run has sat paused at handler errors, the current pause included. */
  get pausedMs(): number {
    return this.pausedTotal + (this.pausedSince === null ? 0 : performance.now() - this.pausedSince);
  }

  /** A handler error pauses the run until decide(): the clock of the pause starts as it is reported. */
  private pausing(callbacks: RunCallbacks): RunCallbacks {
    return {
      onProgress: (processed, position) => callbacks.onProgress(processed, position),
      onHandlerError: (failure, processed) => {
        this.pausedSince ??= performance.now();
        callbacks.onHandlerError(failure, processed);
      },
    };
  }

  private resumed(): void {
    if (this.pausedSince === null) return;
    this.pausedTotal += performance.now() - this.pausedSince;
    this.pausedSince = null;
  }

  async close(): Promise<void> {
    await this.process.kill();
  }

  private async result(): Promise<RunResult> {
    for (;;) {
      const m = await this.next(['done']);
      if (m.type === 'done') {
        return {
          processed: m.processed,
          firstPosition: m.firstPosition,
          lastPosition: m.lastPosition,
          state: m.state,
          partitions: m.partitions,
          partitioned: m.partitioned,
          skipped: m.skipped,
          skippedEvents: m.skippedEvents,
          logs: m.logs,
          stopped: this.stopped,
          typeCounts: m.typeCounts,
        };
      }
    }
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'progress') return this.callbacks?.onProgress(m.processed, m.position);
    if (m.type === 'handler-error') return this.callbacks?.onHandlerError({ ...m.failure, stack: this.mapStack(m.failure.stack) }, m.processed);
    if (m.type === 'failed') return this.die(new RewindError('internal', `Projection run failed: ${m.message}`));
    if (m.type === 'load-error' && !this.waiting.has('load-error')) {
      return this.die(new RewindError('invalid_input', `The fixed projection does not load: ${m.message}`));
    }
    const w = this.waiting.get(m.type);
    if (w) {
      for (const [k, v] of this.waiting) if (v === w) this.waiting.delete(k);
      w.resolve(m);
    }
  }

  private next(types: FromWorker['type'][]): Promise<FromWorker> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      const p = { resolve, reject };
      for (const t of types) this.waiting.set(t, p);
    });
  }

  private post(m: ToWorker): void {
    if (this.dead) throw this.dead;
    this.process.send(m);
  }

  private die(error: RewindError): void {
    if (this.dead) return;
    this.dead = error;
    const waiters = new Set(this.waiting.values());
    this.waiting.clear();
    for (const w of waiters) w.reject(error);
  }
}

/** A run's final state as the [partition, state] pairs that restore() takes. */
export function stateEntries(result: RunResult): string {
  const state: unknown = JSON.parse(result.state);
  return JSON.stringify(result.partitioned && state && typeof state === 'object' ? Object.entries(state) : [['', state]]);
}

/** The first stack line inside the user's file, so the hint points at their code. */
export function firstUserFrame(stack: string, filename: string): string | undefined {
  const line = stack.split('\n').find((l) => l.includes(filename));
  return line ? line.trim() : undefined;
}
