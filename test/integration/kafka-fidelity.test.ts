import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import type { Payload } from '../../src/model/payload';
import { PAYLOAD_PREVIEW_BYTES } from '../../src/model/payload';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';
import { createTopic, deleteTopics, javaProduce, kcatConsume, kcatProduce, type OracleRecord } from '../tools/kafka-tools';

/**
 * What Rewind shows equals what the broker holds, byte for byte: records written by kcat and by
 * Kafka's Java producer are read through Rewind's API and compared with what `kcat -C -J` reads.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let kafkaId: string;
const topics: string[] = [];

const fresh = async (prefix: string, configs: Record<string, string> = {}) => {
  const t = unique(prefix);
  topics.push(t);
  await createTopic(t, configs);
  return t;
};

function bytesOf(p: Payload | null): Buffer | null {
  if (p === null) return null;
  switch (p.kind) {
    case 'null':
      return null;
    case 'empty':
      return Buffer.alloc(0);
    case 'json':
    case 'text':
      return Buffer.from(p.text, 'utf8');
    case 'binary':
      return Buffer.from(p.base64, 'base64');
  }
}

/** A Rewind envelope in the oracle's terms; a value cut to its preview is compared by size and prefix. */
function asOracle(e: Envelope): OracleRecord & { size: number | null } {
  const payload = bytesOf(e.payload);
  return {
    offset: Number(e.position),
    tstype: e.timestampType === 'log-append' ? 'logappend' : e.timestampType === 'create' ? 'create' : 'none',
    ts: e.timestamp === null ? -1 : Date.parse(e.timestamp),
    headers: e.headers.map((h) => [h.name, h.value === null ? null : Buffer.from(h.value, h.binary ? 'base64' : 'utf8')]),
    key: bytesOf(e.key),
    payload,
    size: e.payload.kind === 'null' || e.payload.kind === 'empty' ? (payload?.length ?? null) : e.payload.bytes,
  };
}

async function readWithRewind(topic: string, isolation?: 'read_committed' | 'read_uncommitted') {
  const items: Envelope[] = [];
  const summary = await client.stream(
    'records/read',
    { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, limit: 10_000, ...(isolation ? { isolation } : {}) },
    { onBatch: (batch) => items.push(...batch) },
  );
  return { items, summary };
}

/** Every record equal to kcat's view of it; values past the preview equal in size and in their first 64 KB. */
async function expectSameAsKcat(topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed') {
  const oracle = kcatConsume(topic, { isolation });
  const { items } = await readWithRewind(topic, isolation);
  expect(oracle.length).toBeGreaterThan(0);
  const ours = items.map(asOracle);
  expect(ours.map((r) => r.offset)).toEqual(oracle.map((r) => r.offset));
  ours.forEach((r, i) => {
    const o = oracle[i]!;
    const where = `${topic} offset ${o.offset}`;
    expect({ tstype: r.tstype, ts: r.ts }, where).toEqual({ tstype: o.tstype, ts: o.ts });
    expect(r.headers, where).toEqual(o.headers);
    expect(r.key, where).toEqual(o.key);
    if (o.payload !== null && o.payload.length > PAYLOAD_PREVIEW_BYTES) {
      expect(r.size, where).toBe(o.payload.length);
      expect(r.payload, where).toEqual(o.payload.subarray(0, r.payload!.length));
      expect(r.payload!.length, where).toBeGreaterThan(PAYLOAD_PREVIEW_BYTES - 4);
    } else {
      expect(r.payload, where).toEqual(o.payload);
    }
  });
  return { oracle, items };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-fidelity-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
});

afterAll(async () => {
  await context.close();
  await deleteTopics(topics);
  rmSync(dir, { recursive: true, force: true });
});

