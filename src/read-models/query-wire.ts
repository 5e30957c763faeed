/** What the host asks of the query thread and what it answers. */
export interface QueryJob {
  path: string;
  sql: string;
  offset: number;
  limit: number;
}

export type QueryAnswer =
  | { ok: true; columns: string[]; rows: (string | number | null)[][]; more: boolean }
  | { ok: false; message: string };
