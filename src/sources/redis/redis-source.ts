import type { RedisProfile } from './profile';
import type { SourceModule } from '../source-module';
import { RedisAdapter } from './redis-adapter';

export const redisSource: SourceModule<RedisProfile> = {
  kind: 'redis',
  profileFromDraft(draft, id, hasPassword) {
    const { password: _password, id: _id, ...rest } = draft;
    return { ...rest, id, hasPassword };
  },
  // Optional: Redis without requirepass or an ACL user takes none, and an empty one is not sent.
  usesPassword: () => true,
  address: (p) => `${p.host}:${p.port}${p.database ? `/${p.database}` : ''}`,
  open: (profile, password) => new RedisAdapter(profile, password),
};
