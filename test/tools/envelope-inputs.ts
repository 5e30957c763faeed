import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Channel, ConfirmChannel } from 'amqplib';
import { CloudEvent, CONSTANTS, HTTP, Kafka as CloudEventsKafka } from 'cloudevents';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Event envelopes as other software writes them, shared by the integration tests and the journeys
 * (so no test runner is imported here). Rewind's code writes none of it:
 * - CloudEvents from the official Java SDK (test/fixtures/java/CloudEventsRecords.java) and from the
 *   `cloudevents` npm SDK (its Kafka binding, sent with a plain kafkajs producer), binary and structured;
 * - CloudEvents on RabbitMQ per the spec's AMQP binding, published with amqplib (the npm SDK has none);
 * - NServiceBus-shaped RabbitMQ messages and KurrentDB/EventStoreDB-shaped events.
 */
const BOOTSTRAP = `127.0.0.1:${Number(process.env.REWIND_KAFKA_PORT ?? 19092)}`;
const CACHE = process.env.REWIND_CACHE ?? join(homedir(), '.cache', 'rewind');
const FIXTURES = join(__dirname, '..', 'fixtures', 'java');

/** A CloudEvent's attributes as a spec gives them; `data` is JSON, `data_base64` bytes. */
export interface EventSpec {
  id: string;
  source: string;
  type: string;
  subject?: string;
  /** RFC 3339, any offset. */
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  data_base64?: string;
  /** Extension attributes: correlationid, causationid, traceparent, sequence, partitionkey, … */
  extensions?: Record<string, string | number | boolean>;
}

export interface KafkaWritten {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * The official CloudEvents Java SDK (cloudevents-kafka 4.0.1) writes the events: binary mode through
 * its CloudEventSerializer (`ce_*` headers), structured mode through it with the JSON format. A
 * `partitionkey` extension becomes the key (the SDK's PartitionKeyExtensionInterceptor). The SDK has no
 * batch format, so it writes no `application/cloudevents-batch+json`.
 */
export async function cloudEventsJava(topic: string, events: (EventSpec & { mode: 'binary' | 'structured'; key?: string; partition?: number })[]): Promise<(KafkaWritten & { mode: string })[]> {
  const libs = join(CACHE, 'cloudevents', 'libs');
  if (!existsSync(join(libs, '.complete'))) throw new Error(`the CloudEvents Java SDK's jars are not in ${libs}: the test setup fetches them (bash scripts/frameworks.sh fetch cloudevents)`);
  const input = JSON.stringify({ bootstrap: BOOTSTRAP, topic, events: events.map(({ extensions, ...e }) => ({ ...e, extensions: extensions ?? {} })) });
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('java', ['-Xmx256m', '-cp', `${libs}/*`, join(FIXTURES, 'CloudEventsRecords.java')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`CloudEventsRecords.java ended with ${code ?? 'a kill'}:\n${(stdout + stderr).slice(-3000)}`));
    });
    child.stdin.end(input);
  });
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as KafkaWritten & { mode: string });
}

const ATTRIBUTES = ['id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data', 'data_base64'] as const;

/** The npm SDK's event for a spec: its attributes and extensions only (not the spec's own options). */
function npmEvent(e: EventSpec): CloudEvent<unknown> {
  const attributes: Record<string, unknown> = { specversion: '1.0' };
  for (const name of ATTRIBUTES) if (e[name] !== undefined) attributes[name] = e[name];
  return new CloudEvent<unknown>({ ...attributes, ...(e.extensions ?? {}) } as ConstructorParameters<typeof CloudEvent<unknown>>[0]);
}

/**
 * The `cloudevents` npm SDK (10.0.0) makes the Kafka messages (`Kafka.binary` / `Kafka.structured`),
 * a plain kafkajs producer sends them. Two things the SDK leaves to the sender: headers whose value
 * is undefined (kafkajs refuses them) are dropped, and binary-mode data that is not bytes or text
 * (a JSON object) is sent as its JSON text. Its structured content type is
 * `application/cloudevents+json; charset=utf-8`; a key comes from `partitionkey`.
 */
export async function cloudEventsNpmKafka(topic: string, events: (EventSpec & { mode: 'binary' | 'structured'; partition?: number })[]): Promise<KafkaWritten[]> {
  const producer = new Kafka({ clientId: 'cloudevents-npm', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const written: KafkaWritten[] = [];
    for (const spec of events) {
      const event = npmEvent(spec);
      const m = spec.mode === 'binary' ? CloudEventsKafka.binary(event) : CloudEventsKafka.structured(event);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(m.headers)) if (value !== undefined && value !== null) headers[name] = String(value);
      const raw = m.value as unknown;
      const value = Buffer.isBuffer(raw) || raw instanceof Uint8Array ? Buffer.from(raw) : typeof raw === 'string' ? raw : raw === undefined || raw === null ? null : JSON.stringify(raw);
      const [meta] = await producer.send({
        topic,
        acks: -1,
        messages: [
          { key: (m.key as string | undefined) ?? null, value, headers, ...(m.timestamp ? { timestamp: m.timestamp } : {}), ...(spec.partition !== undefined ? { partition: spec.partition } : {}) },
        ],
      });
      written.push({ topic, partition: meta!.partition, offset: Number(meta!.baseOffset) });
    }
    return written;
  } finally {
    await producer.disconnect();
  }
}

