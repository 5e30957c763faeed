/**
 * Where faults that escaped their handler end up: logged, never fatal. One request, frame or
 * handler that goes wrong must not end a process that holds every other user's work.
 */
export function logFault(where: string, e: unknown): void {
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  console.error(`rewind: ${where} failed (the app carries on): ${text}`);
}

let installed = false;

/** Keeps the process alive through an uncaught exception or an unhandled rejection, and logs it. */
export function surviveFaults(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (e) => logFault('uncaught exception', e));
  process.on('unhandledRejection', (e) => logFault('unhandled rejection', e));
}
