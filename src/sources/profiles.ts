import { z } from 'zod';
import { KafkaDraft, KafkaProfile } from './kafka/profile';
import { RabbitDraft, RabbitProfile } from './rabbitmq/profile';
import { RedisDraft, RedisProfile } from './redis/profile';
import { StoreDraft, StoreProfile } from './store/profile';

/** What is saved for a connection of a built-in kind: each kind's folder declares its own. */
export const ConnectionProfile = z.discriminatedUnion('kind', [KafkaProfile, RabbitProfile, RedisProfile, StoreProfile]);
export type ConnectionProfile = z.infer<typeof ConnectionProfile>;

/** What the connection form sends, per kind. */
export const ConnectionDraft = z.discriminatedUnion('kind', [KafkaDraft, RabbitDraft, RedisDraft, StoreDraft]);
export type ConnectionDraft = z.infer<typeof ConnectionDraft>;
