import { Redis, type RedisOptions } from 'ioredis';
import type { RedisProfile } from './profile';
import { classifyRedisError } from './redis-errors';

/** How long a silent server is waited for: a desktop tool says so rather than hang. */
const CONNECT_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 20_000;

/** The ioredis options for a profile; BullMQ's Queue gets the same, so it reaches the same server as the same user. */
export function redisOptions(profile: RedisProfile, password: string | null): RedisOptions {
  return {
    host: profile.host,
    port: profile.port,
    db: profile.database,
    ...(profile.username ? { username: profile.username } : {}),
    ...(password ? { password } : {}),
    ...(profile.tls ? { tls: { servername: profile.host } } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    lazyConnect: true,
    // A dropped connection is tried again a few times, then every command fails with the cause.
    retryStrategy: (times) => (times > 3 ? null : Math.min(times * 250, 1_000)),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectionName: 'rewind',
  };
}

/**
 * One connection to a Redis server, opened on first use. Every failure becomes a RewindError
 * that names the address; a connection that ended is opened again on the next call.
 */
export class RedisConnection {
  private client: Redis | null = null;
  private opening: Promise<Redis> | null = null;
  readonly address: string;

  constructor(
    private readonly profile: RedisProfile,
    private readonly password: string | null,
  ) {
    this.address = `${profile.host}:${profile.port}`;
  }

  /** Runs `fn` with the open client; its errors come back classified. */
  async run<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = await this.open();
    try {
      return await fn(redis);
    } catch (e) {
      throw this.classify(e);
    }
  }

  classify(e: unknown) {
    return classifyRedisError(e, this.address, this.profile.tls);
  }

  options(): RedisOptions {
    return redisOptions(this.profile, this.password);
  }

  private async open(): Promise<Redis> {
    if (this.client && (this.client.status === 'ready' || this.client.status === 'connect')) return this.client;
    if (this.opening) return this.opening;
    this.opening = (async () => {
      this.client?.disconnect();
      const redis = new Redis(this.options());
      // Errors are reported through the commands that meet them; the event would otherwise crash the core.
      // While connecting, the event holds the cause (WRONGPASS) where connect() says only that it closed.
      let cause: unknown = null;
      redis.on('error', (e: unknown) => (cause ??= e));
      try {
        await redis.connect();
        await redis.ping();
      } catch (e) {
        redis.disconnect();
        throw this.classify(cause ?? e);
      }
      this.client = redis;
      return redis;
    })();
    try {
      return await this.opening;
    } finally {
      this.opening = null;
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.quit().catch(() => c.disconnect());
  }
}
