import type { ConnectionDraft, ConnectionProfile } from './profiles';
import type { ConnectionSummary } from '../model/connections';
import type { RegisteredSource, SourceModule } from './source-module';
import { kafkaSource } from './kafka/kafka-source';
import { rabbitSource } from './rabbitmq/rabbit-source';
import { redisSource } from './redis/redis-source';
import { storeSource } from './store/store-source';

/** Every kind of source Rewind can connect to: adding one is a folder and a line here. */
const modules: { [K in ConnectionProfile['kind']]: SourceModule<Extract<ConnectionProfile, { kind: K }>> } = {
  kafka: kafkaSource,
  rabbitmq: rabbitSource,
  redis: redisSource,
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

const registered: RegisteredSource[] = [];

/** Adds a source at run time; its kind must be new. */
export function registerSource(source: RegisteredSource): void {
  if (Object.hasOwn(modules, source.look.kind) || registered.some((r) => r.look.kind === source.look.kind)) throw new Error(`A source of kind ${source.look.kind} is registered already`);
  registered.push(source);
}

/** The connections registered sources offer, as the sidebar lists them. */
export function registeredConnections(): ConnectionSummary[] {
  return registered.flatMap((s) => s.connections().map((c) => ({ ...c, kind: s.look.kind, removable: false, look: s.look })));
}

/** The registered source that offers this connection, if one does. */
export function registeredSourceOf(connectionId: string): RegisteredSource | null {
  return registered.find((s) => s.connections().some((c) => c.id === connectionId)) ?? null;
}
