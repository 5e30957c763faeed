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
];
