import { randomUUID } from 'node:crypto';
import { RewindError } from '../model/errors';

export interface ImportTally {
  /** Lines received so far (good and bad). */
  lines: number;
  written: number;
  badLines: number;
}

interface Session {
  total: number;
  tally: ImportTally;
  signal: AbortSignal;
  onChunk(): void;
}

/**
 * An import's file lives in the window that picked it, so the window sends it in chunks; the
 * session is what makes those chunks one job in the core: one progress bar, one Cancel (the next
 * chunk is refused), one outcome. It lasts as long as the `imports/run` call that opened it.
 */
export class ImportSessions {
  private readonly sessions = new Map<string, Session>();

  /** Opens a session for `total` lines; resolves with the tally once they have all arrived. */
  async run(total: number, signal: AbortSignal, opened: (id: string) => void, progress: (tally: ImportTally) => void): Promise<ImportTally> {
    const id = randomUUID();
    const tally: ImportTally = { lines: 0, written: 0, badLines: 0 };
    let finish: () => void = () => undefined;
    const complete = new Promise<void>((resolve) => (finish = resolve));
    this.sessions.set(id, {
      total,
      tally,
      signal,
      onChunk: () => {
        progress({ ...tally });
        if (tally.lines >= total) finish();
      },
    });
    try {
      opened(id);
      progress({ ...tally });
      if (total > 0) await Promise.race([complete, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new RewindError('cancelled', 'Cancelled')), { once: true }))]);
      return { ...tally };
    } finally {
      this.sessions.delete(id);
    }
  }

  /** The session a chunk belongs to: refused once its job was cancelled or has ended. */
  signalOf(id: string): AbortSignal {
    const s = this.sessions.get(id);
    if (!s) throw new RewindError('cancelled', 'This import has ended', 'Start the import again.');
    if (s.signal.aborted) throw new RewindError('cancelled', 'The import was cancelled');
    return s.signal;
  }

  /** A chunk was written (or refused line by line): counts it towards the session's progress. */
  record(id: string, lines: number, written: number, badLines: number): void {
    const s = this.sessions.get(id);
    if (!s) return;
    s.tally.lines += lines;
    s.tally.written += written;
    s.tally.badLines += badLines;
    s.onChunk();
  }
}