/**
 * A batch in the JSON batch format (`application/cloudevents-batch+json`): the npm SDK's events, each
 * as the SDK writes it in JSON, in an array. The SDK has no writer for batches, so the array is
 * joined here, and read back by the SDK's own Kafka binding before it is sent: what goes out is a
 * batch the SDK itself accepts, event for event.
 */
export async function cloudEventsNpmKafkaBatch(topic: string, events: EventSpec[]): Promise<KafkaWritten> {
  const built = events.map(npmEvent);
  const headers = { 'content-type': CONSTANTS.MIME_CE_BATCH };
  const value = JSON.stringify(built.map((e) => e.toJSON()));
  const parsed = CloudEventsKafka.toEvent({ headers, key: undefined, value: Buffer.from(value), body: value, timestamp: undefined } as unknown as Parameters<typeof CloudEventsKafka.toEvent>[0]);
  if (!Array.isArray(parsed) || parsed.length !== events.length) throw new Error('the CloudEvents SDK does not read the batch back');
  const producer = new Kafka({ clientId: 'cloudevents-npm', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: null, value, headers }] });
    return { topic, partition: meta!.partition, offset: Number(meta!.baseOffset) };
  } finally {
    await producer.disconnect();
  }
}

export type AmqpPrefix = 'cloudEvents:' | 'cloudEvents_';

export interface AmqpEventSpec extends EventSpec {
  mode: 'binary' | 'structured';
  /** Binary mode: the application-property prefix (the spec allows both; '_' is preferred). Default 'cloudEvents_'. */
  prefix?: AmqpPrefix;
  /** Binary mode: `time` as an AMQP timestamp (whole seconds in AMQP 0-9-1) instead of its RFC 3339 text. */
  timeAsTimestamp?: boolean;
}

/**
 * CloudEvents on RabbitMQ per the CloudEvents AMQP protocol binding (spec v1.0.2,
 * cloudevents/bindings/amqp-protocol-binding.md), published with amqplib to `queue` (default exchange):
 * - 3.1 binary mode: 3.1.1 the AMQP content-type is `datacontenttype`; 3.1.2 the data is the body;
 *   3.1.3 every other attribute is an application property (AMQP 0-9-1: a header) named with the
 *   prefix "cloudEvents_" or "cloudEvents:" (3.1.3.1: "MUST be prefixed with either …", one separator
 *   per message), valued by its AMQP type (3.1.3.2: strings, integers as long, booleans, a Timestamp as
 *   an AMQP timestamp or its canonical string form);
 * - 3.2 structured mode: content-type `application/cloudevents+json; charset=utf-8` and the event in
 *   the JSON format as the body, here as the npm SDK writes it (its HTTP structured body).
 * The npm SDK builds and validates each event; only the mapping to AMQP is written here.
 */
export async function cloudEventsAmqp(ch: Channel | ConfirmChannel, queue: string, events: AmqpEventSpec[]): Promise<void> {
  for (const spec of events) {
    const event = npmEvent(spec);
    if (spec.mode === 'structured') {
      const message = HTTP.structured(event);
      ch.sendToQueue(queue, Buffer.from(message.body as string), { contentType: 'application/cloudevents+json; charset=utf-8', persistent: true });
      continue;
    }
    const prefix = spec.prefix ?? 'cloudEvents_';
    const headers: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(event)) {
      if (['data', 'data_base64', 'datacontenttype'].includes(name) || value === undefined || value === null) continue;
      headers[prefix + name] = value;
    }
    if (spec.time !== undefined) {
      // The SDK normalises `time` to UTC; the binding keeps what the sender gave.
      headers[prefix + 'time'] = spec.timeAsTimestamp ? { '!': 'timestamp', value: Math.floor(Date.parse(spec.time) / 1000) } : spec.time;
    }
    const body =
      spec.data_base64 !== undefined
        ? Buffer.from(spec.data_base64, 'base64')
        : spec.data === undefined
          ? Buffer.alloc(0)
          : typeof spec.data === 'string'
            ? Buffer.from(spec.data)
            : Buffer.from(JSON.stringify(spec.data));
    ch.sendToQueue(queue, body, { contentType: spec.datacontenttype ?? (spec.data !== undefined ? 'application/json' : undefined), headers, persistent: true });
  }
  if ('waitForConfirms' in ch) await ch.waitForConfirms();
}

