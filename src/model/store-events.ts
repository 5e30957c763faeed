import { z } from 'zod';

export const ExpectedVersion = z.union([z.literal('any'), z.literal('no_stream'), z.number().int().min(0)]);
/** `any`, `no_stream`, or the version of the stream's last event (versions start at 0). */
export type ExpectedVersion = z.infer<typeof ExpectedVersion>;

export const NewEvent = z.object({
  id: z.string().min(1).max(200).optional(),
  type: z.string().min(1).max(200),
  data: z.json(),
  metadata: z.record(z.string(), z.json()).optional(),
});
export type NewEvent = z.infer<typeof NewEvent>;
