import { describe, expect, it } from 'vitest';
import { deathOf } from '../../src/model/dead-letters';
import type { Envelope, Header } from '../../src/model/envelope';

const envelope = (source: Envelope['source'], headers: (Header | [string, string])[]): Envelope => ({
  source,
  resource: 'x',
  partition: null,
  position: '1',
  id: null,
  type: null,
  timestamp: '2026-11-20T10:00:00.000Z',
  timestampType: null,
  key: null,
  headers: headers.map((h) => (Array.isArray(h) ? { name: h[0], value: h[1] } : h)),
  properties: [],
  payload: { kind: 'empty' },
  correlationId: null,
  causationId: null,
  streamId: null,
  streamVersion: null,
});

const bin = (name: string, bytes: number[]): Header => ({ name, value: Buffer.from(bytes).toString('base64'), binary: true });

describe('why a RabbitMQ message died, from x-death', () => {
  // As rabbit-envelope renders x-death: a table array with times as ISO strings, latest first.
  const twice = JSON.stringify([
    { count: 2, reason: 'expired', queue: 'orders.retry', exchange: 'retry-x', 'routing-keys': ['order.created', 'cc-key'], time: '2026-11-20T09:00:00.000Z', 'original-expiration': '5000' },
    { count: 1, reason: 'rejected', queue: 'orders', exchange: 'orders-x', 'routing-keys': ['order.created'], time: '2026-11-20T08:00:00.000Z' },
  ]);

  it('summarises from one entry, the latest, and shows the first death as the first', () => {
    const d = deathOf(
      envelope('rabbitmq', [
        ['x-death', twice],
        ['x-first-death-reason', 'rejected'],
        ['x-first-death-queue', 'orders'],
        ['x-first-death-exchange', 'orders-x'],
      ]),
    );
    expect(d).toMatchObject({ reason: 'expired', origin: 'orders.retry', attempts: 2, at: '2026-11-20T09:00:00.000Z' });
    expect(d.first).toEqual({ reason: 'rejected', queue: 'orders', exchange: 'orders-x' });
    expect(d.history).toEqual([
      { count: 2, reason: 'expired', queue: 'orders.retry', exchange: 'retry-x', routingKeys: ['order.created', 'cc-key'], time: '2026-11-20T09:00:00.000Z', originalExpiration: '5000' },
      { count: 1, reason: 'rejected', queue: 'orders', exchange: 'orders-x', routingKeys: ['order.created'], time: '2026-11-20T08:00:00.000Z', originalExpiration: null },
    ]);
  });

  it('says when x-death cannot be read, and keeps what the plain headers say', () => {
    const d = deathOf(
      envelope('rabbitmq', [
        ['x-death', 'not json'],
        ['x-first-death-reason', 'maxlen'],
      ]),
    );
    expect(d).toMatchObject({ reason: 'maxlen', attempts: null, history: [] });
    expect(d.problems[0]).toMatch(/x-death could not be read/);
  });
});

describe('why a Kafka record died, from Spring Kafka and Kafka Connect headers', () => {
  it("decodes Spring's binary headers: int32 partition, int64 offset and timestamp", () => {
    const d = deathOf(
      envelope('kafka', [
        ['kafka_dlt-original-topic', 'payments'],
        bin('kafka_dlt-original-partition', [0, 0, 0, 2]),
        bin('kafka_dlt-original-offset', [0, 0, 0, 0, 0, 0, 0x30, 0x39]),
        bin('kafka_dlt-original-timestamp', [0, 0, 0x01, 0x9a, 0xa1, 0x8b, 0x5c, 0x00]),
        ['kafka_dlt-original-consumer-group', 'billing'],
        ['kafka_dlt-exception-fqcn', 'org.springframework.kafka.listener.ListenerExecutionFailedException'],
        ['kafka_dlt-exception-cause-fqcn', 'java.lang.IllegalStateException'],
        ['kafka_dlt-exception-message', 'boom'],
        ['kafka_dlt-exception-stacktrace', 'java.lang.IllegalStateException: boom\n\tat A.b(A.java:1)'],
      ]),
    );
    expect(d.kafka).toEqual({
      convention: 'spring',
      topic: 'payments',
      partition: 2,
      offset: '12345',
      timestamp: new Date(0x019aa18b5c00).toISOString(),
      group: 'billing',
      exceptionClass: 'org.springframework.kafka.listener.ListenerExecutionFailedException',
      causeClass: 'java.lang.IllegalStateException',
      message: 'boom',
      stackTrace: 'java.lang.IllegalStateException: boom\n\tat A.b(A.java:1)',
    });
    expect(d).toMatchObject({ reason: 'org.springframework.kafka.listener.ListenerExecutionFailedException: boom', origin: 'payments', problems: [] });
  });

  it('reads the text forms older versions and hand-written producers use', () => {
    const d = deathOf(
      envelope('kafka', [
        ['kafka_dlt-original-topic', 'orders'],
        ['kafka_dlt-original-partition', '7'],
        ['kafka_dlt-original-offset', '9007199254740993'],
      ]),
    );
    expect(d.kafka).toMatchObject({ partition: 7, offset: '9007199254740993' });
  });

  it('says which header could not be read', () => {
    const d = deathOf(envelope('kafka', [['kafka_dlt-original-topic', 'orders'], bin('kafka_dlt-original-partition', [0, 2, 3])]));
    expect(d.kafka?.partition).toBeNull();
    expect(d.problems).toEqual(['kafka_dlt-original-partition is 3 bytes, not a 4-byte integer']);
  });

  it('reads Kafka Connect dead-letter headers', () => {
    const d = deathOf(
      envelope('kafka', [
        ['__connect.errors.topic', 'ingest'],
        ['__connect.errors.partition', '1'],
        ['__connect.errors.offset', '42'],
        ['__connect.errors.exception.class.name', 'org.apache.kafka.connect.errors.DataException'],
        ['__connect.errors.exception.message', 'bad json'],
        ['__connect.errors.connector.name', 'sink-1'],
      ]),
    );
    expect(d.kafka).toMatchObject({ convention: 'connect', topic: 'ingest', partition: 1, offset: '42', group: 'sink-1' });
    expect(d.reason).toBe('org.apache.kafka.connect.errors.DataException: bad json');
  });

  it('says nothing when a record carries no cause', () => {
    expect(deathOf(envelope('kafka', [['content-type', 'json']]))).toMatchObject({ reason: null, origin: null, kafka: null, history: [] });
  });
});
