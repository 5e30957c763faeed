import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { ExpectedVersion, NewEvent } from '../model/store-events';
import { RewindError } from '../model/errors';
import { damagedError, fullCheck } from './integrity';
import { openDatabase, type Db } from './open-database';

export { ExpectedVersion, NewEvent } from '../model/store-events';

export interface StoredEvent {
  globalPosition: number;
  streamId: string;
  streamVersion: number;
  eventId: string;
  eventType: string;
  /** Raw JSON text as stored; parse where it is shown. */
  data: string;
  metadata: string;
  recordedAt: string;
}

export interface StreamInfo {
  streamId: string;
  category: string;
  version: number;
  eventCount: number;
  lastPosition: number;
  lastRecordedAt: string;
}

export interface AppendResult {
  firstPosition: number;
  lastPosition: number;
  /** Version of the stream's last event after the append. */
  version: number;
}

/** Category is the part of the stream id before the first dash, as in EventStoreDB. */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : streamId;
}

/** An `events` row as SQLite returns it. */
export interface EventRow {
  global_position: number;
  stream_id: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

export const toEvent = (r: EventRow): StoredEvent => ({
  globalPosition: r.global_position,
  streamId: r.stream_id,
  streamVersion: r.stream_version,
  eventId: r.event_id,
  eventType: r.event_type,
  data: r.data,
  metadata: r.metadata,
  recordedAt: r.recorded_at,
});

/**
 * The bundled SQLite event store. Appends run inside BEGIN IMMEDIATE so the expected-version
 * check and the write are one step, and positions stay contiguous with many writers.
 */
export class EventStore {
  /**
   * The first position recorded at or after a time. `recorded_max` is the running maximum of
   * recorded_at along positions (migration 3), so the rows at or after T form a suffix and the
   * index's first entry there is the answer: one index step, whatever the store's size.
   */
  static readonly SEEK_BY_TIME_SQL = 'SELECT global_position FROM events WHERE recorded_max >= ? ORDER BY recorded_max, global_position LIMIT 1';

  /** One stream's page from a global position, in position order (the index of migration 4). */
  static readonly STREAM_FROM_POSITION_SQL = 'SELECT * FROM events WHERE stream_id = ? AND global_position >= ? ORDER BY global_position LIMIT ?';

  private readonly statements;
  /** False only for a damaged file opened read-only before migration 3 could add the column. */
  private readonly indexed: boolean;

