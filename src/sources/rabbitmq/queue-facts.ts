import { RewindError } from '../../model/errors';
import { toJson, type JsonValue } from './effective-settings';
import { ManagementDenied, type ManagementClient, type ManagementQueueDetail } from './management-client';
import { deadLetterTarget, queueProblems } from './queue-checks';
import { mapBinding, mapQueue, type VhostSnapshot } from './map-shapes';
import type { MapConsumer, MapDeadLetterLink, QueueFacts } from './rabbit-map-types';
import { nextSlice, sliceDue } from '../time-slices';

type Upstream = QueueFacts['feeds']['upstream'][number];

/** Exchanges that feed `exchanges`, transitively: by exchange-to-exchange bindings, or as their alternate's owner. */
function upstreamOf(start: string[], snapshot: VhostSnapshot): Upstream[] {
  const out: Upstream[] = [];
  const seen = new Set(start);
  const queue = [...start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const to = name;
    for (const b of snapshot.topology.bindings) {
      if (b.destinationType !== 'exchange' || b.destination !== to) continue;
      out.push({ exchange: b.source, to, via: 'binding', routingKey: b.routingKey });
      if (!seen.has(b.source)) {
        seen.add(b.source);
        queue.push(b.source);
      }
    }
    for (const x of snapshot.topology.exchanges) {
      if (x.alternate !== to) continue;
      out.push({ exchange: x.name, to, via: 'alternate', routingKey: null });
      if (!seen.has(x.name)) {
        seen.add(x.name);
        queue.push(x.name);
      }
    }
  }
  return out;
}

/** Each consumer with its connection's client properties, when this user may read that connection. */
async function consumersOf(detail: ManagementQueueDetail, management: ManagementClient, missing: string[], signal: AbortSignal): Promise<MapConsumer[]> {
  const consumers = detail.consumer_details ?? [];
  const names = [...new Set(consumers.flatMap((c) => (Array.isArray(c.channel_details) ? [] : [c.channel_details.connection_name])))];
  const properties = new Map<string, Record<string, JsonValue> | null>();
  let denied: string | null = null;
  await Promise.all(
    names.map(async (name) => {
      try {
        const c = await management.connection(name, signal);
        properties.set(name, Object.fromEntries(Object.entries(c.client_properties ?? {}).map(([k, v]) => [k, toJson(v)])));
      } catch (e) {
        if (e instanceof ManagementDenied) denied = e.reason;
        else if (!(e instanceof RewindError && e.code === 'not_found')) throw e;
        // A connection that closed meanwhile (404) simply has no properties to show.
        properties.set(name, null);
      }
    }),
  );
  if (denied !== null) missing.push(`client properties of other users' connections (needs the monitoring tag): ${denied}`);
  return consumers.map((c) => {
    const ch = Array.isArray(c.channel_details) ? null : c.channel_details;
    return {
      tag: c.consumer_tag,
      channel: ch?.name ?? '(closed)',
      connection: ch?.connection_name ?? '(closed)',
      user: ch?.user ?? null,
      prefetch: c.prefetch_count,
      ackMode: c.ack_required ? 'manual' : 'automatic',
      exclusive: c.exclusive ?? false,
      active: c.active ?? true,
      clientProperties: ch ? (properties.get(ch.connection_name) ?? null) : null,
    };
  });
}

/** One queue's page: its facts, who feeds it, where its dead letters go, and the classic mistakes. */
export async function queueFacts(snapshot: VhostSnapshot, name: string, management: ManagementClient, signal: AbortSignal): Promise<QueueFacts> {
  const listed = snapshot.queues.find((q) => q.name === name);
  if (!listed) throw new RewindError('not_found', `No queue ${name} in vhost ${snapshot.vhost}`, 'It may have been deleted; reload the map.');
  const missing = [...snapshot.missing];
  const detail = await management.queue(snapshot.vhost, name, signal);
  const queue = mapQueue(detail, snapshot.operatorPolicies);
  const consumers = await consumersOf(detail, management, missing, signal);
  // The default exchange's implicit binding is left out, as in the topology.
  const bindings = snapshot.bindings.filter((b) => b.source !== '' && b.destination_type === 'queue' && b.destination === name).map(mapBinding);
  const upstream = upstreamOf([...new Set(bindings.map((b) => b.source))], snapshot);
  const to = deadLetterTarget(name, queue.effective, snapshot.topology);
  const from: MapDeadLetterLink[] = [];
  for (const q of snapshot.queues) {
    if (q.name === name) continue;
    // In slices: every queue of the vhost, each with its effective settings and its DLX's routes.
    if (sliceDue()) await nextSlice();
    const other = mapQueue(q, snapshot.operatorPolicies);
    const target = deadLetterTarget(q.name, other.effective, snapshot.topology);
    if (target?.to.includes(name)) from.push({ from: q.name, ...target });
  }
  return {
    queue,
    consumers,
    feeds: { bindings, upstream },
    deadLetters: { to, from },
    problems: queueProblems(name, queue.effective, snapshot.topology, to),
    missing,
  };
}
