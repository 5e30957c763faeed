import { describe, expect, it } from 'vitest';
import { decodeMessage, Amqp10Error } from '../../src/sources/rabbitmq/stream-amqp10';
import { forEachRecord } from '../../src/sources/rabbitmq/stream-chunk';
import { streamRecordToEnvelope } from '../../src/sources/rabbitmq/stream-message';
import { gzipSync } from 'node:zlib';

/**
 * AMQP 1.0 messages as the specification encodes them (section 3.2 and the type system of part
 * 1), written byte by byte here, independently of the decoder: what AMQP 1.0 and stream-protocol
 * publishers store, which an AMQP 0.9.1 publisher cannot produce (ulongs past 2^53, uuids,
 * symbols, arrays, described values, several data sections, an amqp-value body, a footer).
 */
const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const str8 = (s: string) => Buffer.concat([Buffer.from([0xa1, Buffer.byteLength(s)]), Buffer.from(s)]);
const sym8 = (s: string) => Buffer.concat([Buffer.from([0xa3, s.length]), Buffer.from(s, 'latin1')]);
const bin8 = (b: Buffer) => Buffer.concat([Buffer.from([0xa0, b.length]), b]);
const list8 = (...items: Buffer[]) => {
  const body = Buffer.concat(items);
  return Buffer.concat([Buffer.from([0xc0, body.length + 1, items.length]), body]);
};
const map8 = (...pairs: [Buffer, Buffer][]) => {
  const body = Buffer.concat(pairs.flat());
  return Buffer.concat([Buffer.from([0xc1, body.length + 1, pairs.length * 2]), body]);
};
const section = (code: number, value: Buffer) => Buffer.concat([Buffer.from([0x00, 0x53, code]), value]);
const NULL = hex('40');

const MESSAGE = Buffer.concat([
  // header: durable, priority 7, ttl 60000, first-acquirer false, delivery-count 2
  section(0x70, list8(hex('41'), hex('50 07'), hex('70 0000ea60'), hex('42'), hex('52 02'))),
  section(0x71, map8([sym8('x-opt-delivery'), str8('da')])),
  section(0x72, map8([sym8('x-opt-partition-key'), str8('eu')], [sym8('x-routing-key'), str8('orders.eu')])),
  // properties: message-id (ulong past 2^53), user-id, to, subject, reply-to, correlation-id (uuid),
  // content-type, content-encoding, absolute-expiry-time, creation-time, group-id, group-sequence, reply-to-group-id
  section(
    0x73,
    list8(
      hex('80 0020000000000001'),
      bin8(Buffer.from('ann')),
      str8('/queues/x'),
      str8('OrderPlaced'),
      str8('/queues/replies'),
      hex('98 0123456789abcdef0123456789abcdef'),
      sym8('application/json'),
      sym8('identity'),
      hex('83 0000018bcfe56800'),
      hex('83 0000018bcfe56bfa'),
      str8('g-1'),
      hex('52 05'),
      NULL,
    ),
  ),
  section(
    0x74,
    map8(
      [str8('big'), hex('80 ffffffffffffffff')],
      [str8('neg'), hex('81 8000000000000000')],
      [str8('small'), hex('54 fe')],
      [str8('pi'), hex('82 400921fb54442d18')],
      [str8('when'), hex('83 0000018bcfe56800')],
      [str8('raw'), bin8(Buffer.from([0x00, 0xff]))],
      [str8('sym'), sym8('gold')],
      [str8('id'), hex('98 0123456789abcdef0123456789abcdef')],
      [str8('none'), NULL],
      [str8('yes'), hex('56 01')],
      [str8('d32'), hex('74 3200000c')],
      [str8('ints'), hex('e0 0e 03 71 00000001 00000002 00000003')],
      [str8('causation-id'), str8('c-9')],
    ),
  ),
  section(0x75, bin8(Buffer.from('{"a":'))),
  section(0x75, bin8(Buffer.from('1}'))),
  section(0x78, map8([sym8('x-opt-crc'), hex('70 00000001')])),
]);