describe('records written by kcat read back byte for byte', () => {
  it('headers: null, empty, binary, not UTF-8, duplicate keys in order; keys and values of every shape', async () => {
    const topic = await fresh('fid-kcat');
    kcatProduce(topic, [
      { key: 'k1', headers: ['plain=v1', 'nothing', 'empty=', 'dup=1', 'other=x', 'dup=2'], value: Buffer.from('{"a":1}') },
      { key: 'ctl', headers: ['ctl=\x01\x02', 'latin=caf\xe9', 'nul-ish=A\x7fB'], value: Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x41]) },
      { value: Buffer.from('{"big": 12345678901234567891, "dec": 1.0, "exp": 1e2, "k": 1, "k": 2}') },
      { key: '', value: Buffer.from('caf\xe9 not utf-8', 'latin1') },
      { key: 'bin\xff', value: Buffer.from([0x80]) },
      { key: 'text', value: Buffer.from('  spaced\ttext\n  with lines  ') },
      { key: 'big', value: Buffer.from(JSON.stringify({ blob: 'x'.repeat(10 * 1024 * 1024) })) },
    ]);
    const { items } = await expectSameAsKcat(topic);
    // What the views make of them.
    expect(items[0]!.headers.map((h) => [h.name, h.value])).toEqual([
      ['plain', 'v1'],
      ['nothing', null],
      ['empty', ''],
      ['dup', '1'],
      ['other', 'x'],
      ['dup', '2'],
    ]);
    // Control bytes and DEL are not printable text: binary. (argv carries é as UTF-8: text.)
    expect(items[1]!.headers.map((h) => [h.name, h.binary ?? false])).toEqual([
      ['ctl', true],
      ['latin', false],
      ['nul-ish', true],
    ]);
    expect(items[2]!.payload).toEqual({ kind: 'json', text: '{"big": 12345678901234567891, "dec": 1.0, "exp": 1e2, "k": 1, "k": 2}', bytes: 69 });
    expect(items[4]!.payload).toEqual({ kind: 'binary', base64: 'gA==', bytes: 1, truncated: false });
    expect(items[6]!.payload).toMatchObject({ kind: 'text', truncated: true, bytes: 10 * 1024 * 1024 + 11 });
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('batches compressed with %s (kcat -z)', async (codec) => {
    const topic = await fresh(`fid-${codec}`);
    const body = (i: number) => Buffer.from(JSON.stringify({ i, text: 'the quick brown fox jumps over the lazy dog '.repeat(100) }));
    kcatProduce(
      topic,
      [0, 1, 2].map((i) => ({ key: `k${i}`, headers: [`n=${i}`], value: body(i) })),
      { codec },
    );
    const { items } = await expectSameAsKcat(topic);
    expect(items).toHaveLength(3);
  });

  it('LogAppendTime: the broker’s time, and said so', async () => {
    const topic = await fresh('fid-logappend', { 'message.timestamp.type': 'LogAppendTime' });
    kcatProduce(topic, [
      { key: 'a', value: Buffer.from('one') },
      { key: 'b', value: Buffer.from('two') },
    ]);
    const { items } = await expectSameAsKcat(topic);
    expect(items.every((e) => e.timestampType === 'log-append')).toBe(true);
  });
});

describe("records written by Kafka's Java producer read back byte for byte", () => {
  it('tombstones, timestamp 0 and far future, NUL and null header values, empty and binary keys', async () => {
    const topic = await fresh('fid-java');
    javaProduce(topic, [
      {
        records: [
          { key: Buffer.from('gone'), value: null, timestamp: 0 },
          {
            key: Buffer.alloc(0),
            value: Buffer.from('empty key'),
            timestamp: 32_503_680_000_000,
            headers: [
              ['nul', Buffer.from([0x00, 0x41])],
              ['none', null],
              ['latin1', Buffer.from([0x63, 0x61, 0x66, 0xe9])],
            ],
          },
          { key: Buffer.from([0xde, 0xad, 0xbe, 0xef]), value: Buffer.alloc(0), headers: [['x', Buffer.alloc(0)]] },
          { key: null, value: Buffer.from('no key') },
        ],
      },
    ]);
    const { items } = await expectSameAsKcat(topic);
    expect(items[0]!.payload).toEqual({ kind: 'null' });
    expect(items[0]!.timestamp).toBe('1970-01-01T00:00:00.000Z');
    expect(items[1]!.timestamp).toBe('3000-01-01T00:00:00.000Z');
    expect(items[1]!.key).toEqual({ kind: 'empty' });
    expect(items[1]!.headers).toEqual([
      { name: 'nul', value: 'AEE=', binary: true },
      { name: 'none', value: null },
      { name: 'latin1', value: 'Y2Fm6Q==', binary: true },
    ]);
    expect(items[2]!.payload).toEqual({ kind: 'empty' });
    expect(items[3]!.key).toBeNull();
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('batches compressed with %s by the Java producer', async (codec) => {
    const topic = await fresh(`fid-java-${codec}`);
    const records = Array.from({ length: 20 }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(JSON.stringify({ i, text: 'lorem ipsum dolor sit amet '.repeat(50) })),
      headers: [['i', Buffer.from(String(i))]] as [string, Buffer][],
    }));
    javaProduce(topic, [{ records }], { 'compression.type': codec, 'linger.ms': '50' });
    const { items } = await expectSameAsKcat(topic);
    expect(items).toHaveLength(20);
  });

  it('an aborted transaction: read_committed hides its records and says so; read_uncommitted shows them', async () => {
    const topic = await fresh('fid-txn');
    const rec = (s: string) => ({ key: Buffer.from(s), value: Buffer.from(s) });
    javaProduce(
      topic,
      [
        { transaction: 'commit', records: [rec('c1'), rec('c2')] },
        { transaction: 'abort', records: [rec('a1'), rec('a2'), rec('a3')] },
        { transaction: 'commit', records: [rec('c3')] },
      ],
      { 'transactional.id': unique('rewind-fid-txn'), 'enable.idempotence': 'true' },
    );
    const committed = await expectSameAsKcat(topic, 'read_committed');
    expect(committed.items.map((e) => bytesOf(e.payload)!.toString())).toEqual(['c1', 'c2', 'c3']);
    const { summary } = await readWithRewind(topic, 'read_committed');
    expect(summary.notes?.join(' ')).toMatch(/3 records of aborted transactions hidden/);
    const all = await expectSameAsKcat(topic, 'read_uncommitted');
    expect(all.items.map((e) => bytesOf(e.payload)!.toString())).toEqual(['c1', 'c2', 'a1', 'a2', 'a3', 'c3']);
  });
});
