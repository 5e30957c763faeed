import { performance } from 'node:perf_hooks';
import type { Channel, ChannelModel } from 'amqplib';
import { RewindError } from '../../model/errors';
import { toJson } from './effective-settings';
import { ManagementDenied, type ManagementClient } from './management-client';
import { mapBinding, mapExchange, mapPolicy, mapQueue, type VhostSnapshot } from './map-shapes';
import { deadLetterTarget } from './queue-checks';
import { queueFacts } from './queue-facts';
import type { BrokerConnection, MapDeadLetterLink, QueueFacts, RouteAnswer, TopologyPage, TopologyQuery } from './rabbit-map-types';
import { explainRoute } from './routing';
import { toTopology } from './topology';
import { filterInSlices, mapInSlices, nextSlice, sliceDue } from '../time-slices';

/** What the map needs from the RabbitMQ adapter. */
export interface RabbitMapAccess {
  management: ManagementClient;
  connectTo(vhost: string): Promise<ChannelModel>;
  fail(e: unknown): RewindError;
}

/** A request the user may not make becomes a line in `missing`; anything else still fails. */
async function optional<T>(what: string, missing: string[], read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (e) {
    if (!(e instanceof ManagementDenied)) throw e;
    missing.push(`${what}: ${e.reason}`);
    return null;
  }
}

/** RabbitMQ as a map: a vhost's topology, where a publish would go, and the queue tools. */
export class RabbitMap {
  constructor(private readonly rabbit: RabbitMapAccess) {}

  async snapshot(vhost: string, signal: AbortSignal): Promise<VhostSnapshot> {
    const m = this.rabbit.management;
    const missing: string[] = [];
    // One round in parallel: on a 5,000-queue vhost the bindings dominate (about a second).
    const [exchanges, queues, bindings, policies, operatorPolicies] = await Promise.all([
      m.exchanges(vhost, signal),
      m.vhostQueues(vhost, signal),
      m.vhostBindings(vhost, signal),
      optional('policies', missing, m.policies(vhost, signal)),
      optional('operator policies', missing, m.operatorPolicies(vhost, signal)),
    ]);
    const topology = await toTopology(vhost, exchanges, queues, bindings, policies ?? []);
    return { vhost, exchanges, queues, bindings, policies: policies ?? [], operatorPolicies, missing, topology };
  }

  async topology(query: TopologyQuery, signal: AbortSignal): Promise<TopologyPage> {
    const started = performance.now();
    const s = await this.snapshot(query.vhost, signal);
    const needle = query.filter?.trim().toLowerCase() ?? '';
    const hit = (name: string) => needle === '' || name.toLowerCase().includes(needle);
    // Everything below runs in slices (time-slices.ts): 5,000 queues, each with its effective
    // settings and where its dead letters go, and 20,000 bindings held the core for seconds.
    const allBindings = query.includeDefaultBindings ? s.bindings : await filterInSlices(s.bindings, (b) => b.source !== '');
    // One collator for the sort: localeCompare builds one per call.
    const byName = new Intl.Collator().compare;
    const exchanges = (await filterInSlices(s.exchanges, (x) => hit(x.name))).sort((a, b) => byName(a.name, b.name));
    const queues = (await filterInSlices(s.queues, (q) => hit(q.name))).sort((a, b) => byName(a.name, b.name));
    const bindings = await filterInSlices(allBindings, (b) => hit(b.source) || hit(b.destination));
    const page = <T>(list: T[]) => list.slice(query.offset, query.offset + query.limit);
    const mapped = new Map((await mapInSlices(s.queues, (q) => mapQueue(q, s.operatorPolicies))).map((q) => [q.name, q]));
    const shownQueues = page(queues).map((q) => mapped.get(q.name) ?? mapQueue(q, s.operatorPolicies));
    const links: MapDeadLetterLink[] = [];
    for (const q of mapped.values()) {
      if (sliceDue()) await nextSlice();
      const target = deadLetterTarget(q.name, q.effective, s.topology);
      if (target && (hit(q.name) || target.to.some(hit) || hit(target.exchange))) links.push({ from: q.name, ...target });
    }
    return {
      vhost: query.vhost,
      exchanges: await mapInSlices(page(exchanges), (x) => mapExchange(x, s.topology)),
      queues: shownQueues,
      bindings: await mapInSlices(page(bindings), mapBinding),
      policies: [...s.policies.map((p) => mapPolicy(p, false)), ...(s.operatorPolicies ?? []).map((p) => mapPolicy(p, true))],
      deadLetterLinks: links,
      totals: { exchanges: s.exchanges.length, queues: s.queues.length, bindings: allBindings.length },
      matched: { exchanges: exchanges.length, queues: queues.length, bindings: bindings.length },
      more: [exchanges, queues, bindings].some((l) => l.length > query.offset + query.limit),
      missing: s.missing,
      elapsedMs: performance.now() - started,
    };
  }

