import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { Envelope } from '../../src/model/envelope';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { createTopic, deleteTopics, kcatProduce } from '../tools/kafka-tools';
import { KAFKA_PORT, unique } from './brokers';
import { inMemoryClient } from './in-memory-client';

/**
 * One table of header conventions (src/model/conventions.ts) for the record table and the search:
 * records written by kcat, whose headers come in the order their producers wrote them, show the
 * same id and type in both, whatever the case of the header's name, and Spring's `__TypeId__` (a
 * Java class) is the type only when nothing better names it.
 */
let dir: string;
let context: AppContext;
let client: RewindClient;
let kafkaId: string;
const topic = unique('conventions');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-conventions-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  kafkaId = (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: KAFKA_PORT, tls: false, username: '', sasl: 'none' })).id;
  await createTopic(topic);
  const value = Buffer.from('{"order":"o-1"}');
  kcatProduce(topic, [
    // Spring writes its class header first; the CloudEvents binding names the event.
    { key: 'o-1', headers: ['__TypeId__=com.acme.OrderPlacedEvent', 'ce_type=com.acme.order.placed', 'ce_id=ev-1', 'ce_correlationid=corr-1', 'ce_causationid=cause-1'], value },
    // A team's own spelling, capitalised.
    { key: 'o-2', headers: ['Event-Type=OrderShipped', 'Message-Id=m-2', 'Correlation-Id=corr-2'], value },
    // Only Spring's header: the class is all there is.
    { key: 'o-3', headers: ['__TypeId__=com.acme.OrderCancelled'], value },
  ]);
});

afterAll(async () => {
  await context.close();
  await deleteTopics([topic]);
  rmSync(dir, { recursive: true, force: true });
});

it('the table reads id, type, correlation and causation by the table of conventions, not by header order', async () => {
  const page = await client.call('topics/page', { connectionId: kafkaId, topic, partitions: null, from: { type: 'start' }, direction: 'forward', limit: 10 });
  const shown = page.records.map((r: Envelope) => [r.id, r.type, r.correlationId, r.causationId]);
  expect(shown).toEqual([
    ['ev-1', 'com.acme.order.placed', 'corr-1', 'cause-1'],
    ['m-2', 'OrderShipped', 'corr-2', null],
    [null, 'com.acme.OrderCancelled', null, null],
  ]);
  // Which rule each came from, as the detail pane says it.
  expect(page.records.map((r: Envelope) => r.rules?.type)).toEqual(['header ce_type (CloudEvents)', 'header Event-Type', "header __TypeId__ (Spring: the payload's Java class)"]);
  expect(page.records[1]?.rules).toEqual({ id: 'header Message-Id', type: 'header Event-Type', correlationId: 'header Correlation-Id' });
});

it('a search predicate sees the type the table shows, whatever the case of the header', async () => {
  const keysWhere = async (predicate: string) => {
    const keys: string[] = [];
    await client.stream(
      'topics/search',
      { connectionId: kafkaId, topic, partitions: null, from: { type: 'start' }, to: null, filter: { predicate }, limit: 100, isolation: 'read_committed' },
      { onBatch: (items) => items.forEach((i) => i.kind === 'hits' && keys.push(...i.records.map((r) => (r.key?.kind === 'text' ? r.key.text : '?')))) },
    );
    return keys;
  };
  expect(await keysWhere("(r) => r.type === 'com.acme.order.placed'")).toEqual(['o-1']);
  expect(await keysWhere("(r) => r.type === 'OrderShipped'")).toEqual(['o-2']);
  expect(await keysWhere("(r) => r.type === 'com.acme.OrderCancelled'")).toEqual(['o-3']);
});
