import type { ConnectionDraft, ConnectionProfile } from '../model/connections';
import type { SourceModule } from './source-module';
import { kafkaSource } from './kafka/kafka-source';
import { rabbitSource } from './rabbitmq/rabbit-source';
import { storeSource } from './store/store-source';

/** Every kind of source Rewind can connect to: adding one is a folder and a line here. */
const modules: { [K in ConnectionProfile['kind']]: SourceModule<Extract<ConnectionProfile, { kind: K }>> } = {
  kafka: kafkaSource,
  rabbitmq: rabbitSource,
  store: storeSource,
};

/** The module for a profile or draft's kind. */
export function sourceModule(of: Pick<ConnectionProfile | ConnectionDraft, 'kind'>): SourceModule {
  return modules[of.kind] as SourceModule;
}

/** A saved profile as an older Rewind wrote it, brought up to date by its kind's module. */
export function upgradeProfile(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const kind = (raw as { kind?: unknown }).kind;
  const module = typeof kind === 'string' && Object.hasOwn(modules, kind) ? modules[kind as ConnectionProfile['kind']] : null;
  return module?.upgrade ? module.upgrade(raw as Record<string, unknown>) : raw;
}
