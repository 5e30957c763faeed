import { describe, expect, it } from 'vitest';
import { deathGroup, deathOf, maskIds } from '../../src/model/dead-letters';
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
      connector: null,
      taskId: null,
      stage: null,
      failingClass: null,
      rootCause: { className: 'java.lang.IllegalStateException', message: 'boom' },
    });
    // The summary is the root cause, under Spring's wrapper.
    expect(d).toMatchObject({ reason: 'IllegalStateException: boom', origin: 'payments', problems: [] });
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
    expect(d.kafka).toMatchObject({ convention: 'connect', topic: 'ingest', partition: 1, offset: '42', connector: 'sink-1', group: null });
    expect(d.reason).toBe('org.apache.kafka.connect.errors.DataException: bad json');
  });

  it('says nothing when a record carries no cause', () => {
    expect(deathOf(envelope('kafka', [['content-type', 'json']]))).toMatchObject({ reason: null, origin: null, kafka: null, history: [] });
  });
});

// Header values as a real Spring Kafka 4.1.2 DeadLetterPublishingRecoverer and a real Kafka Connect
// 3.9.1 worker wrote them (test/tools/frameworks.ts), stack traces shortened.
const springListenerFailure = (account: string, order: string): [string, string][] => [
  ['kafka_dlt-exception-fqcn', 'org.springframework.kafka.listener.ListenerExecutionFailedException'],
  ['kafka_dlt-exception-cause-fqcn', 'java.lang.IllegalStateException'],
  ['kafka_dlt-exception-message', `Listener failed; Payment declined for account ${account} (order ${order})`],
  [
    'kafka_dlt-exception-stacktrace',
    'org.springframework.kafka.listener.ListenerExecutionFailedException: Listener failed\n\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.decorateException(KafkaMessageListenerContainer.java:3251)\n\t... 10 more\n' +
      `Caused by: java.lang.IllegalStateException: Payment declined for account ${account} (order ${order})\n\tat SpringDeadLetters.lambda$main$0(SpringDeadLetters.java:82)\n\t... 10 more\n`,
  ],
  ['kafka_dlt-original-topic', 'orders'],
  ['kafka_dlt-original-consumer-group', 'payments-service'],
];
const springDeserializationFailure: [string, string][] = [
  ['kafka_dlt-exception-fqcn', 'org.springframework.kafka.support.serializer.DeserializationException'],
  ['kafka_dlt-exception-cause-fqcn', 'org.springframework.kafka.support.serializer.DeserializationException'],
  ['kafka_dlt-exception-message', 'failed to deserialize'],
  [
    'kafka_dlt-exception-stacktrace',
    'org.springframework.kafka.support.serializer.DeserializationException: failed to deserialize\n\tat org.springframework.kafka.support.serializer.SerializationUtils.deserializationException(SerializationUtils.java:164)\n' +
      "Caused by: org.apache.kafka.common.errors.SerializationException: Can't deserialize data  from topic [orders]\n\tat org.springframework.kafka.support.serializer.JacksonJsonDeserializer.deserialize(JacksonJsonDeserializer.java:596)\n\t... 16 more\n" +
      "Caused by: tools.jackson.core.exc.StreamReadException: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: UNKNOWN; byte offset: #0]\n\tat tools.jackson.core.JsonParser._constructReadException(JsonParser.java:1856)\n\t... 17 more\n",
  ],
  ['kafka_dlt-original-topic', 'orders'],
];
const connectFailure: [string, string][] = [
  ['__connect.errors.topic', 'ingest'],
  ['__connect.errors.partition', '0'],
  ['__connect.errors.offset', '1'],
  ['__connect.errors.connector.name', 'file-sink'],
  ['__connect.errors.task.id', '0'],
  ['__connect.errors.stage', 'VALUE_CONVERTER'],
  ['__connect.errors.class.name', 'org.apache.kafka.connect.json.JsonConverter'],
  ['__connect.errors.exception.class.name', 'org.apache.kafka.connect.errors.DataException'],
  ['__connect.errors.exception.message', 'Converting byte[] to Kafka Connect data failed due to serialization error: '],
  [
    '__connect.errors.exception.stacktrace',
    'org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed due to serialization error: \n\tat org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:347)\n' +
      "Caused by: org.apache.kafka.common.errors.SerializationException: com.fasterxml.jackson.core.JsonParseException: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED; line: 1, column: 5]\n\tat org.apache.kafka.connect.json.JsonDeserializer.deserialize(JsonDeserializer.java:75)\n\t... 18 more\n" +
      "Caused by: com.fasterxml.jackson.core.JsonParseException: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED; line: 1, column: 5]\n\tat com.fasterxml.jackson.core.JsonParser._constructError(JsonParser.java:2481)\n\t... 19 more\n",
  ],
];

