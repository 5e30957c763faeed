/**
 * The event store's schema, one migration per entry. Applied migrations are recorded with the
 * SHA-256 of their SQL, so a store written by a different build of Rewind is refused instead of
 * being silently misread. Never edit an entry once released: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'events-and-streams',
    sql: `
CREATE TABLE events (
  global_position INTEGER PRIMARY KEY,
  stream_id       TEXT    NOT NULL,
  stream_version  INTEGER NOT NULL,
  event_id        TEXT    NOT NULL UNIQUE,
  event_type      TEXT    NOT NULL,
  data            TEXT    NOT NULL CHECK (json_valid(data)),
  metadata        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  recorded_at     TEXT    NOT NULL,
  UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_recorded_at ON events (recorded_at);

CREATE TABLE streams (
  stream_id        TEXT    PRIMARY KEY,
  category         TEXT    NOT NULL,
  version          INTEGER NOT NULL,
  event_count      INTEGER NOT NULL,
  first_position   INTEGER NOT NULL,
  last_position    INTEGER NOT NULL,
  created_at       TEXT    NOT NULL,
  last_recorded_at TEXT    NOT NULL
);
CREATE INDEX streams_category ON streams (category);

CREATE TABLE checkpoints (
  name       TEXT    PRIMARY KEY,
  position   INTEGER NOT NULL,
  updated_at TEXT    NOT NULL
);

CREATE TABLE subscriptions (
  name        TEXT    PRIMARY KEY,
  stream_filter TEXT,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  created_at  TEXT    NOT NULL
);

CREATE TABLE parked_events (
  id              INTEGER PRIMARY KEY,
  subscription    TEXT    NOT NULL REFERENCES subscriptions (name),
  global_position INTEGER NOT NULL REFERENCES events (global_position),
  attempts        INTEGER NOT NULL,
  last_error      TEXT    NOT NULL,
  parked_at       TEXT    NOT NULL,
  UNIQUE (subscription, global_position)
);

CREATE TABLE audit_log (
  id     INTEGER PRIMARY KEY,
  at     TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL CHECK (json_valid(detail))
);
`,
  },
  {
    version: 2,
    name: 'subscription-code-and-state',
    sql: `
ALTER TABLE subscriptions ADD COLUMN code TEXT NOT NULL DEFAULT '';
ALTER TABLE checkpoints ADD COLUMN state TEXT;
`,
  },
  {
    // Seeking by time asks for the first position recorded at or after T. recorded_at alone cannot
    // answer that without walking events (times may go backwards: a clock step, seeded history),
    // but its running maximum never decreases along positions, so the first position whose
    // running maximum reaches T is the answer, found in one index step (see EventStore.positionAt).
    version: 3,
    name: 'seek-by-time-index',
    sql: `
ALTER TABLE events ADD COLUMN recorded_max TEXT;
UPDATE events SET recorded_max = w.m
  FROM (SELECT global_position AS p, max(recorded_at) OVER (ORDER BY global_position) AS m FROM events) AS w
  WHERE w.p = events.global_position;
CREATE INDEX events_recorded_max ON events (recorded_max);
DROP INDEX events_recorded_at;
`,
  },
  {
    // Reading one stream from a position (the records view, a rebuild over a stream) asked for a
    // stream's events in position order: the (stream_id, stream_version) index finds them but
    // SQLite then sorted the whole stream for every page. This index gives them in that order.
    version: 4,
    name: 'stream-position-index',
    sql: `
CREATE INDEX events_stream_position ON events (stream_id, global_position);
`,
  },
  {
    // A trace asks the store for every event of one conversation: by the correlation id its
    // metadata carries, or by the trace id inside its traceparent. Without these indexes that is a
    // walk of the whole store for each trace.
    version: 5,
    name: 'conversation-indexes',
    sql: `
CREATE INDEX events_correlation ON events (json_extract(metadata, '$.correlationId')) WHERE json_extract(metadata, '$.correlationId') IS NOT NULL;
CREATE INDEX events_trace ON events (substr(json_extract(metadata, '$.traceparent'), 4, 32)) WHERE json_extract(metadata, '$.traceparent') IS NOT NULL;
`,
  },
];
