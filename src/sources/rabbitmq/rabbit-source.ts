import { defaultStreamPort, type RabbitProfile } from './profile';
import type { SourceModule } from '../source-module';
import { RabbitAdapter } from './rabbit-adapter';

export const rabbitSource: SourceModule<RabbitProfile> = {
  kind: 'rabbitmq',
  profileFromDraft(draft, id, hasPassword) {
    const { password: _password, id: _id, ...rest } = draft;
    // A stream port left out is RabbitMQ's default; "without TLS" means something only with TLS on.
    return { ...rest, streamPort: rest.streamPort ?? defaultStreamPort(rest.tls), streamWithoutTls: rest.tls && rest.streamWithoutTls === true, id, hasPassword };
  },
  usesPassword: () => true,
  address: (p) => `${p.host}:${p.port}`,
  // RabbitMQ profiles from before the stream port get the port Rewind used for them.
  upgrade: (p) => ({ ...p, streamPort: p['streamPort'] ?? defaultStreamPort(p['tls'] === true), streamWithoutTls: p['streamWithoutTls'] ?? false }),
  open: (profile, password) => new RabbitAdapter(profile, password),
};
