import { z } from 'zod';
import { DraftFields, NetworkProfileFields } from '../../model/connections';

/** A Redis server: its database, and the key prefix its BullMQ (or Bull) queues live under. */
export const RedisProfile = z.object({
  ...NetworkProfileFields,
  kind: z.literal('redis'),
  database: z.coerce
    .number({ message: 'The database is a number, 0 unless your app chose another.' })
    .int({ message: 'The database is a whole number.' })
    .min(0, { message: 'The database is 0 or more.' })
    .max(65_535, { message: 'The database is at most 65535.' }),
  /** BullMQ's `prefix` option; `bull` unless the app set another. */
  prefix: z
    .string()
    .trim()
    .min(1, { message: 'Enter the key prefix your queues use (BullMQ: bull).' })
    .max(200)
    .regex(/^[^*?[\]\s]+$/, { message: 'A prefix has no spaces or pattern characters (* ? [ ]).' }),
});
export type RedisProfile = z.infer<typeof RedisProfile>;

export const RedisDraft = RedisProfile.omit({ id: true, hasPassword: true }).extend({ ...DraftFields });
