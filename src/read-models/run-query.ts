import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RewindError } from '../model/errors';
import { workerScript } from '../workers/worker-script';
import type { QueryAnswer, QueryJob } from './query-wire';
import { refusal } from './query-refusal';

export type QueryResult = Extract<QueryAnswer, { ok: true }>;

/**
 * One read-only query on a read-model file, in a thread of its own, stopped after `timeoutMs`
 * or when `signal` aborts: the app keeps answering whatever the query does.
 */
export function runQuery(job: QueryJob, options: { timeoutMs: number; signal: AbortSignal }): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript('query-worker', join(__dirname, 'query-worker.ts')), {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new RewindError('timeout', `The query ran longer than ${options.timeoutMs / 1000} s and was stopped`, 'Add a WHERE clause or a LIMIT, or look for a recursive query that never ends.'),
          ),
        ),
      options.timeoutMs,
    );
    const onAbort = () => finish(() => reject(new RewindError('cancelled', 'The query was cancelled')));
    options.signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (answer: QueryAnswer) => finish(() => (answer.ok ? resolve(answer) : reject(refusal(answer)))));
    worker.on('error', (e: Error & { code?: string }) =>
      finish(() =>
        reject(
          e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new RewindError('limit', 'The query result was too large', 'Add a LIMIT or pick fewer columns.')
            : new RewindError('internal', `The query thread failed: ${e.message}`),
        ),
      ),
    );
    worker.on('exit', () => finish(() => reject(new RewindError('internal', 'The query thread ended without an answer'))));
  });
}
