import { isMainThread } from 'node:worker_threads';

/**
 * The script of a projection's process, shipped as one file (`projection-worker.cjs`): run as the
 * process it is its host (process-host.ts: limits, watchdog, messages to the core); started by that
 * host as a thread it runs the user's code (sandbox-thread.ts).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
if (isMainThread) require('./process-host');
else require('./sandbox-thread');
