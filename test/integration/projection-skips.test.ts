import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ParamsOf } from '../../src/api/contract';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { inMemoryClient } from './in-memory-client';

/**
 * A rebuild that meets handler errors and is told to skip them: the run lists what it skipped
 * (bounded), and the minutes it sat waiting for the user are not part of its time.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-skips-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
});
afterAll(async () => {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
});

const PICKY = `
export default {
  init: () => ({ good: 0 }),
  when: {
    Good: (s) => ({ good: s.good + 1 }),
    Bad: (s, e) => { throw new Error('cannot take item ' + e.data.n); },
  },
};
`;

async function append(streamId: string, events: { type: string; data: Record<string, number> }[]): Promise<number> {
  let first = 0;
  for (let i = 0; i < events.length; i += 1000) {
    const r = await client.call('store/append', { connectionId: 'local', streamId, expectedVersion: 'any', events: events.slice(i, i + 1000) });
    if (i === 0) first = r.firstPosition;
  }
  return first;
}

/** Rebuilds the stream, answering every handler error with Skip after `waitMs`, as a user would. */
async function rebuildSkipping(streamId: string, waitMs: number) {
  let runId: string | null = null;
  const decisions: Promise<unknown>[] = [];
  const params: ParamsOf<'projections/rebuild'> = { code: PICKY, source: { connectionId: 'local', target: { type: 'store-stream', streamId }, from: { type: 'start' }, to: null } };
  const summary = await client.stream('projections/rebuild', params, {
    onBatch: (updates) => {
      for (const u of updates) {
        if (u.kind === 'started') runId = u.runId;
        if (u.kind === 'handler-error') {
          const id = runId!;
          decisions.push(new Promise((r) => setTimeout(r, waitMs)).then(() => client.call('projections/decide', { runId: id, action: 'skip' })));
        }
      }
    },
  });
  await Promise.all(decisions);
  return summary;
}

describe('skipping events in a rebuild', () => {
  it('lists each skipped event with its position, type, stream and error, and leaves the pauses out of the time', async () => {
    const streamId = 'picky-1';
    const first = await append(streamId, [
      { type: 'Good', data: {} },
      { type: 'Bad', data: { n: 1 } },
      { type: 'Good', data: {} },
      { type: 'Bad', data: { n: 2 } },
      { type: 'Good', data: {} },
    ]);
    const pauseMs = 1500;
    const started = performance.now();
    const summary = await rebuildSkipping(streamId, pauseMs);
    const wall = performance.now() - started;

    expect(summary.state).toEqual({ good: 3 });
    expect(summary.skipped).toEqual([first + 1, first + 3]);
    expect(summary.skippedEvents).toEqual([
      { position: first + 1, type: 'Bad', streamId, error: 'Error: cannot take item 1' },
      { position: first + 3, type: 'Bad', streamId, error: 'Error: cannot take item 2' },
    ]);
    // The user took 2 × 1.5 s to decide; the run's own work is a few milliseconds of that.
    expect(wall).toBeGreaterThanOrEqual(2 * pauseMs);
    expect(summary.elapsedMs).toBeLessThan(pauseMs);
  });

  it('keeps the first 1,000 skipped events listed and counts the rest', async () => {
    const streamId = 'picky-many';
    const first = await append(
      streamId,
      Array.from({ length: 1005 }, (_, n) => ({ type: 'Bad', data: { n } })),
    );
    const summary = await rebuildSkipping(streamId, 0);
    expect(summary.skipped).toHaveLength(1005);
    expect(summary.skippedEvents).toHaveLength(1000);
    expect(summary.skippedEvents[999]).toEqual({ position: first + 999, type: 'Bad', streamId, error: 'Error: cannot take item 999' });
  }, 60_000);
});
