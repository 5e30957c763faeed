import { z } from 'zod';
import { DraftFields, NetworkProfileFields, Port } from '../../model/connections';

export const RabbitProfile = z.object({
  ...NetworkProfileFields,
  kind: z.literal('rabbitmq'),
  vhost: z.string().min(1).max(256),
  managementPort: Port,
  /** The stream protocol's port: the same user and password go there, so it is part of their target. */
  streamPort: Port,
  /**
   * With TLS on, the stream port is spoken to with TLS too, unless the user allowed sending the
   * password to it without TLS (a broker whose stream listener has none). False without TLS.
   */
  streamWithoutTls: z.boolean(),
});
export type RabbitProfile = z.infer<typeof RabbitProfile>;

/** The stream port defaults to RabbitMQ's for the TLS setting; a plain one with TLS is not allowed unless asked. */
export const RabbitDraft = RabbitProfile.omit({ id: true, hasPassword: true }).extend({ ...DraftFields, streamPort: Port.optional(), streamWithoutTls: z.boolean().optional() });

/** RabbitMQ's own stream listeners: 5552, and 5551 for TLS. */
export const defaultStreamPort = (tls: boolean) => (tls ? 5551 : 5552);

/** Whether the stream port is spoken to with TLS. */
export const streamTls = (p: Pick<RabbitProfile, 'tls' | 'streamWithoutTls'>) => p.tls && !p.streamWithoutTls;
