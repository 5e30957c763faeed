import { z } from 'zod';
import { DraftFields, NetworkProfileFields } from '../../model/connections';

export const SaslMechanism = z.enum(['none', 'plain', 'scram-sha-256', 'scram-sha-512']);
export type SaslMechanism = z.infer<typeof SaslMechanism>;

export const KafkaProfile = z.object({
  ...NetworkProfileFields,
  kind: z.literal('kafka'),
  sasl: SaslMechanism,
});
export type KafkaProfile = z.infer<typeof KafkaProfile>;

export const KafkaDraft = KafkaProfile.omit({ id: true, hasPassword: true }).extend(DraftFields);