  private constructor(
    readonly path: string,
    private readonly db: Db,
    /** What the integrity check found when the file was opened; empty when it is healthy. */
    readonly damage: string[],
  ) {
    if (damage.length > 0) {
      // The schema itself may be unreadable: then there is nothing to rescue through Rewind.
      try {
        db.prepare('SELECT 1 FROM events LIMIT 1').get();
      } catch {
        db.close();
        throw damagedError(path, damage);
      }
    }
    this.indexed = (db.prepare("SELECT count(*) FROM pragma_table_info('events') WHERE name = 'recorded_max'").pluck().get() as number) > 0;
    this.statements = {
      streamVersion: db.prepare('SELECT version FROM streams WHERE stream_id = ?').pluck(),
      // A damaged file without the column is never written (assertWritable): its insert only has to compile.
      insertEvent: db.prepare(
        this.indexed
          ? `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, recorded_at, recorded_max)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
          : `INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata, recorded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      lastRecordedMax: this.indexed ? db.prepare('SELECT recorded_max FROM events ORDER BY global_position DESC LIMIT 1').pluck() : null,
      upsertStream: db.prepare(
        `INSERT INTO streams (stream_id, category, version, event_count, first_position, last_position, created_at, last_recorded_at)
         VALUES (@streamId, @category, @version, @count, @first, @last, @at, @at)
         ON CONFLICT (stream_id) DO UPDATE SET version = @version, event_count = event_count + @count,
           last_position = @last, last_recorded_at = @at`,
      ),
      readAll: db.prepare('SELECT * FROM events WHERE global_position >= ? ORDER BY global_position LIMIT ?'),
      readStream: db.prepare('SELECT * FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?'),
      readStreamFromPosition: db.prepare(EventStore.STREAM_FROM_POSITION_SQL),
      streams: db.prepare('SELECT * FROM streams ORDER BY stream_id'),
      stream: db.prepare('SELECT * FROM streams WHERE stream_id = ?'),
      lastPosition: db.prepare('SELECT coalesce(max(global_position), 0) FROM events').pluck(),
      firstAtOrAfter: db.prepare(this.indexed ? EventStore.SEEK_BY_TIME_SQL : 'SELECT min(global_position) FROM events WHERE recorded_at >= ?').pluck(),
      audit: db.prepare('INSERT INTO audit_log (at, action, detail) VALUES (?, ?, ?)'),
      hasEventId: db.prepare('SELECT 1 FROM events WHERE event_id = ?').pluck(),
      conversationIndexed: db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('events_correlation', 'events_trace')").pluck(),
      // Written as the indexes of migration 5 are, so SQLite uses them.
      byCorrelation: db.prepare("SELECT * FROM events WHERE json_extract(metadata, '$.correlationId') = ? AND global_position > ? ORDER BY global_position LIMIT ?"),
      byTraceId: db.prepare(
        "SELECT * FROM events WHERE substr(json_extract(metadata, '$.traceparent'), 4, 32) = ? AND json_extract(metadata, '$.traceparent') IS NOT NULL AND global_position > ? ORDER BY global_position LIMIT ?",
      ),
    };
  }

  /** For the modules that keep their own tables in the same file (subscriptions). */
  get database(): Db {
    return this.db;
  }

  static open(path: string, options: { create: boolean } = { create: true }): EventStore {
    const { db, damage } = openDatabase(path, options);
    return new EventStore(path, db, damage);
  }

  /** Refuses a write to a damaged file (opened read-only), naming the damage and what to do. */
  assertWritable(): void {
    if (this.damage.length > 0) throw damagedError(this.path, this.damage);
  }

  /** SQLite's full integrity check: every page, every index against its table. */
  check(): string[] {
    return fullCheck(this.db);
  }

  append(streamId: string, events: NewEvent[], expected: ExpectedVersion = 'any', now: () => string = () => new Date().toISOString()): AppendResult {
    this.assertWritable();
    if (!streamId) throw new RewindError('invalid_input', 'A stream id is required');
    if (events.length === 0) throw new RewindError('invalid_input', 'Nothing to append');
    const run = this.db.transaction((): AppendResult => {
      const current = this.statements.streamVersion.get(streamId) as number | undefined;
      checkExpected(streamId, expected, current);
      const at = now();
      // The running maximum of recorded times (see SEEK_BY_TIME_SQL): an event recorded earlier
      // than one before it (a clock stepped back) carries the later time here.
      const previousMax = this.statements.lastRecordedMax?.get() as string | null | undefined;
      const recordedMax = previousMax && previousMax > at ? previousMax : at;
      let version = current ?? -1;
      let first = 0;
      let last = 0;
      for (const e of events) {
        version += 1;
        const info = this.statements.insertEvent.run(streamId, version, e.id ?? randomUUID(), e.type, JSON.stringify(e.data), JSON.stringify(e.metadata ?? {}), at, recordedMax);
        last = Number(info.lastInsertRowid);
        if (first === 0) first = last;
      }
      this.statements.upsertStream.run({
        streamId,
        category: categoryOf(streamId),
        version,
        count: events.length,
        first,
        last,
        at,
      });
      return { firstPosition: first, lastPosition: last, version };
    });
    try {
      return run.immediate();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' && /event_id/.test((e as Error).message)) {
        throw new RewindError('conflict', 'An event with that id is already stored', 'Use a new event id, or leave it empty to generate one.');
      }
      throw e;
    }
  }

  readAll(fromPosition: number, limit: number): StoredEvent[] {
    return (this.statements.readAll.all(fromPosition, limit) as EventRow[]).map(toEvent);
  }

  /** Reads a stream from a global position (not a stream version), so one cursor works for both. */
  readStreamFrom(streamId: string, fromPosition: number, limit: number): StoredEvent[] {
    return (this.statements.readStreamFromPosition.all(streamId, fromPosition, limit) as EventRow[]).map(toEvent);
  }