describe('AMQP 1.0 messages from a stream', () => {
  it('reads every section and keeps each value exact and typed', () => {
    const e = streamRecordToEnvelope('orders', 41n, Date.UTC(2026, 0, 1), MESSAGE);
    // Two data sections are one body, their bytes joined.
    expect(e.payload).toEqual({ kind: 'json', text: '{"a":1}', bytes: 7 });
    expect(e.id).toBe('9007199254740993');
    expect(e.type).toBe('OrderPlaced');
    expect(e.correlationId).toBe('01234567-89ab-cdef-0123-456789abcdef');
    expect(e.causationId).toBe('c-9');
    expect(e.key).toMatchObject({ kind: 'text', text: 'orders.eu' });
    expect(e.timestamp).toBe('2023-11-14T22:13:21.018Z');
    expect(Object.fromEntries(e.properties.map((p) => [p.name, [p.value, p.type]]))).toEqual({
      content_type: ['application/json', 'shortstr'],
      content_encoding: ['identity', 'shortstr'],
      delivery_mode: ['2', 'octet'],
      priority: ['7', 'octet'],
      correlation_id: ['01234567-89ab-cdef-0123-456789abcdef', 'shortstr'],
      reply_to: ['/queues/replies', 'shortstr'],
      message_id: ['9007199254740993', 'shortstr'],
      timestamp: ['2023-11-14T22:13:21.018Z', 'timestamp'],
      user_id: ['ann', 'shortstr'],
      to: ['/queues/x', 'string'],
      subject: ['OrderPlaced', 'string'],
      absolute_expiry_time: ['2023-11-14T22:13:20.000Z', 'timestamp'],
      group_id: ['g-1', 'string'],
      group_sequence: ['5', 'integer'],
      ttl: ['60000', 'integer'],
      first_acquirer: ['false', 'boolean'],
      delivery_count: ['2', 'integer'],
      'x-opt-partition-key': ['eu', 'string'],
    });
    expect(Object.fromEntries(e.headers.map((h) => [h.name, [h.value, h.type]]))).toEqual({
      big: ['18446744073709551615', 'integer'],
      neg: ['-9223372036854775808', 'integer'],
      small: ['-2', 'integer'],
      pi: ['3.141592653589793', 'float'],
      when: ['2023-11-14T22:13:20.000Z', 'timestamp'],
      raw: ['AP8=', 'bytes'],
      sym: ['gold', 'symbol'],
      id: ['01234567-89ab-cdef-0123-456789abcdef', 'uuid'],
      none: [null, 'void'],
      yes: ['true', 'boolean'],
      d32: ['3200000c', 'decimal32'],
      ints: ['[1,2,3]', 'array'],
      'causation-id': ['c-9', 'string'],
    });
    const m = decodeMessage(MESSAGE);
    expect(m.footer).toHaveLength(1);
    expect(m.deliveryAnnotations).toHaveLength(1);
  });

  it('an amqp-value body: text as its bytes, a structured value as JSON, and says which', () => {
    const text = streamRecordToEnvelope('q', 0n, 0, section(0x77, str8('héllo')));
    expect(text.payload).toMatchObject({ kind: 'text', text: 'héllo' });
    expect(text.properties).toContainEqual({ name: 'body_section', value: 'amqp-value', type: 'symbol' });
    const structured = streamRecordToEnvelope('q', 0n, 0, section(0x77, map8([str8('n'), hex('54 05')])));
    expect(structured.payload).toMatchObject({ kind: 'json', text: '{"n":5}' });
  });

  it('a message with no time of its own takes its chunk’s', () => {
    expect(streamRecordToEnvelope('q', 3n, Date.UTC(2026, 0, 2, 3, 4, 5), section(0x75, bin8(Buffer.from('x')))).timestamp).toBe('2026-01-02T03:04:05.000Z');
  });

  it('refuses bytes that are not AMQP 1.0 instead of guessing', () => {
    expect(() => decodeMessage(hex('00 53 75 a0 10 41'))).toThrow(Amqp10Error);
    expect(() => decodeMessage(hex('00 53 75 ff'))).toThrow(/unknown format code 0xff/);
  });
});

describe('records of a chunk', () => {
  const one = (s: string) => section(0x75, bin8(Buffer.from(s)));
  const entry = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  it('counts offsets through plain entries and gzip sub-entry batches, from the middle of a chunk', () => {
    const inner = Buffer.concat(['b0', 'b1', 'b2'].map((s) => entry(one(s))));
    const zipped = gzipSync(inner);
    const batch = Buffer.alloc(11);
    batch[0] = 0x80 | (1 << 4);
    batch.writeUInt16BE(3, 1);
    batch.writeUInt32BE(inner.length, 3);
    batch.writeUInt32BE(zipped.length, 7);
    const data = Buffer.concat([entry(one('a0')), batch, zipped, entry(one('c0'))]);
    const chunk = { first: 100n, records: 5, entries: 3, timestamp: 0, type: 0, data, crc: 0 };
    const seen: [bigint, string][] = [];
    forEachRecord(chunk, 101n, 104n, (offset, message) => seen.push([offset, decodeMessage(message).body.toString()]));
    expect(seen).toEqual([
      [101n, 'b0'],
      [102n, 'b1'],
      [103n, 'b2'],
      [104n, 'c0'],
    ]);
  });
});
