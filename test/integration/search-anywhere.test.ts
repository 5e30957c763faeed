import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import { createTopic, deleteTopics, kcatProduce, kcatProduceLines } from '../tools/kafka-tools';
import { unique } from './brokers';
import { startApp, type AppUnderTest } from './app-under-test';

/**
 * Text found anywhere in a record (what a trace looks for): in a key, a header, a value, a value
 * gzip-compressed by its producer, and in batches kcat compressed with lz4. Batches that cannot hold
 * it are counted and not read (the search's shortcut): every record is still counted as scanned,
 * and no hit is missed, among 60,000 records written by kcat.
 */
let app: AppUnderTest;
let client: RewindClient;
let kafkaId: string;
const topic = unique('anywhere');
const NEEDLE = `needle-${Date.now()}`;
const NOT_ASCII = `café-${Date.now()}`;
const COUNT = 60_000;

async function search(filter: { anywhere: string }, until?: string) {
  const hits: Envelope[] = [];
  const summary = await client.stream(
    'topics/search',
    { connectionId: kafkaId, topic, partitions: null, from: { type: 'start' }, to: null, ...(until ? { until } : {}), filter, limit: 10_000, isolation: 'read_committed' },
    { onBatch: (items) => items.forEach((i) => i.kind === 'hits' && hits.push(...i.records)) },
  );
  return { hits, summary };
}

beforeAll(async () => {
  app = startApp('anywhere');
  client = app.client;
  await createTopic(topic, {}, 3);
  const filler = (from: number) => Array.from({ length: COUNT / 3 }, (_, i) => `k-${from + i}\t${JSON.stringify({ n: from + i, note: 'nothing to see' })}`);
  kcatProduceLines(topic, filler(0), { keyed: true });
  kcatProduce(topic, [
    { key: `order-${NEEDLE}`, value: Buffer.from('{"in":"key"}') },
    { key: 'h', headers: [`correlation-id=${NEEDLE}`], value: Buffer.from('{"in":"header"}') },
    { key: 'v', value: Buffer.from(`{"in":"value","correlationId":"${NEEDLE}"}`) },
    // The producer compressed the value itself: the text is only in what it inflates to.
    { key: 'z', value: gzipSync(Buffer.from(`{"in":"gzip","correlationId":"${NEEDLE}"}`)) },
  ]);
  // Python's json.dumps writes what is not ASCII as \u escapes: the text is in the value, written another way.
  const escaped = execFileSync('python3', ['-c', 'import json,sys; print(json.dumps({"in": "python", "correlationId": sys.argv[1]}))', NOT_ASCII]).toString().trim();
  kcatProduce(topic, [{ key: 'py', value: Buffer.from(escaped) }]);
  kcatProduceLines(topic, filler(COUNT / 3), { keyed: true });
  kcatProduce(topic, [{ key: 'lz4', headers: [`x-trace=${NEEDLE}`], value: Buffer.from('{"in":"lz4 batch"}') }], { codec: 'lz4', partition: 1 });
  kcatProduceLines(topic, filler((2 * COUNT) / 3), { keyed: true });
  kafkaId = await app.kafka();
}, 240_000);

afterAll(async () => {
  await app.close();
  await deleteTopics([topic]);
});

describe('text anywhere in a record', () => {
  it('is found in a key, a header, a value, a gzip-compressed value and an lz4 batch, and every record is counted', async () => {
    const { hits, summary } = await search({ anywhere: NEEDLE });
    expect(hits.map((h) => (h.key?.kind === 'text' ? h.key.text : '?')).sort()).toEqual(['h', 'lz4', `order-${NEEDLE}`, 'v', 'z'].sort());
    expect(summary).toMatchObject({ scanned: COUNT + 6, hits: 5, complete: true, stopped: null });
  });

  it('is found as a JSON writer escaped it', async () => {
    const { hits } = await search({ anywhere: NOT_ASCII });
    expect(hits.map((h) => (h.key?.kind === 'text' ? h.key.text : '?'))).toEqual(['py']);
    expect(hits[0]!.payload.kind === 'json' && hits[0]!.payload.text).toContain('caf\\u00e9-');
  });

  it('text that is nowhere finds nothing, having counted every record', async () => {
    const { hits, summary } = await search({ anywhere: `absent-${NEEDLE}` });
    expect(hits).toEqual([]);
    expect(summary).toMatchObject({ scanned: COUNT + 6, hits: 0, complete: true });
  });

  it('a search until a time stops at each partition’s first record at or after it', async () => {
    const { summary } = await search({ anywhere: NEEDLE }, '2000-01-01T00:00:00Z');
    expect(summary).toMatchObject({ scanned: 0, hits: 0, complete: true });
  });
});
