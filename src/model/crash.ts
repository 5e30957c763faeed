import { z } from 'zod';

/** One API call that was running: its method and when it began, never its parameters (they may hold secrets). */
export const CallInFlight = z.object({ method: z.string(), startedAt: z.string() });
export type CallInFlight = z.infer<typeof CallInFlight>;

/** An error that escaped every handler during the run, kept in the crash log. */
export const EscapedFault = z.object({ at: z.string(), kind: z.enum(['uncaught exception', 'unhandled rejection']), message: z.string() });
export type EscapedFault = z.infer<typeof EscapedFault>;

/**
 * How a run that did not end cleanly ended, as far as what it left tells:
 * - fatal-error: V8 or Node gave up (out of memory, a fatal JavaScript error) and wrote a report;
 * - native-crash: the desktop app's crash reporter wrote a dump;
 * - exit-code: the process exited with a code other than 0 on its own;
 * - killed: it left nothing: a signal that cannot be caught (SIGKILL, which the kernel's
 *   out-of-memory killer sends), or the machine stopped.
 */
export const CrashCause = z.object({
  kind: z.enum(['fatal-error', 'native-crash', 'exit-code', 'killed']),
  /** In words, e.g. "Allocation failed - JavaScript heap out of memory (OOMError)" or "Exit code 1." */
  detail: z.string(),
});
export type CrashCause = z.infer<typeof CrashCause>;

/** The previous run that ended without a clean exit, found at this start: shown once. */
export const LastCrash = z.object({
  id: z.string(),
  shell: z.enum(['electron', 'web']),
  version: z.string(),
  pid: z.number(),
  startedAt: z.string(),
  /** When it ended: the report's time, or its last sign of life (within a few seconds of the end). */
  endedAt: z.string(),
  /** True when endedAt is the last sign of life rather than the moment of death. */
  endedAtApproximate: z.boolean(),
  cause: CrashCause,
  /** Its resident memory at its last sign of life, in MB. */
  lastRssMb: z.number().nullable(),
  /** The newest calls that were running when it ended (at most 20), oldest first. */
  callsInFlight: z.array(CallInFlight),
  /** Errors that escaped every handler during that run, newest last (at most 5). */
  escaped: z.array(EscapedFault),
  /** The files to attach to a bug report (the crash log, a V8 report or a crash dump). */
  files: z.array(z.string()),
});
export type LastCrash = z.infer<typeof LastCrash>;
