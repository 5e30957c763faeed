/** What the worker's thread is doing, as the host's watchdog reads it from shared memory. */
export const Busy = {
  Idle: 0,
  /** A handler, init or partitionBy for one event: the per-event limit applies. */
  Event: 1,
  /** Serialising the whole state (user toJSON and getters run): a longer limit applies. */
  WholeState: 2,
} as const;
export type Busy = (typeof Busy)[keyof typeof Busy];

/** Events as they travel to the projection worker: flat, primitives only. */
export interface WireEvent {
  position: number;
  type: string;
  /** JSON text of the event data (store data; a source's JSON payload; a JSON string for text). */
  data: string;
  metadata: string;
  streamId: string;
  version: number;
  timestamp: string;
  id: string;
}

export type Feed =
  /** The worker reads the SQLite store itself: no per-event messages. */
  | { kind: 'sqlite'; path: string; streamId: string | null; from: number; to: number | null }
  /** The host posts batches read from a broker. */
  | { kind: 'batches' };

/** An event the user chose to skip after its handler threw, as the run's result lists it. */
export interface SkippedEvent {
  position: number;
  type: string;
  streamId: string;
  /** The error's name and message, e.g. "TypeError: x is undefined". */
  error: string;
}

/** Where the sandbox reads each event's type (a TypeSource, its path parsed into steps); null: the event's own. */
export type TypeSpec = { header: string } | { path: (string | number)[] } | null;

/** The event types a run saw, as the sandbox counted them. */
export interface TypeCounts {
  /** [type, events, has a handler], most frequent first, at most 100. */
  types: [string, number, boolean][];
  /** Distinct types counted by name; `omitted` events had types past the sandbox's table of them. */
  distinct: number;
  omitted: number;
  /** Events whose type had a handler (or that $any took). */
  matched: number;
  /** The types `when` names, and whether $any takes the rest. */
  handlers: string[];
  /** The types `when` names that no event had. */
  unseen: string[];
  any: boolean;
}

/** Skipped events listed in a result; beyond these only the count (of `skipped`) grows. */
export const SKIPPED_LISTED = 1000;

export interface HandlerFailure {
  position: number;
  event: WireEvent;
  name: string;
  message: string;
  stack: string;
}

/** The first message to a projection's process: what to run, and within which limits. */
export interface HostInit {
  type: 'init';
  /** The user's module, already compiled to CommonJS. */
  code: string;
  filename: string;
  snapshotBudgetBytes: number;
  /** Where each event's type is, when the user said (see TypeSource). */
  typeFrom: TypeSpec;
  limits: { perEventMs: number; memoryMb: number };
  /** The limit for serialising the whole state (see wholeStateLimit). */
  wholeStateMs: number;
}

/** What the host gives the thread that runs user code, once the run starts. */
export interface ThreadLoad {
  type: 'load';
  code: string;
  filename: string;
  snapshotBudgetBytes: number;
  typeFrom: TypeSpec;
}

/**
 * Why a projection's process ended itself, written to its stderr as `STOP_MARK` + JSON just before:
 * a call past its time limit, memory past the limit, or the thread of user code failing.
 */
export type StopReport = { kind: 'event' | 'whole-state'; position: number } | { kind: 'memory'; position: number; rssMb: number | null } | { kind: 'thread'; message: string };
export const STOP_MARK = 'REWIND-STOP ';

export type ToWorker =
  | { type: 'run'; feed: Feed }
  /** Start from saved state (JSON array of [partition, state] pairs) instead of init(). */
  | { type: 'restore'; json: string }
  | { type: 'batch'; events: WireEvent[] }
  | { type: 'end' }
  | { type: 'decide'; action: 'skip' | 'stop' | 'retry'; code?: string }
  | { type: 'state-at'; position: number; events?: WireEvent[] }
  | { type: 'partition'; key: string; limit: number }
  /** Of these events (re-read from a broker), the positions whose partitions include `key`. */
  | { type: 'match-keys'; key: string; events: WireEvent[] }
  /** A search: the positions of these events the loaded predicate projection keys at all. */
  | { type: 'filter'; events: WireEvent[] }
  | { type: 'snapshot-base'; position: number };

/** What a finished run gives, as the worker reports it and the core keeps it (RunResult adds whether it was stopped). */
export interface RunTotals {
  processed: number;
  firstPosition: number;
  lastPosition: number;
  /** JSON: the state, or for a partitioned projection an object of partition -> state. */
  state: string;
  partitions: number;
  partitioned: boolean;
  skipped: number[];
  /** The first SKIPPED_LISTED of `skipped`, with what each was and why it failed. */
  skippedEvents: SkippedEvent[];
  logs: string[];
  /** The event types seen and how many a handler took. */
  typeCounts: TypeCounts;
}

export type FromWorker =
  /** rssLimit: added by the process host, the resident memory past which the run is stopped. */
  | { type: 'ready'; rssLimit?: number }
  /** The thread is up, before any run: the memory the host watches it through (not sent on to the core). */
  | { type: 'thread'; shared: SharedArrayBuffer }
  | { type: 'load-error'; message: string; stack: string }
  | { type: 'progress'; processed: number; position: number }
  | { type: 'batch-done' }
  | { type: 'handler-error'; failure: HandlerFailure; processed: number }
  | ({ type: 'done' } & RunTotals)
  | { type: 'state'; position: number; state: string; event: WireEvent | null; before: string; after: string; touched: string[] }
  | { type: 'partition'; key: string; state: string; positions: number[]; truncated: boolean }
  | { type: 'snapshot-base'; position: number }
  | { type: 'matched'; positions: number[] }
  | { type: 'filtered'; positions: number[]; errors: number; firstError: string | null }
  | { type: 'failed'; message: string };
