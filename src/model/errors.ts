import { z } from 'zod';

/** Every failure that crosses the API names its cause, so the UI can say what to do about it. */
export const ErrorCode = z.enum([
  'auth', // credentials refused
  'network', // host unknown, nothing listening, connection dropped
  'tls', // handshake failed or TLS expected on one side only
  'timeout',
  'not_found',
  'conflict', // e.g. wrong expected version
  'invalid_input',
  'unsupported', // the source cannot do this
  'limit', // a sandbox limit stopped user code (time per event, memory)
  'damaged', // a file on disk is corrupt (an event store): read what can be read, write nothing
  'cancelled',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** What the user can do about it, in one sentence. */
  hint: z.string().optional(),
});
export type ApiError = z.infer<typeof ApiError>;

export class RewindError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'RewindError';
  }

  toApi(): ApiError {
    return this.hint === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isRewindError(e: unknown): e is RewindError {
  return e instanceof RewindError;
}

export function toApiError(e: unknown): ApiError {
  if (isRewindError(e)) return e.toApi();
  if (e instanceof Error && e.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled' };
  // SQLite's own words for a damaged file, wherever a read met the damage.
  const sqlite = (e as { code?: unknown } | null)?.code;
  if (typeof sqlite === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(sqlite)) {
    return {
      code: 'damaged',
      message: `The file is damaged: ${(e as Error).message}`,
      hint: 'Restore it from a backup, or export what can still be read into a new store.',
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: message || 'Unexpected error' };
}

/** Thrown back on the client side so callers can branch on `code`. */
export class ApiCallError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.hint = error.hint;
  }
}
