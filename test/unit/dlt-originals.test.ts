import { describe, expect, it } from 'vitest';
import { findOriginals, rebuild, type FetchAt } from '../../src/sources/kafka/dlt-originals';
import type { KafkaRecord } from '../../src/sources/kafka/record-batches';
import type { KafkaOrigin } from '../../src/model/dead-letters';

const rec = (offset: number, key: string | null, headers: [string, string | null][], timestamp = 1000): KafkaRecord => ({
  offset,
  timestamp,
  timestampType: 'CreateTime' as KafkaRecord['timestampType'],
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(`v${offset}`),
  headers: headers.map(([k, v]) => ({ key: k, value: v === null ? null : Buffer.from(v) })),
});

const spring: KafkaOrigin = {
  convention: 'spring',
  topic: 'orders',
  partition: 0,
  offset: '5',
  timestamp: new Date(1000).toISOString(),
  group: 'g',
  connector: null,
  taskId: null,
  stage: null,
  failingClass: null,
  rootCause: null,
  exceptionClass: null,
  causeClass: null,
  message: null,
  stackTrace: null,
};
const place = { topic: 'orders', partition: 0, offset: 5 };
const text = (hs: [string, Buffer | null][]) => hs.map(([k, v]) => [k, v === null ? null : v.toString()]);

describe('what a redriven Kafka record is made of', () => {
  const dead = rec(
    0,
    'k',
    [
      ['__TypeId__', 'com.acme.Order'],
      ['tenant', 'acme'],
      ['kafka_dlt-original-topic', 'orders'],
      ['kafka_dlt-exception-message', 'boom'],
      ['__TypeId__', 'java.util.LinkedHashMap'],
      ['__ContentTypeId__', 'java.lang.Object'],
      ['__KeyTypeId__', 'java.lang.Object'],
    ],
    99_999,
  );

  it('the original, when it sits at its offset with the same key and time: its headers, value and time, nothing of the DLT', () => {
    const original = rec(5, 'k', [
      ['tenant', 'acme'],
      ['trace', null],
    ]);
    const r = rebuild(dead, spring, place, original);
    expect(text(r.headers)).toEqual([
      ['tenant', 'acme'],
      ['trace', null],
    ]);
    expect(r).toMatchObject({ value: Buffer.from('v5'), timestamp: 1000, note: 'as the original at orders/0/5' });
  });

  it("the DLT's copy when the original is gone: Spring's type headers written after its context dropped, those before kept; the original time", () => {
    const r = rebuild(dead, spring, place, null);
    expect(text(r.headers)).toEqual([
      ['__TypeId__', 'com.acme.Order'],
      ['tenant', 'acme'],
    ]);
    expect(r.timestamp).toBe(1000);
    expect(r.value!.toString()).toBe('v0');
    expect(r.note).toBe(
      "the original is no longer in orders/0/5: the dead letter's copy, without __TypeId__, __ContentTypeId__, __KeyTypeId__ (added by the DLT's serializer); its value is the dead letter's",
    );
  });

  it('another record at that offset (compaction, a recreated topic) is not taken for the original', () => {
    expect(rebuild(dead, spring, place, rec(5, 'other-key', [])).note).toMatch(/^the record at orders\/0\/5 is another one/);
    expect(rebuild(dead, spring, place, rec(5, 'k', [], 2000)).note).toMatch(/is another one/);
  });

  it('Kafka Connect: the DLQ record keeps the original time, and only its context headers go', () => {
    const connect: KafkaOrigin = { ...spring, convention: 'connect', timestamp: null };
    const dlq = rec(3, null, [
      ['a', '1'],
      ['__connect.errors.topic', 'orders'],
      ['__TypeId__', 'x'],
    ]);
    const r = rebuild(dlq, connect, place, null);
    expect(text(r.headers)).toEqual([
      ['a', '1'],
      ['__TypeId__', 'x'],
    ]);
    expect(r.timestamp).toBe(1000);
  });
});

describe('finding originals', () => {
  it('one fetch covers every place its batches reach; places past it, or gone, take their own', async () => {
    const calls: number[] = [];
    const log = new Map([10, 11, 12, 14, 40].map((o) => [o, rec(o, `k${o}`, [])]));
    const fetchAt: FetchAt = async (_t, _p, offset) => {
      calls.push(offset);
      if (offset < 10 || offset > 40) return null;
      const records = [...log.values()].filter((r) => r.offset >= offset && r.offset < offset + 10);
      return { records, next: Math.min(offset + 10, 41) };
    };
    const found = await findOriginals(
      [12, 10, 13, 40, 3, 10].map((offset) => ({ topic: 't', partition: 0, offset })),
      fetchAt,
    );
    expect(calls).toEqual([3, 10, 40]);
    const at = (o: number) => found.get(`t\u00000\u0000${o}`);
    expect(at(10)?.offset).toBe(10);
    expect(at(12)?.offset).toBe(12);
    expect(at(13)).toBeNull(); // compacted away
    expect(at(3)).toBeNull(); // retention took it
    expect(at(40)?.offset).toBe(40);
  });
});
