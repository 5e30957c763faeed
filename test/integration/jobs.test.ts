import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type RewindClient } from '../../src/api/client';
import { createDispatcher } from '../../src/api/dispatcher';
import type { ServerMessage } from '../../src/api/protocol';
import type { Envelope } from '../../src/model/envelope';
import type { Job } from '../../src/model/jobs';
import { ScanItem, ScanSummary } from '../../src/model/topic-scan';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatProduceLines } from '../tools/kafka-tools';
import { KAFKA_PORT, unique } from './brokers';

/**
 * Jobs belong to the core: a search whose view goes away (a closed tab, a reloaded renderer)
 * keeps running, and another view attaches to it and gets every hit; Cancel in the panel stops it.
 */
let dir: string;
let context: AppContext;
let kafkaId: string;
const topic = unique('jobs');
const COUNT = 60_000;

/** A renderer of its own: the real client and dispatcher joined without a socket; `close` is the renderer going away. */
function renderer() {
  const listeners = new Set<(m: ServerMessage) => void>();
  const dispatcher = createDispatcher(context.handlers, (m) => {
    const copy = JSON.parse(JSON.stringify(m)) as ServerMessage;
    queueMicrotask(() => listeners.forEach((l) => l(copy)));
  });
  const client = createClient({
    send: (m) => dispatcher.handle(JSON.parse(JSON.stringify(m))),
    onMessage: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    ready: () => Promise.resolve(),
  });
  return { client, close: () => dispatcher.close() };
}

const searchParams = (limit = 10_000) => ({ connectionId: kafkaId, topic, partitions: null, from: { type: 'start' as const }, filter: { json: '$.n < 6000' }, limit });

async function waitFor(client: RewindClient, test: (j: Job) => boolean): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const job = (await client.call('jobs/list', {})).find(test);
    if (job) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no such job');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-jobs-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  await createTopic(topic, {}, 3);
  kcatProduceLines(
    topic,
    Array.from({ length: COUNT }, (_, n) => JSON.stringify({ n, pad: 'y'.repeat(200) })),
  );
  kafkaId = (await renderer().client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
}, 240_000);

afterAll(async () => {
  await context.close();
  await deleteTopics([topic]);
  rmSync(dir, { recursive: true, force: true });
});

