import { z } from 'zod';
import { NetworkProfileFields } from '../../model/connections';

/** Another event-store file, opened with "Open event store…". */
export const StoreProfile = z.object({
  id: NetworkProfileFields.id,
  name: NetworkProfileFields.name,
  kind: z.literal('store'),
  path: z.string().trim().min(1, { message: 'Enter the path of a .sqlite file.' }).max(4096),
  hasPassword: z.literal(false),
});
export type StoreProfile = z.infer<typeof StoreProfile>;

/** `create` makes a new, empty store when the file does not exist. */
export const StoreDraft = StoreProfile.omit({ id: true, hasPassword: true }).extend({ id: NetworkProfileFields.id.optional(), create: z.boolean() });
