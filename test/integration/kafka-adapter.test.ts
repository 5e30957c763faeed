import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaAdapter } from '../../src/sources/kafka/kafka-adapter';
import { KAFKA_BOOTSTRAP, KAFKA_SASL_PORT, kafkaProfile, failure, readAll, unique } from './brokers';

const kafka = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING });
const signal = () => new AbortController().signal;

describe('Kafka adapter against a real broker', () => {
  const topic = unique('rewind-test-orders');
  let admin: Admin;
  const adapter = new KafkaAdapter(kafkaProfile(), null);
  let firstTimestamp = 0;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    firstTimestamp = Date.now() - 60_000;
    await producer.send({
      topic,
      messages: Array.from({ length: 25 }, (_, i) => ({
        partition: 1,
        key: `order-${i}`,
        value: JSON.stringify({ orderId: i, accountId: i % 2 ? 'A-17' : 'A-18' }),
        headers: { 'correlation-id': `corr-${i}`, type: 'OrderPlaced' },
        // The second half is a minute newer, so seeking by time has something to find.
        timestamp: String(i < 12 ? firstTimestamp : firstTimestamp + 60_000),
      })),
    });
    await producer.send({ topic, messages: [{ partition: 0, value: Buffer.from([0, 159, 146, 150, 255]) }] });
    await producer.disconnect();
  });

  afterAll(async () => {
    await adapter.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('streams an exact offset range to a slow reader, and stops at once when the reader leaves', async () => {
    const big = unique('rewind-test-stream');
    await admin.createTopics({ topics: [{ topic: big, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: big, messages: Array.from({ length: 3000 }, (_, i) => ({ value: JSON.stringify({ n: i }) })) });
    await producer.disconnect();
    try {
      const offsets: number[] = [];
      for await (const chunk of adapter.records(big, 0, { type: 'position', value: '100' }, 2499, signal())) {
        offsets.push(...chunk.map((r) => r.offset));
        // A slow reader: the consumer must wait for it rather than buffer the partition.
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(offsets).toEqual(Array.from({ length: 2400 }, (_, i) => 100 + i));

      const started = Date.now();
      for await (const chunk of adapter.records(big, 0, { type: 'start' }, null, signal())) {
        expect(chunk[0]!.offset).toBe(0);
        break;
      }
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await admin.deleteTopics({ topics: [big] }).catch(() => undefined);
    }
    // A topic this adapter read, deleted elsewhere, must not break what comes next (kafkajs#1146).
    const listed = await adapter.listResources(signal());
    expect(listed.some((r) => r.type === 'kafka-topic' && r.name === topic)).toBe(true);
    expect((await readAll(adapter, { target: { type: 'kafka-partition', topic, partition: 1 }, from: { type: 'start' }, limit: 5 })).items).toHaveLength(5);
  });

  it('browses without a consumer group: none is created, joined or left behind', async () => {
    const before = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
    await readAll(adapter, { target: { type: 'kafka-partition', topic, partition: 1 }, from: { type: 'start' }, limit: 25 });
    for await (const chunk of adapter.records(topic, 1, { type: 'start' }, null, signal())) expect(chunk.length).toBeGreaterThan(0);
    const after = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
    expect(after).toEqual(before);
    expect(after.filter((g) => g.startsWith('rewind'))).toEqual([]);
  });

  it('reports the cluster it reached', async () => {
    const result = await adapter.test(signal());
    expect(result.server).toMatch(/^Apache Kafka \d+\.\d+, 1 broker$/);
    expect(result.details.join(' ')).toContain(`broker 1 at ${KAFKA_BOOTSTRAP}`);
  });

  it('lists the topic with its partitions and watermarks', async () => {
    const resources = await adapter.listResources(signal());
    const t = resources.find((r) => r.type === 'kafka-topic' && r.name === topic);
    expect(t).toMatchObject({
      type: 'kafka-topic',
      partitions: [
        { partition: 0, low: '0', high: '1' },
        { partition: 1, low: '0', high: '25' },
      ],
      // Neither compacted nor transactional: high - low is the exact count.
      records: { value: 26, exact: true },
    });
  });

  it('marks as estimates only the counts that can be wrong, and says why', async () => {
    const compacted = unique('rewind-test-compacted');
    const txn = unique('rewind-test-txn');
    await admin.createTopics({ topics: [{ topic: compacted, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }, { topic: txn }], waitForLeaders: true });
    try {
      const producer = kafka.producer({ transactionalId: unique('rewind-test-tx'), idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const tx = await producer.transaction();
      await tx.send({
        topic: txn,
        messages: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      });
      await tx.commit();
      await producer.disconnect();
      await readAll(adapter, { target: { type: 'kafka-partition', topic: txn, partition: 0 }, from: { type: 'start' }, limit: 10 });
      const resources = await adapter.listResources(signal());
      const byName = (n: string) => resources.find((r) => r.type === 'kafka-topic' && r.name === n);
      expect(byName(compacted)).toMatchObject({ records: { value: 0, exact: false, note: expect.stringMatching(/offset span/i) } });
      // Two records and the commit marker: three offsets, said to be an estimate and why.
      expect(byName(txn)).toMatchObject({ records: { value: 3, exact: false, note: expect.stringMatching(/transactions/) } });
    } finally {
      await admin.deleteTopics({ topics: [compacted, txn] }).catch(() => undefined);
    }
  });

  it('reads a range of a partition and says where to continue', async () => {
    const { items, summary } = await readAll(adapter, { target: { type: 'kafka-partition', topic, partition: 1 }, from: { type: 'start' }, limit: 10 });
    expect(items.map((e) => e.position)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(items[3]).toMatchObject({
      source: 'kafka',
      resource: topic,
      partition: 1,
      type: 'OrderPlaced',
      correlationId: 'corr-3',
      key: { kind: 'text', text: 'order-3' },
      payload: { kind: 'json', text: JSON.stringify({ orderId: 3, accountId: 'A-17' }) },
    });
    expect(summary).toEqual({ count: 10, next: '10', end: '25', notes: [] });
  });

  it('reads to the end from a position', async () => {
    const { items, summary } = await readAll(adapter, { target: { type: 'kafka-partition', topic, partition: 1 }, from: { type: 'position', value: '20' }, limit: 100 });
    expect(items.map((e) => e.position)).toEqual(['20', '21', '22', '23', '24']);
    expect(summary.next).toBeNull();
  });

  it('seeks by time', async () => {
    const from = { type: 'time' as const, value: new Date(firstTimestamp + 30_000).toISOString() };
    const { items } = await readAll(adapter, { target: { type: 'kafka-partition', topic, partition: 1 }, from, limit: 100 });
    expect(items[0]?.position).toBe('12');
    expect(items).toHaveLength(13);
  });

  it('shows binary payloads as binary', async () => {
    const { items } = await readAll(adapter, { target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]?.payload).toEqual({ kind: 'binary', base64: Buffer.from([0, 159, 146, 150, 255]).toString('base64'), bytes: 5, truncated: false });
  });

  it('says a missing partition is not found', async () => {
    const e = await failure(readAll(adapter, { target: { type: 'kafka-partition', topic, partition: 7 }, from: { type: 'start' }, limit: 1 }));
    expect(e.code).toBe('not_found');
  });
});

describe('Kafka connection failures say what is wrong', () => {
  it('a port with nothing listening is a network error', async () => {
    const e = await failure(new KafkaAdapter(kafkaProfile({ port: 1 }), null).test(signal()));
    expect(e.code).toBe('network');
    expect(e.message).toContain('127.0.0.1:1');
  });

  it('an unknown host is a network error naming the host', async () => {
    const e = await failure(new KafkaAdapter(kafkaProfile({ host: 'no-such-host.invalid' }), null).test(signal()));
    expect(e.code).toBe('network');
    expect(e.message).toContain('no-such-host.invalid');
  });

  it('a wrong SASL password is an auth error, the right one connects', async () => {
    const profile = kafkaProfile({ port: KAFKA_SASL_PORT, sasl: 'plain', username: 'rewind', hasPassword: true });
    const e = await failure(new KafkaAdapter(profile, 'wrong-password').test(signal()));
    expect(e.code).toBe('auth');
    const ok = await new KafkaAdapter(profile, 'rewind-secret').test(signal());
    expect(ok.server).toMatch(/^Apache Kafka \d+\.\d+, 1 broker$/);
  });

  it('TLS against a plaintext listener fails with a TLS hint', async () => {
    const e = await failure(new KafkaAdapter(kafkaProfile({ tls: true }), null).test(signal()));
    expect(['tls', 'network', 'timeout']).toContain(e.code);
    expect(e.hint).toMatch(/TLS/);
  });
});
