/** The limits a projection runs under, as the user may set them; the core refuses anything outside. */
export const LIMIT_BOUNDS = { perEventMs: { min: 50, max: 10_000 }, memoryMb: { min: 32, max: 1024 } } as const;

export interface Limits {
  /** Longest one event may take in user code. */
  perEventMs: number;
  /** Heap of the projection's thread: everything user code can hold (no binary buffers). */
  memoryMb: number;
}

export const DEFAULT_LIMITS: Limits = { perEventMs: 1000, memoryMb: 256 };
