import { describe, expect, it } from 'vitest';
import { fromKcatJson, toKcatJson, type RawRecord } from '../../src/model/kcat-json';

describe("kcat's -J lines", () => {
  it("writes kcat's field names and reads back every byte, binary ones as base64", () => {
    const r: RawRecord = {
      partition: 2,
      offset: 41,
      timestamp: 1_700_000_000_000,
      timestampType: 'create',
      key: Buffer.from('order-1'),
      value: Buffer.from([0x00, 0xff, 0xfe]),
      headers: [
        { key: 'type', value: Buffer.from('OrderPlaced') },
        { key: 'empty', value: null },
        { key: 'bin', value: Buffer.from([0xc3]) },
        { key: 'type', value: Buffer.from('again') },
      ],
    };
    const line = toKcatJson('orders', r);
    const json = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['topic', 'partition', 'offset', 'tstype', 'ts', 'broker', 'headers', 'key', 'payload', 'rewind_base64']);
    expect(json).toMatchObject({
      topic: 'orders',
      partition: 2,
      offset: 41,
      tstype: 'create',
      ts: 1_700_000_000_000,
      key: 'order-1',
      headers: ['type', 'OrderPlaced', 'empty', null, 'bin', 'ww==', 'type', 'again'],
      rewind_base64: ['headers.5', 'payload'],
    });
    const back = fromKcatJson(line);
    if ('error' in back) throw new Error(back.error);
    expect(back.key).toEqual(r.key);
    expect(back.value).toEqual(r.value);
    expect(back.headers).toEqual(r.headers.map((h) => [h.key, h.value]));
    expect(back.partition).toBe(2);
    expect(back.timestamp).toBe(1_700_000_000_000);
  });

  it('reads a line as kcat writes it, tombstones and missing keys included', () => {
    const kcat = '{"topic":"t","partition":0,"offset":5,"tstype":"logappend","ts":1700000000001,"broker":1,"key":null,"payload":null}';
    const r = fromKcatJson(kcat);
    expect(r).toEqual({ partition: 0, timestamp: 1700000000001, key: null, value: null, headers: [] });
  });

  it('says what is wrong with a line', () => {
    expect(fromKcatJson('{"payload": 5}')).toEqual({ error: expect.stringContaining('payload') });
    expect(fromKcatJson('not json')).toEqual({ error: expect.stringContaining('not JSON') });
    expect(fromKcatJson('{"headers":["a"]}')).toEqual({ error: expect.stringContaining('pairs') });
  });
});
