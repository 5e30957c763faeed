import { z } from 'zod';
import { ProjectionDraft } from '../workspace/saved-workspace';

/**
 * The code and source of each rebuild still running in the core, by its job id: when its tab
 * closes (or the page reloads) the jobs panel's Open brings the tab back with the code that made
 * the run. Read back through a schema; only the newest few are kept.
 */
const KEY = 'rewind.detached-runs.v1';
const KEPT = 20;

const Stash = z.array(z.object({ jobId: z.string(), title: z.string(), draft: ProjectionDraft })).max(100);
type Stash = z.infer<typeof Stash>;

function load(): Stash {
  try {
    const parsed = Stash.safeParse(JSON.parse(localStorage.getItem(KEY) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function save(s: Stash): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(s.slice(-KEPT)));
  } catch {
    // Storage full or off: Open still attaches, with the tab's code left empty.
  }
}

export function keepRunDraft(jobId: string, title: string, draft: ProjectionDraft): void {
  save([...load().filter((x) => x.jobId !== jobId), { jobId, title, draft }]);
}

export function runDraft(jobId: string): { title: string; draft: ProjectionDraft } | null {
  return load().find((x) => x.jobId === jobId) ?? null;
}

export function forgetRunDraft(jobId: string): void {
  const s = load();
  if (s.some((x) => x.jobId === jobId)) save(s.filter((x) => x.jobId !== jobId));
}
