import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka as CloudEventsKafka, type CloudEvent } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { asCloudEvent } from '../../renderer/src/compose/cloud-event';
import { createTopic, deleteTopics, kcatConsume } from '../tools/kafka-tools';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * The composer's "As a CloudEvent" in both modes, sent to Kafka through Rewind's API: the official
 * npm SDK reads each record back (from kcat's copy of the broker) as the event that was typed.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let connectionId: string;
const topic = unique('compose-ce');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-compose-ce-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  connectionId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  await createTopic(topic);
});

afterAll(async () => {
  await context?.close();
  await deleteTopics([topic]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a message made a CloudEvent in the composer', () => {
  it('made one again in the other mode, starts from the data: no event inside an event', () => {
    const form = { id: 'e', type: 't', source: '/s', subject: '' };
    const structured = asCloudEvent({ ...form, mode: 'structured' }, '{"n":1}', [], 'kafka');
    const binary = asCloudEvent({ ...form, mode: 'binary' }, structured.payload, structured.headers, 'kafka');
    expect(JSON.parse(binary.payload)).toEqual({ n: 1 });
    expect(binary.headers.filter((h) => h.name === 'content-type')).toEqual([{ name: 'content-type', type: 'string', value: 'application/json' }]);
  });

  it('binary and structured: the CloudEvents SDK reads both back as the event typed', async () => {
    const at = new Date('2026-03-01T08:15:30.250Z');
    for (const mode of ['binary', 'structured'] as const) {
      const made = asCloudEvent(
        { mode, id: `ev-${mode}`, type: 'com.acme.order.placed', source: '/shop', subject: 'o-1' },
        '{"order":"o-1","amount":5}',
        [{ name: 'tenant', type: 'string', value: 'eu' }],
        'kafka',
        at,
      );
      await client.stream(
        'publish/send',
        { connectionId, target: { kind: 'topic', topic, partition: 0 }, message: { payload: { format: 'json', text: made.payload }, headers: made.headers, key: null }, count: 1 },
        { onBatch: () => undefined },
      );
    }
    const held = kcatConsume(topic);
    expect(held).toHaveLength(2);
    for (const [i, mode] of (['binary', 'structured'] as const).entries()) {
      const r = held[i]!;
      const headers = Object.fromEntries(r.headers.map(([n, v]) => [n, v?.toString() ?? '']));
      const event = CloudEventsKafka.toEvent({ headers, key: undefined, value: r.payload!, body: r.payload!, timestamp: String(r.ts) } as unknown as Parameters<
        typeof CloudEventsKafka.toEvent
      >[0]) as CloudEvent<unknown>;
      expect(event.id).toBe(`ev-${mode}`);
      expect(event.type).toBe('com.acme.order.placed');
      expect(event.source).toBe('/shop');
      expect(event.subject).toBe('o-1');
      expect(event.time).toBe('2026-03-01T08:15:30.250Z');
      const data = typeof event.data === 'string' || Buffer.isBuffer(event.data) ? (JSON.parse(String(event.data)) as unknown) : event.data;
      expect(data).toEqual({ order: 'o-1', amount: 5 });
      // A header the user had stays beside the event's.
      expect(headers['tenant']).toBe('eu');
    }
  });
});
