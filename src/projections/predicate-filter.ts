import { RewindError } from '../model/errors';
import { DEFAULT_LIMITS, ProjectionRun } from './projection-run';
import type { WireEvent } from '../model/wire';

/**
 * A search predicate run in the projection sandbox: its own thread, no I/O, a heap cap and the
 * per-event watchdog, so a predicate that throws, loops or backtracks stops with an error instead
 * of stopping the app. The expression sees each record as
 * `r = { key, value, headers, offset, partition, timestamp, type }`.
 */
const FUNCTION = /^\s*(async\s+)?(function\b|\(?\s*[\w$]*\s*(:[^)]*)?\)?\s*=>)/;

export class PredicateFilter {
  errors = 0;
  firstError: string | null = null;

  /** The worker answers one batch at a time: partitions scanned in parallel take turns. */
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(private readonly run: ProjectionRun) {}

  static async start(expression: string): Promise<PredicateFilter> {
    // `r.value.amount > 100` is read as `(r) => r.value.amount > 100`.
    if (!FUNCTION.test(expression)) expression = `(r) => (${expression}\n)`;
    // The user's code stays on line 1 of the module, so error lines are theirs.
    const source = `const __test = (${expression}\n) as (r: any) => unknown;
if (typeof __test !== 'function') throw new Error('A predicate is a function of the record: (r) => r.value.amount > 100');
const __record = (e: any) => ({ key: e.streamId, value: e.data, get headers() { return e.metadata; }, offset: e.position, partition: e.version, timestamp: e.timestamp, type: e.type });
export default { init: () => null, $any: (s: unknown) => s, partitionBy: (e: any) => (__test(__record(e)) ? 'hit' : null) };
`;
    try {
      return new PredicateFilter(await ProjectionRun.start(source, DEFAULT_LIMITS, 'predicate.ts'));
    } catch (e) {
      if (e instanceof RewindError && e.code === 'invalid_input') {
        throw new RewindError(
          'invalid_input',
          e.message.replace('The projection does not load', 'The predicate does not compile'),
          'Write an expression that takes a record, for example: (r) => r.value.amount > 100',
        );
      }
      throw e;
    }
  }

  /**
   * The events that match, by position. Each event's `version` carries its partition: positions
   * are offsets, unique within the batch because callers pass one partition at a time.
   */
  async matching(events: WireEvent[]): Promise<Set<number>> {
    if (events.length === 0) return new Set();
    const mine = this.turn.then(() => this.run.filter(events));
    this.turn = mine.catch(() => undefined);
    try {
      const r = await mine;
      this.errors += r.errors;
      this.firstError ??= r.firstError;
      return new Set(r.positions);
    } catch (e) {
      if (e instanceof RewindError && e.code === 'limit')
        throw new RewindError(
          'limit',
          e.message.replace(/projection|handler/gi, 'predicate'),
          'A predicate must answer quickly for every record: look for a loop, or a regular expression that backtracks.',
        );
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.run.close();
  }
}
