import { describe, expect, it } from 'vitest';
import { deathOf } from '../../src/model/dead-letters';
import type { Envelope } from '../../src/model/envelope';

const envelope = (source: Envelope['source'], headers: Record<string, string>): Envelope => ({
  source,
  resource: 'x',
  partition: null,
  position: '1',
  id: null,
  type: null,
  timestamp: null, timestampType: null,
  key: null,
  headers: Object.entries(headers).map(([name, value]) => ({ name, value })),
  payload: { kind: 'empty' },
  correlationId: null,
  causationId: null,
  streamId: null,
  streamVersion: null,
});

describe('why a message died, from its headers', () => {
  it('reads RabbitMQ x-death: first reason and queue, deliveries summed, the time', () => {
    const d = deathOf(
      envelope('rabbitmq', {
        'x-death': JSON.stringify([
          { count: 2, reason: 'expired', queue: 'retry', time: { '!': 'timestamp', value: 1_790_000_000 } },
          { count: 1, reason: 'rejected', queue: 'orders', time: { '!': 'timestamp', value: 1_780_000_000 } },
        ]),
        'x-first-death-reason': 'rejected',
        'x-first-death-queue': 'orders',
      }),
    );
    expect(d).toEqual({ reason: 'rejected', origin: 'orders', attempts: 3, at: new Date(1_790_000_000_000).toISOString() });
  });

  it('reads Spring Kafka and Kafka Connect dead-letter headers', () => {
    expect(deathOf(envelope('kafka', { 'kafka_dlt-exception-fqcn': 'java.lang.IllegalStateException', 'kafka_dlt-exception-message': 'boom', 'kafka_dlt-original-topic': 'payments' }))).toEqual({
      reason: 'java.lang.IllegalStateException: boom',
      origin: 'payments',
      attempts: null,
      at: null,
    });
    expect(deathOf(envelope('kafka', { '__connect.errors.exception.message': 'bad json', '__connect.errors.topic': 'ingest' }))).toMatchObject({ reason: 'bad json', origin: 'ingest' });
  });

  it('says nothing when a message carries no cause', () => {
    expect(deathOf(envelope('kafka', { 'content-type': 'json' }))).toEqual({ reason: null, origin: null, attempts: null, at: null });
    expect(deathOf(envelope('rabbitmq', { 'x-death': 'not json', 'x-first-death-reason': 'maxlen' }))).toMatchObject({ reason: 'maxlen', attempts: null });
  });
});
