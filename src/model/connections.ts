import { z } from 'zod';
import { SourceKind } from './envelope';
import { SourceLook } from './source-look';

export const LOCAL_STORE_ID = 'local';

const HOST_HINT = 'Enter a host name or IP address such as 127.0.0.1, without a scheme or port.';

/** Rejects what people paste by mistake (URLs, host:port) with a message that says what to type. */
export const Host = z
  .string()
  .trim()
  .min(1, { message: 'Host is required. ' + HOST_HINT })
  .max(253)
  .refine((h) => !h.includes('://'), { message: 'That looks like a URL. ' + HOST_HINT })
  .refine((h) => !/\s/.test(h), { message: 'Host cannot contain spaces. ' + HOST_HINT })
  .refine((h) => h.startsWith('[') || !h.includes(':') || h.split(':').length > 2, {
    message: 'Put the port in the Port field. ' + HOST_HINT,
  })
  .refine((h) => /^[A-Za-z0-9.\-_[\]:]+$/.test(h), { message: 'Host has characters a host name cannot have. ' + HOST_HINT });

export const Port = z.coerce
  .number({ message: 'Port must be a number from 1 to 65535.' })
  .int({ message: 'Port must be a whole number from 1 to 65535.' })
  .min(1, { message: 'Port must be from 1 to 65535.' })
  .max(65535, { message: 'Port must be from 1 to 65535.' });

export const SaslMechanism = z.enum(['none', 'plain', 'scram-sha-256', 'scram-sha-512']);
export type SaslMechanism = z.infer<typeof SaslMechanism>;

const Common = {
  id: z.string().min(1).max(100),
  name: z.string().trim().min(1, { message: 'Give the connection a name.' }).max(100),
  host: Host,
  port: Port,
  tls: z.boolean(),
  username: z.string().max(256),
  /** Whether a secret is stored; the secret itself never leaves the back end. */
  hasPassword: z.boolean(),
};

export const KafkaProfile = z.object({
  ...Common,
  kind: z.literal('kafka'),
  sasl: SaslMechanism,
});
export const RabbitProfile = z.object({
  ...Common,
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
/** Another event-store file, opened with "Open event store…". */
export const StoreProfile = z.object({
  id: Common.id,
  name: Common.name,
  kind: z.literal('store'),
  path: z.string().trim().min(1, { message: 'Enter the path of a .sqlite file.' }).max(4096),
  hasPassword: z.literal(false),
});
export const ConnectionProfile = z.discriminatedUnion('kind', [KafkaProfile, RabbitProfile, StoreProfile]);
export type KafkaProfile = z.infer<typeof KafkaProfile>;
export type RabbitProfile = z.infer<typeof RabbitProfile>;
export type StoreProfile = z.infer<typeof StoreProfile>;
export type BrokerProfile = KafkaProfile | RabbitProfile;
export type ConnectionProfile = z.infer<typeof ConnectionProfile>;

/** RabbitMQ's own stream listeners: 5552, and 5551 for TLS. */
export const defaultStreamPort = (tls: boolean) => (tls ? 5551 : 5552);

/** Whether the stream port is spoken to with TLS. */
export const streamTls = (p: Pick<RabbitProfile, 'tls' | 'streamWithoutTls'>) => p.tls && !p.streamWithoutTls;

/**
 * What the form sends. `password` undefined keeps the stored one; an empty string clears it.
 * `id` is absent for a new connection.
 */
const draftFields = { id: Common.id.optional(), password: z.string().max(4096).optional() };
export const ConnectionDraft = z.discriminatedUnion('kind', [
  KafkaProfile.omit({ id: true, hasPassword: true }).extend(draftFields),
  /** The stream port defaults to RabbitMQ's for the TLS setting; a plain one with TLS is not allowed unless asked. */
  RabbitProfile.omit({ id: true, hasPassword: true }).extend({ ...draftFields, streamPort: Port.optional(), streamWithoutTls: z.boolean().optional() }),
  /** `create` makes a new, empty store when the file does not exist. */
  StoreProfile.omit({ id: true, hasPassword: true }).extend({ id: Common.id.optional(), create: z.boolean() }),
]);
export type ConnectionDraft = z.infer<typeof ConnectionDraft>;

/** Every connection the UI lists: saved broker profiles plus the bundled store. */
export const ConnectionSummary = z.object({
  id: z.string(),
  /** A built-in kind, or one a registered source brings. */
  kind: SourceKind,
  name: z.string(),
  /** host:port for brokers, the file path for the store. */
  address: z.string(),
  removable: z.boolean(),
  /** How a registered source's records and resources are worded (built-in kinds carry none). */
  look: SourceLook.optional(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;
