import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ExportScope } from '../../src/model/topic-scan';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatConsume, kcatProduce } from '../tools/kafka-tools';
import { KAFKA_BOOTSTRAP, KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * JSONL with kcat's -J field names: what Rewind exports matches what kcat itself writes for the
 * same records; a file kcat wrote imports to a topic with every byte, header and timestamp kept;
 * and binary records survive Rewind's own round trip.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let kafkaId: string;
const source = unique('xfer-src');
const copy = unique('xfer-copy');
const binCopy = unique('xfer-bin');

const kcatJson = (topic: string) =>
  spawnSync('kcat', ['-b', KAFKA_BOOTSTRAP, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.startsWith('{'));

async function exportLines(topic: string, scope: ExportScope) {
  const lines: string[] = [];
  const r = await client.stream('topics/export', { connectionId: kafkaId, topic, scope }, { onBatch: (b) => lines.push(...b) });
  return { lines, count: r.count };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-xfer-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  await createTopic(source, {}, 2);
  await createTopic(copy, {}, 2);
  await createTopic(binCopy, {}, 2);
  kcatProduce(
    source,
    [
      { key: 'order-1', headers: ['type=OrderPlaced', 'trace=abc'], value: Buffer.from('{"amount":120,"currency":"EUR"}') },
      { key: 'order-2', headers: ['empty'], value: Buffer.from('plain text ✓') },
    ],
    { partition: 0 },
  );
  kcatProduce(source, [{ key: 'order-3', value: Buffer.from('{"amount":7}') }, { value: Buffer.from('no key') }], { partition: 1 });
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
}, 120_000);

afterAll(async () => {
  await context.close();
  await deleteTopics([source, copy, binCopy]);
  rmSync(dir, { recursive: true, force: true });
});

const fields = (line: string) => {
  const j = JSON.parse(line) as Record<string, unknown>;
  return { topic: j.topic, partition: j.partition, offset: j.offset, tstype: j.tstype, ts: j.ts, headers: j.headers ?? [], key: j.key, payload: j.payload };
};

describe('JSONL in kcat -J form', () => {
  it('exports picked records field for field as kcat -J writes them', async () => {
    const records = [0, 1].flatMap((p) => [0, 1].map((o) => ({ partition: p, offset: String(o) })));
    const { lines, count } = await exportLines(source, { kind: 'records', records });
    expect(count).toBe(4);
    const byKcat = kcatJson(source)
      .map(fields)
      .sort((a, b) => Number(a.partition) - Number(b.partition) || Number(a.offset) - Number(b.offset));
    expect(lines.map(fields)).toEqual(byKcat);
  });

  it("exports a search's hits", async () => {
    const { lines } = await exportLines(source, { kind: 'search', search: { partitions: null, from: { type: 'start' }, to: null, filter: { json: '$.amount > 100' }, isolation: 'read_committed' } });
    expect(lines.map((l) => (JSON.parse(l) as { key: string }).key)).toEqual(['order-1']);
  });

  it('imports a file kcat wrote: bytes, headers in order, timestamps and partitions kept', async () => {
    const file = kcatJson(source);
    const r = await client.call('topics/import', { connectionId: kafkaId, topic: copy, lines: [...file, 'not json', '{"partition":9,"payload":"x"}'], firstLine: 1, keepPartitions: true });
    expect(r.produced).toBe(4);
    expect(r.errors).toEqual([
      { line: 5, message: expect.stringContaining('not JSON') },
      { line: 6, message: `${copy} has no partition 9 (it has 2)` },
    ]);
    for (const p of [0, 1]) {
      const strip = (x: ReturnType<typeof kcatConsume>[number]) => ({ key: x.key, payload: x.payload, headers: x.headers, ts: x.ts, tstype: x.tstype });
      expect(kcatConsume(copy, { partition: p }).map(strip)).toEqual(kcatConsume(source, { partition: p }).map(strip));
    }
    const audit = await client.call('audit/list', { actions: ['import-topic'], text: copy, limit: 5 });
    expect(audit.entries[0]?.detail).toMatchObject({ produced: 4 });
  });

  it('round-trips binary keys, values and header values through its own export', async () => {
    const bin = unique('xfer-binsrc');
    await createTopic(bin, {}, 1);
    try {
      kcatProduce(bin, [{ key: 'k', headers: ['h=v'], value: Buffer.from([0x00, 0xff, 0x80, 0x41]) }]);
      const { lines } = await exportLines(bin, { kind: 'records', records: [{ partition: 0, offset: '0' }] });
      expect(JSON.parse(lines[0]!)).toMatchObject({ payload: 'AP+AQQ==', rewind_base64: ['payload'] });
      await client.call('topics/import', { connectionId: kafkaId, topic: binCopy, lines, firstLine: 1, keepPartitions: true });
      expect(kcatConsume(binCopy)[0]!.payload).toEqual(Buffer.from([0x00, 0xff, 0x80, 0x41]));
    } finally {
      await deleteTopics([bin]);
    }
  });
});
