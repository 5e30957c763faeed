import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { Kafka, logLevel } from 'kafkajs';

export const KAFKA_PORT = Number(process.env.REWIND_KAFKA_PORT ?? 19092);
export const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

/** A topic with records, made with a client of its own so the test checks what the app shows. */
export async function withTopic(name: string, records: { key: string; value: object }[]) {
  const kafka = new Kafka({ clientId: 'rewind-e2e', brokers: [`127.0.0.1:${KAFKA_PORT}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: name, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: name, messages: records.map((r) => ({ key: r.key, value: JSON.stringify(r.value) })) });
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
