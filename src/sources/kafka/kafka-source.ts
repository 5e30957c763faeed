import type { KafkaProfile } from './profile';
import type { SourceModule } from '../source-module';
import { KafkaAdapter } from './kafka-adapter';

export const kafkaSource: SourceModule<KafkaProfile> = {
  kind: 'kafka',
  profileFromDraft(draft, id, hasPassword) {
    const { password: _password, id: _id, registry, ...rest } = draft;
    // Without a URL there is no registry to keep; its password is kept by extraSecret.
    const kept = registry?.url ? { registry: { url: registry.url, username: registry.username, hasPassword: false } } : {};
    // Without SASL there is no user and no password to keep.
    return rest.sasl === 'none' ? { ...rest, ...kept, username: '', id, hasPassword: false } : { ...rest, ...kept, id, hasPassword };
  },
  usesPassword: (p) => p.sasl !== 'none',
  address: (p) => `${p.host}:${p.port}`,
  extraSecret: {
    label: "the schema registry's password",
    target: (p) => (p.registry?.url ? `schema registry ${p.registry.url}` : null),
    typed: (draft) => draft.registry?.password,
    stored: (p) => p.registry?.hasPassword === true,
    withStored: (p, stored) => (p.registry ? { ...p, registry: { ...p.registry, hasPassword: stored } } : p),
  },
  open: (profile, password, registryPassword) => new KafkaAdapter(profile, password, registryPassword ?? null),
};
