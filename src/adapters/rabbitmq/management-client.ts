import { z } from 'zod';
import { RewindError } from '../../api/errors';
import { classifySocketError } from '../connection-errors';

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
    return this.get(`/exchanges/${encodeURIComponent(vhost)}?columns=name,vhost,type,internal,arguments,policy`, z.array(Exchange), signal);
  }

  bindings(vhost: string, signal: AbortSignal) {
    return this.get(`/bindings/${encodeURIComponent(vhost)}`, z.array(Binding), signal);
  }

  policies(vhost: string, signal: AbortSignal) {
    return this.get(`/policies/${encodeURIComponent(vhost)}`, z.array(Policy), signal);
  }

  private async get<T extends z.ZodType>(path: string, schema: T, signal: AbortSignal): Promise<z.infer<T>> {
    const address = `${this.options.host}:${this.options.port}`;
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        headers: { authorization: this.auth, accept: 'application/json' },
        signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
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
    if (response.status === 401) {
      // RabbitMQ answers 401 to a wrong password and to a user without a management tag; its reason tells them apart.
      const reason = await response.text().catch(() => '');
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
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new RewindError('internal', `Unexpected answer from the management API for ${path}`);
    return parsed.data;
  }
}
