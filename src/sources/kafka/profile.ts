import { z } from 'zod';
import { DraftFields, NetworkProfileFields } from '../../model/connections';

export const SaslMechanism = z.enum(['none', 'plain', 'scram-sha-256', 'scram-sha-512']);
export type SaslMechanism = z.infer<typeof SaslMechanism>;

/** A schema registry URL: http(s), host and optional path, nothing else. */
export const RegistryUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((u) => u === '' || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(u), { message: 'Write the schema registry URL as http://host:8081 (https:// with TLS), or leave it empty.' });

/** The schema registry a Kafka connection reads Avro, Protobuf and JSON Schema through; url '' means none. */
export const RegistrySettings = z.object({
  url: RegistryUrl,
  username: z.string().max(256),
  /** Whether its password is stored (in the OS keychain, bound to the URL). */
  hasPassword: z.boolean(),
});
export type RegistrySettings = z.infer<typeof RegistrySettings>;

export const KafkaProfile = z.object({
  ...NetworkProfileFields,
  kind: z.literal('kafka'),
  sasl: SaslMechanism,
  registry: RegistrySettings.optional(),
});
export type KafkaProfile = z.infer<typeof KafkaProfile>;

export const KafkaDraft = KafkaProfile.omit({ id: true, hasPassword: true, registry: true }).extend({
  ...DraftFields,
  /** `password` undefined keeps the stored registry password; '' clears it. */
  registry: RegistrySettings.omit({ hasPassword: true })
    .extend({ password: z.string().max(4096).optional() })
    .optional(),
});
