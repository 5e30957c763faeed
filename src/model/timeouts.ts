/**
 * How long a source may stay silent during a read before the read ends with `network`. Shared
 * by the back end (which enforces it) and the UI (which shows the wait against it).
 */
export const SOURCE_STALL_MS = 15_000;
