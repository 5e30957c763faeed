import { z } from 'zod';
import { Finding, MemberRef } from './trace';

/** The catalogue's row, and the search's Type condition, for records that name no type. */
export const NO_TYPE = '(no type)';

/** What a catalogue reads: a sample (the newest records of a topic, the first of a stream or queue state) or everything. */
export const CatalogueScope = z.discriminatedUnion('kind', [z.object({ kind: z.literal('sample'), count: z.number().int().min(100).max(1_000_000) }), z.object({ kind: z.literal('full') })]);
export type CatalogueScope = z.infer<typeof CatalogueScope>;

export const CatalogueRequest = z.object({
  connectionId: z.string().min(1),
  /** The topic, stream, queue state or store stream, as the sidebar lists it. */
  resource: z.object({ resourceType: z.string().min(1).max(40), resource: z.string().min(1).max(1_000), vhost: z.string().nullable() }),
  scope: CatalogueScope,
});
export type CatalogueRequest = z.infer<typeof CatalogueRequest>;

/** A place in the resource and when: where a type was first or last seen, where its shape changed. */
export const Sighting = z.object({ ref: MemberRef, time: z.string().nullable() });
export type Sighting = z.infer<typeof Sighting>;

export const CatalogueField = z.object({
  /** A JSON path into the event's data: `amount`, `customer.id`, `items[].sku`. */
  path: z.string(),
  /** The JSON types it was seen with: string, integer, number, boolean, null, object, array. */
  types: z.array(z.string()),
  /** How many events of the type carried it. */
  seen: z.number().int(),
});
export type CatalogueField = z.infer<typeof CatalogueField>;

export const ShapeChange = z.object({
  kind: z.enum(['appears', 'disappears', 'type-changes']),
  path: z.string(),
  /** The type before (type-changes), or null. */
  from: z.string().nullable(),
  /** The type after (appears, type-changes), or null. */
  to: z.string().nullable(),
  /** The first message showing the change. */
  at: Sighting,
});
export type ShapeChange = z.infer<typeof ShapeChange>;

export const CatalogueType = z.object({
  /** The event type as the envelope reads it; `(no type)` for records that name none. */
  type: z.string(),
  count: z.number().int(),
  first: Sighting,
  last: Sighting,
  /** Events of the type whose data is not JSON (or not read whole): their fields are not known. */
  opaque: z.number().int(),
  fields: z.array(CatalogueField),
  /** More fields than a type keeps (300) were seen: the rest are not listed, and appear as no change. */
  fieldsCut: z.boolean(),
  changes: z.array(ShapeChange),
});
export type CatalogueType = z.infer<typeof CatalogueType>;

export const Catalogue = z.object({
  scanned: z.number().int(),
  /** How many there were to read, when known. */
  total: z.number().int().nullable(),
  types: z.array(CatalogueType),
  /** Duplicates, version gaps and repeats, events out of time order. */
  findings: z.array(Finding),
  /** The scan read everything it set out to. */
  complete: z.boolean(),
  notes: z.array(z.string()),
});
export type Catalogue = z.infer<typeof Catalogue>;

/** A scan's state as it goes: the catalogue so far (the last one stands when the scan is stopped). */
export const CatalogueItem = z.object({ kind: z.literal('snapshot'), catalogue: Catalogue });
export type CatalogueItem = z.infer<typeof CatalogueItem>;
