import { z } from 'zod';
import { ProjectionTarget, Resource } from '../../../src/model/resources';
import { TypeSource } from '../../../src/model/type-source';

/**
 * The open tabs, the active one and every projection's draft, kept in the renderer's storage so
 * a reload or a renderer crash gives them back. Read back through a schema: an older or damaged
 * entry is dropped, never trusted.
 */
const KEY = 'rewind.workspace.v1';

export const ProjectionDraft = z.object({
  code: z.string().max(512 * 1024),
  /** The code as last loaded or saved: the draft is unsaved work while `code` differs from it. */
  baseline: z.string().max(512 * 1024),
  source: z.object({ connectionId: z.string(), target: ProjectionTarget, label: z.string() }),
  range: z.object({ mode: z.enum(['start', 'position', 'time']), position: z.string(), time: z.string(), to: z.string() }),
  /** Where the tab's runs read each event's type, when the user said (absent in drafts kept before). */
  typeFrom: TypeSource.nullable().optional(),
});
export type ProjectionDraft = z.infer<typeof ProjectionDraft>;

export const SavedTab = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('resource'), id: z.string(), connectionId: z.string(), connectionName: z.string(), resource: Resource }),
  z.object({ kind: z.literal('projection'), id: z.string(), title: z.string(), draft: ProjectionDraft.nullable() }),
  z.object({ kind: z.literal('read-models'), id: z.literal('read-models') }),
  z.object({ kind: z.literal('dead-letters'), id: z.literal('dead-letters') }),
  z.object({ kind: z.literal('audit'), id: z.literal('audit') }),
  z.object({ kind: z.literal('groups'), id: z.string(), connectionId: z.string(), connectionName: z.string() }),
  z.object({ kind: z.literal('rabbit-map'), id: z.string(), connectionId: z.string(), connectionName: z.string(), vhost: z.string() }),
]);
export type SavedTab = z.infer<typeof SavedTab>;

const Workspace = z.object({ tabs: z.array(SavedTab).max(200), active: z.string().nullable() });
export type Workspace = z.infer<typeof Workspace>;

export function loadWorkspace(): Workspace {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return { tabs: [], active: null };
    const parsed = Workspace.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : { tabs: [], active: null };
  } catch {
    return { tabs: [], active: null };
  }
}

/** Writes the workspace; says why when storage refuses (full, disabled) so the UI can warn. */
export function saveWorkspace(w: Workspace): string | null {
  try {
    localStorage.setItem(KEY, JSON.stringify(w));
    return null;
  } catch (e) {
    return `Open tabs and drafts could not be kept for the next reload: ${e instanceof Error ? e.message : String(e)}`;
  }
}
