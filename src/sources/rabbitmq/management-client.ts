import { z } from 'zod';
import { RewindError } from '../../model/errors';
import { classifySocketError } from '../connection-errors';
import { parseJsonInSlices } from '../json-in-slices';

const Overview = z.object({
  rabbitmq_version: z.string(),
  erlang_version: z.string().optional(),
  cluster_name: z.string().optional(),
  product_name: z.string().optional(),
});
const Vhost = z.object({ name: z.string() });
const Queue = z.object({
  name: z.string(),
  vhost: z.string(),
  type: z.string().optional(),
  messages: z.number().optional(),
  consumers: z.number().optional(),
  arguments: z.record(z.string(), z.unknown()).optional(),
  policy: z.string().nullable().optional(),
  effective_policy_definition: z
    .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .nullable()
    .optional(),
});
export type ManagementQueue = z.infer<typeof Queue>;

const Exchange = z.object({
  name: z.string(),
  vhost: z.string(),
  type: z.string(),
  durable: z.boolean().optional(),
  auto_delete: z.boolean().optional(),
  internal: z.boolean().optional(),
  arguments: z.record(z.string(), z.unknown()).optional(),
  policy: z.string().nullable().optional(),
});
export type ManagementExchange = z.infer<typeof Exchange>;

const Binding = z.object({
  source: z.string(),
  vhost: z.string(),
  destination: z.string(),
  destination_type: z.enum(['queue', 'exchange']),
  routing_key: z.string(),
  arguments: z.record(z.string(), z.unknown()).optional(),
});
export type ManagementBinding = z.infer<typeof Binding>;

const Policy = z.object({ name: z.string(), vhost: z.string(), pattern: z.string(), 'apply-to': z.string(), priority: z.number(), definition: z.record(z.string(), z.unknown()) });
export type ManagementPolicy = z.infer<typeof Policy>;

const Rate = z.object({ rate: z.number() }).optional();
const MessageStats = z.object({ publish_details: Rate, deliver_get_details: Rate, ack_details: Rate, redeliver_details: Rate }).partial().optional();
const PolicyDefinition = z
  .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .nullable()
  .optional();

const MapQueue = z.object({
  name: z.string(),
  vhost: z.string(),
  type: z.string().optional(),
  durable: z.boolean().optional(),
  auto_delete: z.boolean().optional(),
  exclusive: z.boolean().optional(),
  messages: z.number().optional(),
  messages_ready: z.number().optional(),
  messages_unacknowledged: z.number().optional(),
  consumers: z.number().optional(),
  arguments: z.record(z.string(), z.unknown()).optional(),
  policy: z.string().nullable().optional(),
  operator_policy: z.string().nullable().optional(),
  effective_policy_definition: PolicyDefinition,
  message_stats: MessageStats,
});
export type ManagementMapQueue = z.infer<typeof MapQueue>;
const MAP_QUEUE_COLUMNS = [
  'name',
  'vhost',
  'type',
  'durable',
  'auto_delete',
  'exclusive',
  'messages',
  'messages_ready',
  'messages_unacknowledged',
  'consumers',
  'arguments',
  'policy',
  'operator_policy',
  'effective_policy_definition',
  'message_stats.publish_details.rate',
  'message_stats.deliver_get_details.rate',
].join(',');

const ChannelDetails = z.object({
  name: z.string(),
  connection_name: z.string(),
  number: z.number().optional(),
  user: z.string().optional(),
  peer_host: z.string().optional(),
  peer_port: z.number().optional(),
});
const Consumer = z.object({
  consumer_tag: z.string(),
  ack_required: z.boolean(),
  prefetch_count: z.number(),
  exclusive: z.boolean().optional(),
  active: z.boolean().optional(),
  arguments: z.record(z.string(), z.unknown()).optional(),
  channel_details: z.union([ChannelDetails, z.array(z.unknown())]),
});
const QueueDetail = MapQueue.extend({ consumer_details: z.array(Consumer).optional() });
export type ManagementQueueDetail = z.infer<typeof QueueDetail>;

const WhoAmI = z.object({ name: z.string(), tags: z.union([z.array(z.string()), z.string()]) });

const Connection = z.object({
  name: z.string(),
  user: z.string().optional(),
  vhost: z.string().optional(),
  state: z.string().optional(),
  channels: z.number().optional(),
  peer_host: z.string().optional(),
  peer_port: z.number().optional(),
  protocol: z.string().optional(),
  connected_at: z.number().optional(),
  client_properties: z.record(z.string(), z.unknown()).optional(),
});
export type ManagementConnection = z.infer<typeof Connection>;
const CONNECTION_COLUMNS = 'name,user,vhost,state,channels,peer_host,peer_port,protocol,connected_at,client_properties';

/** The management API refused one request for want of a tag or a permission: callers may carry on without it. */
export class ManagementDenied extends RewindError {
  constructor(
    message: string,
    readonly reason: string,
    hint: string,
  ) {
    super('auth', message, hint);
  }
}

function reasonOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { reason?: unknown };
    return typeof parsed.reason === 'string' ? parsed.reason : body;
  } catch {
    return body;
  }
}

/** The vhost a management path names (its second segment), for messages. */
function vhostOf(path: string): string {
  const segment = path.split('?')[0]?.split('/')[2];
  return segment === undefined ? '?' : decodeURIComponent(segment);
}

export interface ManagementOptions {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
}

/** The RabbitMQ management HTTP API: what AMQP itself cannot tell (vhosts, queues, versions). */
export class ManagementClient {
  private readonly base: string;
  private readonly auth: string;

