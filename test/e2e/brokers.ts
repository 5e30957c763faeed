import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';

export const KAFKA_PORT = Number(process.env.REWIND_KAFKA_PORT ?? 19092);
export const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

/** A topic with records, made with a client of its own so the test checks what the app shows. */
export async function withTopic(name: string, records: { key: string; value: object; headers?: Record<string, string>; partition?: number; timestamp?: number }[], partitions = 1) {
  const kafka = new Kafka({ clientId: 'rewind-e2e', brokers: [`127.0.0.1:${KAFKA_PORT}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
  // A new topic's leaders can take a moment to reach every broker's metadata on a loaded machine:
  // wait until all partitions have one, and let the producer retry past a late one.
  for (let i = 0; i < 50; i++) {
    const { topics } = await admin.fetchTopicMetadata({ topics: [name] }).catch(() => ({ topics: [] as { partitions: { leader: number }[] }[] }));
    if (topics[0]?.partitions.length === partitions && topics[0].partitions.every((p) => p.leader >= 0)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const producer = kafka.producer({ retry: { retries: 10 } });
  await producer.connect();
  await producer.send({
    topic: name,
    messages: records.map((r) => ({
      key: r.key,
      value: JSON.stringify(r.value),
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.partition !== undefined ? { partition: r.partition } : {}),
      ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}),
    })),
  });
  await producer.disconnect();
  return {
    async remove() {
      await admin.deleteTopics({ topics: [name] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

export async function withStreamQueue(name: string, bodies: object[]) {
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue(name, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  for (const b of bodies) ch.sendToQueue(name, Buffer.from(JSON.stringify(b)), { type: 'Tick' });
  await ch.waitForConfirms();
  return {
    async remove() {
      await ch.deleteQueue(name).catch(() => undefined);
      await conn.close();
    },
  };
}

/**
 * A work queue whose consumer rejected every message, so the broker dead-lettered them (with
 * x-death) to `<name>.dlq`, the way a real service's failures arrive.
 */
export async function withDeadLetters(name: string, bodies: object[]) {
  const dlq = `${name}.dlq`;
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createChannel();
  await ch.assertQueue(dlq, { durable: true });
  await ch.assertQueue(name, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq } });
  bodies.forEach((b, i) => ch.sendToQueue(name, Buffer.from(JSON.stringify(b)), { type: 'OrderPlaced', messageId: `m-${i + 1}` }));
  for (let rejected = 0, tries = 0; rejected < bodies.length && tries < 200; tries++) {
    const m = await ch.get(name, { noAck: false });
    if (m) {
      ch.nack(m, false, false);
      rejected++;
    } else await new Promise((r) => setTimeout(r, 25));
  }
  while ((await ch.checkQueue(dlq)).messageCount < bodies.length) await new Promise((r) => setTimeout(r, 25));
  return {
    dlq,
    depth: async () => (await ch.checkQueue(dlq)).messageCount,
    async remove() {
      await ch.deleteQueue(name).catch(() => undefined);
      await ch.deleteQueue(dlq).catch(() => undefined);
      await conn.close();
    },
  };
}
