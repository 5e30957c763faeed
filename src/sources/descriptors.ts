import type { SourceDescriptor, SourceKind } from './descriptor';
import { kafkaDescriptor } from './kafka/descriptor';
import { rabbitDescriptor } from './rabbitmq/descriptor';
import { storeDescriptor } from './store/descriptor';

/** Every kind of source, as the renderer draws it; the form offers them in this order. */
export const descriptors: readonly SourceDescriptor[] = [kafkaDescriptor, rabbitDescriptor, storeDescriptor];

const byKind = new Map(descriptors.map((d) => [d.kind, d]));

export function describe(kind: SourceKind): SourceDescriptor {
  const d = byKind.get(kind);
  if (!d) throw new Error(`No source descriptor for ${kind}`);
  return d;
}