  constructor(private readonly options: ManagementOptions) {
    const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
    this.base = `${options.tls ? 'https' : 'http'}://${host}:${options.port}/api`;
    this.auth = 'Basic ' + Buffer.from(`${options.username}:${options.password}`).toString('base64');
  }

  overview(signal: AbortSignal) {
    return this.get('/overview', Overview, signal);
  }

  vhosts(signal: AbortSignal) {
    return this.get('/vhosts?columns=name', z.array(Vhost), signal);
  }

  queues(signal: AbortSignal) {
    return this.get('/queues?columns=name,vhost,type,messages,consumers,arguments,policy,effective_policy_definition', z.array(Queue), signal);
  }

  exchanges(vhost: string, signal: AbortSignal) {
    return this.get(`/exchanges/${encodeURIComponent(vhost)}?columns=name,vhost,type,durable,auto_delete,internal,arguments,policy`, z.array(Exchange), signal);
  }

  bindings(vhost: string, signal: AbortSignal) {
    return this.get(`/bindings/${encodeURIComponent(vhost)}`, z.array(Binding), signal);
  }

  policies(vhost: string, signal: AbortSignal) {
    return this.get(`/policies/${encodeURIComponent(vhost)}`, z.array(Policy), signal);
  }

  /** One vhost's queues with what a map shows (rates included), in one request. */
  vhostQueues(vhost: string, signal: AbortSignal) {
    return this.get(`/queues/${encodeURIComponent(vhost)}?columns=${MAP_QUEUE_COLUMNS}`, z.array(MapQueue), signal);
  }

  /** One queue with its consumers (channel, prefetch, ack mode) and rates. */
  queue(vhost: string, name: string, signal: AbortSignal) {
    return this.get(`/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(name)}`, QueueDetail, signal);
  }

  /** Bindings with only the columns the map uses: less JSON for the broker to write on a big vhost. */
  vhostBindings(vhost: string, signal: AbortSignal) {
    return this.get(`/bindings/${encodeURIComponent(vhost)}?columns=source,vhost,destination,destination_type,routing_key,arguments`, z.array(Binding), signal);
  }

  operatorPolicies(vhost: string, signal: AbortSignal) {
    return this.get(`/operator-policies/${encodeURIComponent(vhost)}`, z.array(Policy), signal);
  }

  whoami(signal: AbortSignal) {
    return this.get('/whoami', WhoAmI, signal);
  }

  /** Connections this user may see: all of them with the monitoring tag, only its own without. */
  connections(signal: AbortSignal) {
    return this.get(`/connections?columns=${CONNECTION_COLUMNS}`, z.array(Connection), signal);
  }

  connection(name: string, signal: AbortSignal) {
    return this.get(`/connections/${encodeURIComponent(name)}`, Connection, signal);
  }

  private async get<T extends z.ZodType>(path: string, schema: T, signal: AbortSignal): Promise<z.infer<T>> {
    const address = `${this.options.host}:${this.options.port}`;
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        headers: { authorization: this.auth, accept: 'application/json' },
        signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
      });
    } catch (e) {
      if (signal.aborted) throw new RewindError('cancelled', 'Cancelled');
      const socket = classifySocketError(e, address, this.options.tls);
      const reason = socket?.message ?? (e as Error).message;
      // Nothing listening (or no answer) may be a plugin not enabled; an unknown host or a TLS mismatch is not.
      const pluginMayBeOff = !socket || socket.code === 'timeout' || /^Nothing is listening/.test(socket.message);
      throw new RewindError(
        socket?.code ?? 'network',
        `Management API at ${address}: ${reason}`,
        pluginMayBeOff ? 'Enable the rabbitmq_management plugin and check the management port (default 15672).' : socket.hint,
      );
    }
    if (response.status === 401 || response.status === 403) {
      // RabbitMQ answers 401 to a wrong password and to a user without a management tag; its reason tells them apart.
      const reason = await response.text().catch(() => '');
      const said = reasonOf(reason);
      if (/not authorised to access virtual host/i.test(said)) {
        throw new ManagementDenied(
          `${this.options.username} may not use vhost ${vhostOf(path)} (the management API answered ${response.status}: ${said})`,
          said,
          'Grant the user permissions on this vhost, or pick another vhost.',
        );
      }
      if (/Not (monitor|administrator|policymaker) user|not authorised to access object/i.test(said)) {
        throw new ManagementDenied(
          `The management API refused ${this.options.username} ${path.split('?')[0]} (${response.status}: ${said})`,
          said,
          'Give the user the "monitoring" tag to see every connection and consumer.',
        );
      }
      if (/Not management user/i.test(reason)) {
        throw new RewindError(
          'auth',
          `The management API refused ${this.options.username}: the user has no "management" tag (401)`,
          'Give the user the "management" tag (or "monitoring" / "administrator") so Rewind can list queues.',
        );
      }
      throw new RewindError('auth', 'The management API refused the user name or password (401)', 'Check the user name and password.');
    }
    if (!response.ok) {
      throw new RewindError(response.status === 404 ? 'not_found' : 'internal', `Management API answered ${response.status} for ${path}`);
    }
    // In slices: a vhost's bindings can be 4 MB of JSON.
    const parsed = await parseJsonInSlices(Buffer.from(await response.arrayBuffer()), schema);
    if (!parsed.success) throw new RewindError('internal', `Unexpected answer from the management API for ${path}`);
    return parsed.data;
  }
}
