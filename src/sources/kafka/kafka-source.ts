import type { KafkaProfile } from './profile';
import type { SourceModule } from '../source-module';
import { KafkaAdapter } from './kafka-adapter';

export const kafkaSource: SourceModule<KafkaProfile> = {
  kind: 'kafka',
  profileFromDraft(draft, id, hasPassword) {
    const { password: _password, id: _id, ...rest } = draft;
    // Without SASL there is no user and no password to keep.
    return rest.sasl === 'none' ? { ...rest, username: '', id, hasPassword: false } : { ...rest, id, hasPassword };
  },
  usesPassword: (p) => p.sasl !== 'none',
  address: (p) => `${p.host}:${p.port}`,
  open: (profile, password) => new KafkaAdapter(profile, password),
};
