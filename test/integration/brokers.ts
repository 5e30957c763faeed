import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { RewindError } from '../../src/model/errors';
import { defaultStreamPort, type RabbitProfile } from '../../src/sources/rabbitmq/profile';
import { type KafkaProfile } from '../../src/sources/kafka/profile';
import type { Envelope } from '../../src/model/envelope';
import type { ReadOptions, SourceAdapter } from '../../src/sources/source-adapter';

export const KAFKA_PORT = Number(process.env.REWIND_KAFKA_PORT ?? 19092);
export const KAFKA_SASL_PORT = KAFKA_PORT + 2;
export const KAFKA_BOOTSTRAP = `127.0.0.1:${KAFKA_PORT}`;
export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** Every test names what it creates with a random suffix, so runs never collide. */
export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export function kafkaProfile(overrides: Partial<KafkaProfile> = {}): KafkaProfile {
  return {
    id: unique('k'),
    kind: 'kafka',
    name: 'test kafka',
    host: '127.0.0.1',
    port: KAFKA_PORT,
    tls: false,
    sasl: 'none',
    username: '',
    hasPassword: false,
    ...overrides,
  };
}

export function rabbitProfile(overrides: Partial<RabbitProfile> = {}): RabbitProfile {
  return {
    id: unique('r'),
    kind: 'rabbitmq',
    name: 'test rabbit',
    host: '127.0.0.1',
    port: 5672,
    tls: false,
    username: 'guest',
    hasPassword: true,
    vhost: '/',
    managementPort: 15672,
    streamPort: defaultStreamPort(overrides.tls ?? false),
    streamWithoutTls: false,
    ...overrides,
  };
}

/** Awaits a promise that must fail with a RewindError, and returns that error. */
export async function failure(promise: Promise<unknown>): Promise<RewindError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RewindError);
  return e as RewindError;
}

/** Runs a range read and collects what it streamed. */
export async function readAll(adapter: SourceAdapter, options: Pick<ReadOptions, 'target' | 'from' | 'limit'>) {
  const items: Envelope[] = [];
  const summary = await adapter.read({
    ...options,
    signal: new AbortController().signal,
    onBatch: (batch) => items.push(...batch),
    onProgress: () => undefined,
  });
  return { items, summary };
}
