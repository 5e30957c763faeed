import type { ReadModelInfo } from '../api/types';

export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Where a read model stands: a position, or for a whole topic the next offset per partition. */
export const checkpointText = (m: ReadModelInfo) =>
  m.source.resume
    ? `next offsets ${Object.entries(m.source.resume)
        .map(([p, o]) => `${p}:${o}`)
        .join(', ')}`
    : `checkpoint ${m.checkpoint}`;
export const defaultSql = (m: ReadModelInfo) => `SELECT * FROM ${quoteName(m.name)} ORDER BY key`;
