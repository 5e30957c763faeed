import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { deathGroup } from '../../src/model/dead-letters';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { connectDeadLetters } from '../tools/frameworks';
import { javaProduce, kcatConsume, KEEP_HISTORY_ENTRIES as configEntries, type OracleRecord } from '../tools/kafka-tools';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * A dead-letter queue written by a real Kafka Connect 3.9.1 standalone worker: a file sink with
 * JsonConverter values, `errors.tolerance=all` and context headers, fed records that are not JSON
 * by Kafka's Java producer. Rewind reads why each died and sends them back.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let admin: Admin;
let kafkaId: string;
const ingest = unique('ingest');
const dlq = unique('ingest-dlq');
const connector = unique('file-sink');
const T0 = 1_710_000_000_000;
let originals: OracleRecord[];

const h = (name: string, value: string | null): [string, Buffer | null] => [name, value === null ? null : Buffer.from(value)];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-connect-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  admin = new Kafka({ clientId: 'rewind-test', brokers: [KAFKA_BOOTSTRAP], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: ingest, configEntries }], waitForLeaders: true });
  javaProduce(ingest, [
    {
      records: [
        { timestamp: T0, key: Buffer.from('row-1'), value: Buffer.from('{"id": 1}'), headers: [h('source', 'crm')] },
        { timestamp: T0 + 1000, key: Buffer.from('row-2'), value: Buffer.from('not json'), headers: [h('source', 'legacy'), h('batch', null)] },
        { timestamp: T0 + 2000, key: Buffer.from('row-3'), value: Buffer.from('{"id": 3}'), headers: [] },
        { timestamp: T0 + 3000, key: Buffer.from('row-4'), value: Buffer.from('<row id="4"/>'), headers: [h('source', 'xml-export')] },
      ],
    },
  ]);
  await connectDeadLetters({ topic: ingest, dlq, connector, expected: 2 });
  originals = kcatConsume(ingest);
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
}, 300_000);

afterAll(async () => {
  await context.close();
  await admin.deleteTopics({ topics: [ingest, dlq] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const ref = () => ({ type: 'kafka-topic' as const, name: dlq });
const text = (headers: [string, Buffer | null][]) => headers.map(([k, v]) => [k, v === null ? null : v.toString('latin1')]);

describe('what a real Kafka Connect worker dead-lettered', () => {
  it('why each died: stage, task, connector and failing class as fields, the root cause from its stack trace', async () => {
    const peek = await client.call('dead-letters/peek', { connectionId: kafkaId, ref: ref(), limit: 10 });
    expect(peek.messages).toHaveLength(2);
    for (const m of peek.messages) {
      expect(m.death.kafka).toMatchObject({
        convention: 'connect',
        topic: ingest,
        partition: 0,
        connector,
        taskId: '0',
        stage: 'VALUE_CONVERTER',
        failingClass: 'org.apache.kafka.connect.json.JsonConverter',
        exceptionClass: 'org.apache.kafka.connect.errors.DataException',
        rootCause: { className: 'com.fasterxml.jackson.core.JsonParseException' },
      });
      expect(m.death.kafka!.stackTrace).toMatch(/^org\.apache\.kafka\.connect\.errors\.DataException: Converting byte\[\] to Kafka Connect data failed/);
      expect(m.death.reason).toMatch(/^VALUE_CONVERTER in JsonConverter: JsonParseException: /);
    }
    expect(new Set(peek.messages.map((m) => deathGroup(m.death, 'exception')))).toEqual(new Set(['com.fasterxml.jackson.core.JsonParseException']));
  });

  it('redriven to its topic, each record equals its original, plus only rewind-redriven-from', async () => {
    const outcome = await client.stream('dead-letters/redrive', { connectionId: kafkaId, ref: ref(), selection: { all: true }, target: { kind: 'origin' }, confirmedCount: 2 });
    expect(outcome).toMatchObject({ moved: 2, failures: [], stoppedBy: 'done' });
    const dead = kcatConsume(dlq);
    const after = kcatConsume(ingest).slice(originals.length);
    expect(after).toHaveLength(2);
    for (const r of after) {
      const from = r.headers.find(([k]) => k === 'rewind-redriven-from')![1]!.toString();
      const d = dead.find((x) => `${dlq}/0/${x.offset}` === from)!;
      const originalOffset = Number(d.headers.find(([k]) => k === '__connect.errors.offset')![1]!.toString());
      const original = originals.find((o) => o.offset === originalOffset)!;
      expect({ key: r.key, payload: r.payload, ts: r.ts, headers: text(r.headers) }).toEqual({
        key: original.key,
        payload: original.payload,
        ts: original.ts,
        headers: [...text(original.headers), ['rewind-redriven-from', from]],
      });
    }
  });
});