  readStream(streamId: string, fromVersion: number, limit: number): StoredEvent[] {
    return (this.statements.readStream.all(streamId, fromVersion, limit) as EventRow[]).map(toEvent);
  }

  streams(): StreamInfo[] {
    return (this.statements.streams.all() as StreamRow[]).map(toStreamInfo);
  }

  stream(streamId: string): StreamInfo | null {
    const row = this.statements.stream.get(streamId) as StreamRow | undefined;
    return row ? toStreamInfo(row) : null;
  }

  /** Position of the newest event; 0 when the store is empty (positions start at 1). */
  lastPosition(): number {
    return this.statements.lastPosition.get() as number;
  }

  /** First position recorded at or after a time, or null when every event is older. */
  positionAt(isoTime: string): number | null {
    return (this.statements.firstAtOrAfter.get(new Date(isoTime).toISOString()) as number | null) ?? null;
  }

  /**
   * The events of one conversation, in position order from `after`: by the correlation id in their
   * metadata or the trace id of their traceparent, through the indexes of migration 5 (a file opened
   * read-only without them is walked; `indexed` says which it was).
   */
  conversation(by: 'correlation' | 'trace', value: string, after: number, limit: number): { events: StoredEvent[]; indexed: boolean } {
    const indexed = (this.statements.conversationIndexed.get() as number) === 2;
    const rows = (by === 'correlation' ? this.statements.byCorrelation : this.statements.byTraceId).all(by === 'trace' ? value.toLowerCase() : value, after, limit) as EventRow[];
    return { events: rows.map(toEvent), indexed };
  }

  hasEventId(id: string): boolean {
    return this.statements.hasEventId.get(id) !== undefined;
  }

  /** Records what a user did, with the host and OS user it was done as; returns the entry's id. */
  audit(action: string, detail: Record<string, unknown>): number {
    this.assertWritable();
    return Number(this.statements.audit.run(new Date().toISOString(), action, JSON.stringify({ ...detail, ...whoIsActing() })).lastInsertRowid);
  }

  /** Audit entries, newest first, optionally of some actions and containing a text. */
  auditLog(filter: { actions?: string[]; text?: string; before?: number; limit: number }): { id: number; at: string; action: string; detail: string }[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.actions?.length) {
      where.push(`action IN (${filter.actions.map(() => '?').join(',')})`);
      args.push(...filter.actions);
    }
    if (filter.text) {
      where.push('instr(lower(detail), lower(?)) > 0');
      args.push(filter.text);
    }
    if (filter.before !== undefined) {
      where.push('id < ?');
      args.push(filter.before);
    }
    const sql = `SELECT id, at, action, detail FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args, filter.limit) as { id: number; at: string; action: string; detail: string }[];
  }

  /** For bulk work such as the demo seed: many appends, one commit. */
  batch<T>(work: () => T): T {
    this.assertWritable();
    return this.db.transaction(work).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface StreamRow {
  stream_id: string;
  category: string;
  version: number;
  event_count: number;
  last_position: number;
  last_recorded_at: string;
}

const toStreamInfo = (r: StreamRow): StreamInfo => ({
  streamId: r.stream_id,
  category: r.category,
  version: r.version,
  eventCount: r.event_count,
  lastPosition: r.last_position,
  lastRecordedAt: r.last_recorded_at,
});

function checkExpected(streamId: string, expected: ExpectedVersion, current: number | undefined): void {
  if (expected === 'any') return;
  if (expected === 'no_stream') {
    if (current !== undefined) {
      throw new RewindError('conflict', `wrong expected version: expected no stream, ${streamId} is at ${current}`);
    }
    return;
  }
  if (current !== expected) {
    const actual = current === undefined ? 'does not exist' : `is at ${current}`;
    throw new RewindError('conflict', `wrong expected version: expected ${expected}, stream ${actual}`, 'Reload the stream and try again.');
  }
}

/**
 * Who an audit entry is by: this machine and the OS account Rewind runs as (the one that holds
 * the credentials). An account without a passwd entry (some containers) is named by its uid.
 */
function whoIsActing(): { host: string; user: string } {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env['USER'] ?? process.env['USERNAME'] ?? `uid ${process.getuid?.() ?? '?'}`;
  }
  return { host: hostname(), user };
}