describe('jobs', () => {
  it('a search goes on when its renderer goes away, and another attaches to it and gets every hit', async () => {
    const first = renderer();
    const started = first.client.stream('topics/search', searchParams(), { onBatch: () => undefined });
    started.catch(() => undefined);
    const running = await waitFor(first.client, (j) => j.method === 'topics/search' && j.title === `Search ${topic} for $.n < 6000`);
    expect(running.state).toBe('running');
    first.close();

    const second = renderer();
    const detached = await waitFor(second.client, (j) => j.id === running.id && j.detached);
    expect(detached.survivesClose).toBe(true);
    const hits: Envelope[] = [];
    const attached = await second.client.stream(
      'jobs/attach',
      { id: running.id },
      {
        onBatch: (items) => {
          for (const raw of items) {
            const item = ScanItem.parse(raw);
            if (item.kind === 'hits') hits.push(...item.records);
          }
        },
      },
    );
    expect(attached.method).toBe('topics/search');
    const summary = ScanSummary.parse(attached.result);
    expect(summary.complete).toBe(true);
    expect(summary.scanned).toBe(COUNT);
    expect(summary.hits).toBe(COUNT / 10);
    expect(attached.dropped + hits.length).toBeGreaterThanOrEqual(COUNT / 10);
    const done = (await second.client.call('jobs/list', {})).find((j) => j.id === running.id)!;
    expect(done.state).toBe('done');
    expect(done.outcome).toBe(`${(COUNT / 10).toLocaleString('en-US')} hits in ${COUNT.toLocaleString('en-US')} records`);
    expect(done.done).toBe(COUNT);
    expect(done.total).toBe(COUNT);
  });

  it('letting go of a search (a closed tab) keeps it; Cancel from the panel stops it', async () => {
    const view = renderer();
    const controller = new AbortController();
    const search = view.client.stream('topics/search', searchParams(), { detach: controller.signal, onBatch: () => undefined });
    search.catch(() => undefined);
    const job = await waitFor(view.client, (j) => j.method === 'topics/search' && j.state === 'running');
    controller.abort();
    await expect(search).rejects.toMatchObject({ code: 'cancelled' });
    expect((await waitFor(view.client, (j) => j.id === job.id)).detached).toBe(true);

    const panel = renderer();
    const cancelled = await panel.client.call('jobs/cancel', { id: job.id });
    const after = await waitFor(panel.client, (j) => j.id === job.id && j.state !== 'running');
    // Either it was stopped, or it had already finished by the time Cancel arrived.
    expect(cancelled.cancelling ? after.state : 'cancelled').toBe('cancelled');
    await panel.client.call('jobs/dismiss', { id: job.id });
    expect((await panel.client.call('jobs/list', {})).some((j) => j.id === job.id)).toBe(false);
  });

  it('an ordinary read of a page is not a job; a cancelled export is, and says it was cancelled', async () => {
    const view = renderer();
    await view.client.stream('records/read', { connectionId: kafkaId, target: { type: 'kafka-partition', topic, partition: 0 }, from: { type: 'start' }, limit: 100 });
    expect((await view.client.call('jobs/list', {})).some((j) => j.method === 'records/read')).toBe(false);
    const controller = new AbortController();
    const exported = view.client.stream(
      'topics/export',
      { connectionId: kafkaId, topic, scope: { kind: 'search', search: { partitions: null, from: { type: 'start' }, to: null, filter: {} } } },
      { signal: controller.signal, onBatch: () => controller.abort() },
    );
    await expect(exported).rejects.toMatchObject({ code: 'cancelled' });
    const job = await waitFor(view.client, (j) => j.method === 'topics/export' && j.state !== 'running');
    expect(job.state).toBe('cancelled');
    expect(job.survivesClose).toBe(false);
  });
  it('an import is one job: its chunks move its progress, the outcome counts bad lines, and Cancel refuses the next chunk', async () => {
    const view = renderer();
    const into = unique('jobs-import');
    await createTopic(into, {}, 1);
    try {
      const lines = Array.from({ length: 2_500 }, (_, n) => (n === 7 ? 'not json' : JSON.stringify({ topic: into, partition: 0, key: `k${n}`, payload: `v${n}` })));
      let session = '';
      const opened = new Promise<void>((resolve) => {
        const run = view.client.stream(
          'imports/run',
          { connectionId: kafkaId, into: { kind: 'topic', topic: into }, file: 'orders.jsonl', lines: lines.length },
          { onBatch: (items) => ((session = items[0]!.session), resolve()) },
        );
        void run.then((r) => (result = r));
      });
      let result: { lines: number; written: number; badLines: number } | null = null;
      await opened;
      for (let i = 0; i < lines.length; i += 1000)
        await view.client.call('topics/import', { connectionId: kafkaId, topic: into, lines: lines.slice(i, i + 1000), firstLine: i + 1, keepPartitions: true, session });
      const job = await waitFor(view.client, (j) => j.method === 'imports/run' && j.title === `Import orders.jsonl into ${into}` && j.state === 'done');
      expect(job.outcome).toBe('2,499 records written from 2,500 lines, 1 bad line skipped');
      expect(job.done).toBe(2_500);
      expect(result).toEqual({ lines: 2_500, written: 2_499, badLines: 1 });

      // Cancelled from the panel after one chunk: the next chunk is refused, and nothing more is written.
      let second = '';
      const secondRun = view.client.stream(
        'imports/run',
        { connectionId: kafkaId, into: { kind: 'topic', topic: into }, file: 'more.jsonl', lines: 3_000 },
        { onBatch: (items) => (second = items[0]!.session) },
      );
      secondRun.catch(() => undefined);
      const running = await waitFor(view.client, (j) => j.title === `Import more.jsonl into ${into}` && j.state === 'running');
      await view.client.call('topics/import', { connectionId: kafkaId, topic: into, lines: lines.slice(0, 1000), firstLine: 1, keepPartitions: true, session: second });
      expect((await view.client.call('jobs/cancel', { id: running.id })).cancelling).toBe(true);
      await expect(
        view.client.call('topics/import', { connectionId: kafkaId, topic: into, lines: lines.slice(1000, 2000), firstLine: 1001, keepPartitions: true, session: second }),
      ).rejects.toMatchObject({ code: 'cancelled' });
      await expect(secondRun).rejects.toMatchObject({ code: 'cancelled' });
      const ended = await waitFor(view.client, (j) => j.id === running.id && j.state !== 'running');
      expect(ended.state).toBe('cancelled');
      expect(ended.outcome).toBe('Cancelled after 1,000 of 3,000');
      // What the broker holds: the first import (2,499) and the one chunk before Cancel (999 good lines).
      const offsets = await view.client.call('topics/describe', { connectionId: kafkaId, topic: into });
      expect(offsets.partitions.reduce((n, p) => n + (Number(p.high) - Number(p.low)), 0)).toBe(2_499 + 999);
    } finally {
      await deleteTopics([into]);
    }
  });
  it('a read of more than a page goes on when its view lets go, and a reopened view gets every record and the summary', async () => {
    const view = renderer();
    const lines = Array.from({ length: 25_000 }, (_, n) => JSON.stringify({ streamId: `read-job-${n % 10}`, type: 'Counted', data: { n } }));
    for (let i = 0; i < lines.length; i += 5000) await view.client.call('store/import', { connectionId: 'local', lines: lines.slice(i, i + 5000), firstLine: i + 1 });
    const letGo = new AbortController();
    const read = view.client.stream(
      'records/read',
      { connectionId: 'local', target: { type: 'store-all' }, from: { type: 'start' }, limit: 20_000 },
      { detach: letGo.signal, onBatch: () => letGo.abort() },
    );
    await expect(read).rejects.toMatchObject({ code: 'cancelled' });
    const job = await waitFor(view.client, (j) => j.method === 'records/read' && j.detached);
    expect(job.title).toBe('Read $all');
    expect(job.place).toEqual({ kind: 'records', connectionId: 'local', resourceType: 'store-all', name: '$all' });

    const reopened = renderer();
    const records: Envelope[] = [];
    const end = await reopened.client.stream('jobs/attach', { id: job.id }, { onBatch: (items) => records.push(...(items as Envelope[])) });
    expect(end.dropped).toBe(0);
    expect(records).toHaveLength(20_000);
    expect(records.map((r) => Number(r.position))).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    expect(end.result).toMatchObject({ count: 20_000, next: '20001' });
    expect((await waitFor(reopened.client, (j) => j.id === job.id && j.state === 'done')).outcome).toBe('20,000 read');
  });
});
