import type { Envelope } from '../model/envelope';
import { RewindError } from '../model/errors';
import type { ScanRequest, TopicFrom } from '../model/topic-scan';
import type { TopicAbility } from '../sources/source-adapter';

/** Hits asked of one search call; the search goes on from where the last stopped. */
const SEARCH_HITS = 10_000;

/**
 * A whole-topic search continued round after round (each stops at its hit limit) until it goes no
 * further: the end, or a transaction still open. What each round says of itself reaches `note`; a
 * round that stopped on an error ends the search with it. Says whether every partition reached its end.
 */
export async function searchOnward(
  topics: TopicAbility,
  req: Omit<ScanRequest, 'from' | 'to' | 'limit'> & { from: TopicFrom },
  signal: AbortSignal,
  out: { hits(records: Envelope[]): void; scanned?(more: number): void; note(text: string): void },
): Promise<boolean> {
  let from: TopicFrom = req.from;
  let to: Record<string, string> | null = null;
  for (;;) {
    let reported = 0;
    const s = await topics.search({ ...req, from, to, limit: SEARCH_HITS }, signal, {
      hits: out.hits,
      progress: (p) => {
        out.scanned?.(p.scanned - reported);
        reported = p.scanned;
      },
    });
    out.scanned?.(s.scanned - reported);
    for (const n of s.notes) out.note(n);
    if (s.stopped) throw new RewindError(s.stopped.code === 'not_found' ? 'not_found' : 'network', `${req.topic}: ${s.stopped.message}`);
    // Short of the hit limit, the search ended where it could go no further.
    if (s.complete || s.hits < SEARCH_HITS) return s.complete;
    from = { type: 'offsets', value: s.positions };
    to = s.ends;
  }
}
