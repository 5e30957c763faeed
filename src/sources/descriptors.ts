import type { ConnectionSummary } from '../model/connections';
import type { SourceDescriptor, SourceKind } from './descriptor';
import { kafkaDescriptor } from './kafka/descriptor';
import { lookDescriptor, plainLook } from './look-descriptor';
import { rabbitDescriptor } from './rabbitmq/descriptor';
import { redisDescriptor } from './redis/descriptor';
import { storeDescriptor } from './store/descriptor';

/** Every built-in kind of source, as the renderer draws it; the form offers them in this order. */
export const descriptors: readonly SourceDescriptor[] = [kafkaDescriptor, rabbitDescriptor, redisDescriptor, storeDescriptor];

const byKind = new Map<SourceKind, SourceDescriptor>(descriptors.map((d) => [d.kind, d]));

/** A kind's descriptor: built in, learned from a registered source's look, or plain until it is. */
export function describe(kind: SourceKind): SourceDescriptor {
  return byKind.get(kind) ?? lookDescriptor(plainLook(kind));
}

/** Learns the looks registered sources send with their connections. */
export function learnLooks(connections: readonly ConnectionSummary[]): void {
  for (const c of connections) if (c.look && !descriptors.some((d) => d.kind === c.kind)) byKind.set(c.kind, lookDescriptor(c.look));
}