/** NServiceBus's time format, `yyyy-MM-dd HH:mm:ss:ffffff Z` (UTC; the Z is literal). */
export function nserviceBusTime(date: Date, micros = 0): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const fraction = p(date.getUTCMilliseconds(), 3) + p(micros, 3);
  return `${date.getUTCFullYear()}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}:${fraction} Z`;
}

export interface NServiceBusSpec {
  /** .NET full name, e.g. `Sales.Messages.Events.OrderPlaced`. */
  messageType: string;
  body: unknown;
  intent?: 'Send' | 'Publish' | 'Reply';
  messageId?: string;
  conversationId?: string;
  correlationId?: string;
  /** The message id of the message being handled when this one was sent. */
  relatedTo?: string;
  timeSent?: Date;
  endpoint?: string;
}

/**
 * Messages shaped as NServiceBus 8's RabbitMQ transport sends them: its headers (names as NServiceBus
 * defines them, TimeSent in its own format) and the AMQP properties the transport fills from them
 * (message_id, correlation_id, type = the first enclosed type's name, content_type, reply_to,
 * persistent). Gives the headers sent.
 */
export function nserviceBusMessages(ch: Channel, queue: string, messages: NServiceBusSpec[]): Record<string, string>[] {
  return messages.map((m) => {
    const messageId = m.messageId ?? randomUUID();
    const endpoint = m.endpoint ?? 'Sales';
    const headers: Record<string, string> = {
      'NServiceBus.MessageId': messageId,
      'NServiceBus.MessageIntent': m.intent ?? 'Publish',
      'NServiceBus.ConversationId': m.conversationId ?? randomUUID(),
      'NServiceBus.CorrelationId': m.correlationId ?? messageId,
      'NServiceBus.EnclosedMessageTypes': `${m.messageType}, ${m.messageType.split('.')[0]}.Messages, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null`,
      'NServiceBus.ContentType': 'application/json',
      'NServiceBus.TimeSent': nserviceBusTime(m.timeSent ?? new Date(), 123),
      'NServiceBus.Version': '8.2.4',
      'NServiceBus.OriginatingEndpoint': endpoint,
      'NServiceBus.OriginatingMachine': 'WEB01',
      'NServiceBus.OriginatingHostId': '1d8d0b6a2c5f4b0e9e3f6a7b8c9d0e1f',
      '$.diagnostics.originating.hostid': '1d8d0b6a2c5f4b0e9e3f6a7b8c9d0e1f',
      'NServiceBus.ReplyToAddress': endpoint,
      ...(m.relatedTo ? { 'NServiceBus.RelatedTo': m.relatedTo } : {}),
    };
    ch.sendToQueue(queue, Buffer.from(JSON.stringify(m.body)), {
      messageId,
      correlationId: headers['NServiceBus.CorrelationId'],
      type: m.messageType,
      contentType: 'application/json',
      replyTo: endpoint,
      persistent: true,
      headers,
    });
    return headers;
  });
}

export interface KurrentEventSpec {
  stream: string;
  eventType: string;
  data: unknown;
  eventId?: string;
  correlationId?: string;
  causationId?: string;
}

/**
 * KurrentDB/EventStoreDB-shaped events: the metadata its clients and projections use (`$correlationId`,
 * `$causationId`, read by the server's `$by_correlation_id` projection), as a bridge forwards them.
 * On Kafka: key = stream name, value = `{ eventId, eventType, data, metadata }` (one item of
 * EventStoreDB's `application/vnd.eventstore.events+json`), and the metadata keys also as headers.
 * On RabbitMQ (`ch` given): the same body, the metadata keys as headers, `type` = eventType.
 */
export function kurrentEvent(e: KurrentEventSpec): { key: string; value: Buffer; headers: Record<string, string> } {
  const eventId = e.eventId ?? randomUUID();
  const metadata = { $correlationId: e.correlationId ?? eventId, $causationId: e.causationId ?? eventId };
  return {
    key: e.stream,
    value: Buffer.from(JSON.stringify({ eventId, eventType: e.eventType, data: e.data, metadata })),
    headers: { ...metadata, 'content-type': 'application/vnd.eventstore.events+json' },
  };
}

export async function kurrentEventsKafka(topic: string, events: KurrentEventSpec[]): Promise<KafkaWritten[]> {
  const producer = new Kafka({ clientId: 'kurrent-bridge', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const written: KafkaWritten[] = [];
    for (const e of events) {
      const [m] = await producer.send({ topic, acks: -1, messages: [kurrentEvent(e)] });
      written.push({ topic, partition: m!.partition, offset: Number(m!.baseOffset) });
    }
    return written;
  } finally {
    await producer.disconnect();
  }
}

export function kurrentEventsAmqp(ch: Channel, queue: string, events: KurrentEventSpec[]): void {
  for (const e of events) {
    const m = kurrentEvent(e);
    ch.sendToQueue(queue, m.value, { contentType: 'application/json', type: e.eventType, headers: m.headers, persistent: true });
  }
}