describe('why a record died, as Spring Kafka and Kafka Connect really write it', () => {
  it('Kafka Connect: stage, task, connector, failing class and the exception are fields, the root cause found in the stack trace', () => {
    const d = deathOf(envelope('kafka', connectFailure));
    expect(d.kafka).toMatchObject({
      convention: 'connect',
      topic: 'ingest',
      // Connect keeps the original's time on the dead letter.
      timestamp: '2026-11-20T10:00:00.000Z',
      connector: 'file-sink',
      taskId: '0',
      stage: 'VALUE_CONVERTER',
      failingClass: 'org.apache.kafka.connect.json.JsonConverter',
      exceptionClass: 'org.apache.kafka.connect.errors.DataException',
      message: 'Converting byte[] to Kafka Connect data failed due to serialization error: ',
      rootCause: {
        className: 'com.fasterxml.jackson.core.JsonParseException',
        message: "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
      },
    });
    expect(d.kafka!.stackTrace).toMatch(/^org\.apache\.kafka\.connect\.errors\.DataException/);
    expect(d.reason).toBe("VALUE_CONVERTER in JsonConverter: JsonParseException: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
  });

  it('Spring: the reason is the root cause, not the ListenerExecutionFailedException wrapper', () => {
    const d = deathOf(envelope('kafka', springListenerFailure('4711', '5f0c6a1e-8a51-4d3c-9d7e-0b7f6f2f1a11')));
    expect(d.kafka).toMatchObject({
      exceptionClass: 'org.springframework.kafka.listener.ListenerExecutionFailedException',
      causeClass: 'java.lang.IllegalStateException',
      rootCause: { className: 'java.lang.IllegalStateException', message: 'Payment declined for account 4711 (order 5f0c6a1e-8a51-4d3c-9d7e-0b7f6f2f1a11)' },
      group: 'payments-service',
    });
    expect(d.reason).toBe('IllegalStateException: Payment declined for account 4711 (order 5f0c6a1e-8a51-4d3c-9d7e-0b7f6f2f1a11)');
    expect(deathOf(envelope('kafka', springDeserializationFailure)).kafka?.rootCause?.className).toBe('tools.jackson.core.exc.StreamReadException');
  });

  it('Spring dead letters group by root cause class, and by the message with numbers, UUIDs and ids masked', () => {
    const deaths = [
      springListenerFailure('4711', '5f0c6a1e-8a51-4d3c-9d7e-0b7f6f2f1a11'),
      springListenerFailure('815', '9b2d1c44-6e0f-4c55-8f0e-3a9b1c2d4e5f'),
      springListenerFailure('90210', 'ord_7f3a9c21'),
      springDeserializationFailure,
    ].map((h) => deathOf(envelope('kafka', h)));
    const count = (by: 'exception' | 'reason') => {
      const out: Record<string, number> = {};
      for (const d of deaths) out[deathGroup(d, by)] = (out[deathGroup(d, by)] ?? 0) + 1;
      return out;
    };
    expect(count('exception')).toEqual({ 'java.lang.IllegalStateException': 3, 'tools.jackson.core.exc.StreamReadException': 1 });
    expect(count('reason')).toEqual({
      'IllegalStateException: Payment declined for account <n> (order <id>)': 3,
      "StreamReadException: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')": 1,
    });
  });

  it('masks numbers, UUIDs and ids, and leaves words alone', () => {
    expect(maskIds('amount must be positive: -5.25 for cart-C-1001 at 2026-11-20T10:00:00Z')).toBe('amount must be positive: <n> for <id> at <time>');
    expect(maskIds('user 0x1f3a not found; trace 4bf92f3577b34da6a3ce929d0e0e4736')).toBe('user <id> not found; trace <id>');
    expect(maskIds('Connection refused')).toBe('Connection refused');
    expect(maskIds('rejected')).toBe('rejected');
  });

  it('RabbitMQ deaths group as before: by their reason and the queue they died in', () => {
    const d = deathOf(
      envelope('rabbitmq', [
        ['x-first-death-reason', 'rejected'],
        ['x-first-death-queue', 'orders'],
      ]),
    );
    expect(deathGroup(d, 'reason')).toBe('rejected');
    expect(deathGroup(d, 'origin')).toBe('orders');
  });
});
