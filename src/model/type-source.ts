import { z } from 'zod';

/**
 * Where a projection run reads each event's type when the source does not say it where Rewind
 * looks (a `type` header, AMQP's type property, the store's column): a header the user names, or
 * a JSON path into the body, such as `$.type`.
 */
export const TypeSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('header'), name: z.string().trim().min(1).max(256) }),
  z.object({ kind: z.literal('path'), path: z.string().trim().min(1).max(512) }),
]);
export type TypeSource = z.infer<typeof TypeSource>;

/** As the UI and the notices say it: `the header kind`, `the JSON path $.type`. */
export const describeTypeSource = (t: TypeSource) => (t.kind === 'header' ? `the header ${t.name}` : `the JSON path ${t.path}`);
