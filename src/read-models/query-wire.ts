/** What the host asks of the query thread and what it answers. */
export interface QueryJob {
  path: string;
  sql: string;
  offset: number;
  limit: number;
}

export type QueryAnswer =
  | { ok: true; columns: string[]; rows: (string | number | null)[][]; more: boolean }
  /** read-only: the statement would write (named by `verb` where it can be read); sql: SQLite refused it. */
  | { ok: false; kind: 'read-only' | 'sql'; verb: string | null; message: string };
