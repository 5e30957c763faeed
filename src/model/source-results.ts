import { z } from 'zod';

/** What a source answers to Test connection and to a read: shared by adapters and the API contract. */

export const TestResult = z.object({
  ok: z.literal(true),
  /** e.g. "RabbitMQ 3.10.8" or "Kafka, 1 broker". */
  server: z.string(),
  details: z.array(z.string()),
  latencyMs: z.number(),
});

export const ReadProgress = z.object({
  done: z.number().int().nonnegative(),
  /** Expected total when known; `exact` false marks an estimate. */
  total: z.number().int().nonnegative().nullable(),
  exact: z.boolean(),
});

export const ReadSummary = z.object({
  count: z.number().int().nonnegative(),
  /** Position to continue from, or null when the end was reached. */
  next: z.string().nullable(),
  /** The end of the resource when the read began (high watermark, last position). */
  end: z.string().nullable(),
  /** What the user should know about what was and was not shown (hidden aborted records, an open transaction). */
  notes: z.array(z.string()).optional(),
  /** RabbitMQ streams: the protocol the read used (the stream protocol, or AMQP when its port did not answer). */
  via: z.enum(['stream protocol', 'AMQP']).optional(),
});

export type Progress = z.infer<typeof ReadProgress>;
