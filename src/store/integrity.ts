import { RewindError } from '../model/errors';
import type { Db } from './open-database';

/** What SQLite's checks report, "ok" left out: an empty list is a healthy file. */
function problems(db: Db, pragma: 'quick_check' | 'integrity_check', max: number): string[] {
  const rows = db.pragma(`${pragma}(${max})`) as Record<string, string>[];
  return rows.map((r) => Object.values(r)[0] ?? '').filter((p) => p !== 'ok');
}

/** A pass over every page's structure: cheap enough for each open (about 0.3 s per million events). */
export function quickCheck(db: Db): string[] {
  try {
    return problems(db, 'quick_check', 20);
  } catch (e) {
    return [(e as Error).message];
  }
}

/** Everything SQLite can verify, indexes against tables included: on demand only. */
export function fullCheck(db: Db): string[] {
  try {
    return problems(db, 'integrity_check', 100);
  } catch (e) {
    return [(e as Error).message];
  }
}

export const DAMAGED_HINT = 'Restore the file from a backup, or export what can still be read (Export NDJSON) and import it into a new store. Rewind does not write to a damaged file.';

export function damagedError(path: string, found: string[]): RewindError {
  const first = found[0] ?? 'SQLite reports damage';
  return new RewindError('damaged', `${path} is damaged: ${first}${found.length > 1 ? ` (and ${found.length - 1} more problems)` : ''}`, DAMAGED_HINT);
}