  async route(vhost: string, exchange: string, routingKey: string, headers: Record<string, unknown>, signal: AbortSignal): Promise<RouteAnswer> {
    const s = await this.snapshot(vhost, signal);
    const r = explainRoute(s.topology, { exchange, routingKey, headers });
    if (!r.ok) {
      const missing = /does not exist/.test(r.error);
      throw new RewindError(missing ? 'not_found' : 'invalid_input', `${r.error} (vhost ${vhost})`, missing ? 'Pick an exchange that exists.' : 'Publish to an exchange bound to it instead.');
    }
    const unsupported = r.unsupported ?? [];
    const note =
      unsupported.length > 0
        ? `${unsupported.join(', ')} ${unsupported.length === 1 ? 'is a plugin exchange type' : 'are plugin exchange types'} Rewind cannot simulate: the broker may route further than shown.`
        : r.routes.length === 0
          ? 'unroutable: it would be dropped, or returned if mandatory'
          : null;
    const routes = r.routes.map((x) => ({
      queue: x.queue,
      path: x.path,
      hops: x.hops.map(({ bindingArguments, ...hop }) => (bindingArguments ? { ...hop, bindingArguments: Object.fromEntries(Object.entries(bindingArguments).map(([k, v]) => [k, toJson(v)])) } : hop)),
    }));
    return { routes, unroutable: r.routes.length === 0 && unsupported.length === 0, note, unsupported };
  }

  async queue(vhost: string, name: string, signal: AbortSignal): Promise<QueueFacts> {
    return queueFacts(await this.snapshot(vhost, signal), name, this.rabbit.management, signal);
  }

  /** Who is connected: every connection with the monitoring tag, only the user's own without it (then said in `missing`). */
  async connections(signal: AbortSignal): Promise<{ connections: BrokerConnection[]; missing: string[] }> {
    const m = this.rabbit.management;
    const [list, me] = await Promise.all([m.connections(signal), m.whoami(signal)]);
    const tags = Array.isArray(me.tags) ? me.tags : me.tags.split(',').map((t) => t.trim());
    const missing = tags.some((t) => t === 'monitoring' || t === 'administrator')
      ? []
      : [`other users' connections: ${me.name} has no "monitoring" tag, so the broker lists only its own (tags: ${tags.join(', ') || 'none'})`];
    const connections = list
      .map((c): BrokerConnection => {
        const props = Object.fromEntries(Object.entries(c.client_properties ?? {}).map(([k, v]) => [k, toJson(v)]));
        return {
          name: c.name,
          clientName: typeof props.connection_name === 'string' ? props.connection_name : null,
          user: c.user ?? null,
          vhost: c.vhost ?? null,
          state: c.state ?? null,
          channels: c.channels ?? null,
          peer: c.peer_host !== undefined && c.peer_port !== undefined ? `${c.peer_host}:${c.peer_port}` : null,
          protocol: c.protocol ?? null,
          connectedAt: c.connected_at !== undefined ? new Date(c.connected_at).toISOString() : null,
          clientProperties: props,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    return { connections, missing };
  }

  /**
   * Purges over AMQP, so it works without the management plugin; the broker says how many it
   * removed. A missing queue is said as such (a passive declare) rather than purged as nothing.
   */
  async purge(vhost: string, queue: string): Promise<{ purged: number }> {
    return this.withChannel(vhost, async (ch) => {
      await ch.checkQueue(queue);
      return { purged: (await ch.purgeQueue(queue)).messageCount };
    });
  }

  async deleteQueue(vhost: string, queue: string): Promise<{ messages: number }> {
    return this.withChannel(vhost, async (ch) => {
      await ch.checkQueue(queue);
      return { messages: (await ch.deleteQueue(queue)).messageCount };
    });
  }

  async deleteExchange(vhost: string, exchange: string): Promise<void> {
    if (exchange === '' || exchange.startsWith('amq.')) throw new RewindError('invalid_input', `${exchange || 'The default exchange'} is built into RabbitMQ and cannot be deleted`);
    await this.withChannel(vhost, async (ch) => {
      await ch.checkExchange(exchange);
      await ch.deleteExchange(exchange);
    });
  }

  private async withChannel<T>(vhost: string, work: (ch: Channel) => Promise<T>): Promise<T> {
    const conn = await this.rabbit.connectTo(vhost);
    try {
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      return await work(ch);
    } catch (e) {
      throw this.rabbit.fail(e);
    } finally {
      await conn.close().catch(() => undefined);
    }
  }
}
