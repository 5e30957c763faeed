import { z } from 'zod';
import { SourceKind } from './envelope';

const Words = z.string().min(1).max(80);

/**
 * How a registered source looks to the user, as data the renderer receives with its connections:
 * its words for what it holds. Built-in sources carry the same in their descriptors.
 */
export const SourceLook = z.object({
  kind: SourceKind,
  label: Words,
  badge: Words,
  /** What one item is called in sentences ("3 entries" takes "entry"... plural by adding s). */
  noun: Words,
  positionLabel: Words,
  /** How a position is typed: a pattern (a RegExp source) and, for a wrong one, what it should be. */
  positionForm: z.object({ pattern: z.string().min(1).max(200), hint: Words }),
  headersTitle: Words,
  payloadTitle: Words,
  emptyNote: Words,
  nullValue: z.object({ short: Words, long: Words }),
  missingTime: Words.nullable(),
});
export type SourceLook = z.infer<typeof SourceLook>;
