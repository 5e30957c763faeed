import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { REDIS_PORT } from '../tools/bull-workers';
import { KAFKA_PORT } from './brokers';
import { inMemoryClient } from './in-memory-client';

/** The core as a test drives it: its own data folder, the API in process, connections to the test brokers. */
export interface AppUnderTest {
  context: AppContext;
  client: RewindClient;
  kafka(name?: string): Promise<string>;
  rabbit(name?: string): Promise<string>;
  redis(database: number, name?: string): Promise<string>;
  close(): Promise<void>;
}

export function startApp(prefix: string): AppUnderTest {
  const dir = mkdtempSync(join(tmpdir(), `rewind-${prefix}-`));
  const context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  const client = inMemoryClient(context.handlers);
  return {
    context,
    client,
    kafka: async (name = 'k') => (await client.call('connections/save', { kind: 'kafka', name, host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id,
    rabbit: async (name = 'r') =>
      (await client.call('connections/save', { kind: 'rabbitmq', name, host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: '/', managementPort: 15672 })).id,
    redis: async (database, name = 'q') => (await client.call('connections/save', { kind: 'redis', name, host: '127.0.0.1', port: REDIS_PORT, tls: false, username: '', database, prefix: 'bull' })).id,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
