/**
 * Where faults that escaped their handler end up: logged, never fatal. One request, frame or
 * handler that goes wrong must not end a process that holds every other user's work.
 */
export function logFault(where: string, e: unknown): void {
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  console.error(`rewind: ${where} failed (the app carries on): ${text}`);
}

/** Where escaped errors are also kept, so they can be sent with a bug report (the crash journal). */
interface FaultLog {
  escapedFault(kind: 'uncaught exception' | 'unhandled rejection', e: unknown): void;
}

let installed = false;
let faultLog: FaultLog | null = null;

/** Keeps the process alive through an uncaught exception or an unhandled rejection, and logs it. */
export function surviveFaults(): void {
  if (installed) return;
  installed = true;
  const escaped = (kind: 'uncaught exception' | 'unhandled rejection') => (e: unknown) => {
    logFault(kind, e);
    try {
      faultLog?.escapedFault(kind, e);
    } catch {
      /* keeping the record must not be what ends the app */
    }
  };
  process.on('uncaughtException', escaped('uncaught exception'));
  process.on('unhandledRejection', escaped('unhandled rejection'));
}

/** Escaped errors go to this log as well from now on. */
export function keepFaultsIn(log: FaultLog): void {
  faultLog = log;
}

/**
 * Tests only: `REWIND_TEST_FAULT=<fault>@<method>` makes each call of that method go wrong the
 * way a real bug would, so a test can see what a death or an escaped error leaves behind:
 * - `throw-later`: an exception thrown from a timer after the call began (nobody can catch it);
 * - `exhaust-heap`: the call allocates until V8 gives up (run with a small --max-old-space-size).
 * Unset (as for every user), this does nothing.
 */
const [testFaultKind, testFaultMethod] = (process.env.REWIND_TEST_FAULT ?? '').split('@');

export function testFault(method: string): void {
  if (!testFaultKind || method !== testFaultMethod) return;
  if (testFaultKind === 'throw-later') {
    setTimeout(() => {
      throw new Error(`test fault: thrown from a timer after ${method} began`);
    }, 10);
  } else if (testFaultKind === 'exhaust-heap') {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array<number>(10_000).fill(hoard.length));
  }
}
