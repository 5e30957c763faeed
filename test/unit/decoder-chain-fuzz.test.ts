import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import avro from 'avsc';
import { encode as cborEncode } from 'cbor-x';
import protobuf from 'protobufjs';
import { expect, it } from 'vitest';
import { DecoderChain, type RawHeader } from '../../src/decoding/decoder-chain';
import { RegistryProblem, type RegisteredSchema, type SchemaRegistry } from '../../src/decoding/schema-registry';

/**
 * The decoder chain reads what anyone wrote: 100,000 random, truncated and hostile payloads (declared
 * lengths and counts at their maxima, a gzip bomb, framed values with ids the registry does not know)
 * through every decoder end decoded or raw with a reason, never a throw, each within a bound. The
 * registry here is a table of schemas (the chain's own registry client is tested against a real one).
 */
const PAYMENT = {
  type: 'record',
  name: 'Payment',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: 'long' } },
  ],
};
const NULLS = { type: 'record', name: 'Nulls', fields: [{ name: 'many', type: { type: 'array', items: 'null' } }] };
const PROTO = 'syntax = "proto3";\npackage f;\nmessage A { string s = 1; repeated int64 n = 2; B b = 3; }\nmessage B { bytes raw = 1; map<string, A> m = 2; }\n';
const SCHEMAS: Record<number, RegisteredSchema> = {
  1: { format: 'AVRO', text: JSON.stringify(PAYMENT), references: [], subjects: [{ subject: 'f-value', version: 1 }] },
  2: { format: 'PROTOBUF', text: PROTO, references: [], subjects: [] },
  3: { format: 'JSON', text: '{}', references: [], subjects: [] },
  4: { format: 'AVRO', text: JSON.stringify(NULLS), references: [], subjects: [] },
};
const registry = {
  url: 'table',
  schema: async (id: number) => {
    const s = SCHEMAS[id];
    if (!s) throw new RegistryProblem(`The schema registry does not know schema id ${id} (404)`);
    return s;
  },
} as unknown as SchemaRegistry;

const avroType = avro.Type.forSchema(PAYMENT as avro.Schema);
const VALID_AVRO = avroType.toBuffer({ id: 'p-1', amount: 991.5, tags: ['a', 'b'], attrs: { x: 1 } });
const protoType = protobuf.parse(PROTO).root.lookupType('f.A');
const VALID_PROTO = Buffer.from(protoType.encode(protoType.fromObject({ s: 'x', n: [1, 2], b: { raw: Buffer.from([1, 2]) } })).finish());
const VALID_MSGPACK = Buffer.from(msgpackEncode({ a: [1, 2, { b: 'c' }] }));
const VALID_CBOR = Buffer.from(cborEncode({ a: [1, 2, { b: 'c' }] }));
const frame = (id: number, body: Buffer, extra: number[] = []) => {
  const head = Buffer.alloc(5);
  head.writeInt32BE(id, 1);
  return Buffer.concat([head, Buffer.from(extra), body]);
};
/** A varint of n (n up to 2^63). */
const varint = (n: bigint) => {
  const out: number[] = [];
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return Buffer.from(out);
};
const MAX_ZIGZAG = varint((2n ** 63n - 1n) * 2n);

let CONTAINER: Buffer = Buffer.alloc(0);

function hostile(i: number): Buffer {
  if (i % 29 === 28) return CONTAINER.subarray(0, i % (CONTAINER.length + 1));
  switch (i % 14) {
    case 0:
      return randomBytes(i % 400);
    case 1:
      return frame(1, VALID_AVRO.subarray(0, i % (VALID_AVRO.length + 1)));
    case 2:
      return frame(2, VALID_PROTO.subarray(0, i % VALID_PROTO.length), [0]);
    case 3:
      // Ids the registry does not know, and garbage after a leading 0.
      return Buffer.concat([Buffer.from([0]), randomBytes(4 + (i % 40))]);
    case 4:
      // Avro: a string, an array block, a map block declared at the largest count there is.
      return frame(1, Buffer.concat([MAX_ZIGZAG, randomBytes(i % 20)]));
    case 5:
      return frame(1, Buffer.concat([Buffer.from([2, 0x41]), Buffer.alloc(8), MAX_ZIGZAG, randomBytes(i % 8)]));
    case 6:
      // Avro arrays of null: each item is no bytes, a count of 2^62 would loop for ever.
      return frame(4, Buffer.concat([MAX_ZIGZAG, Buffer.from([0])]));
    case 7:
      // Protobuf: message indexes and a length-delimited field declared at their maxima.
      return frame(2, Buffer.concat([Buffer.from([0x1a]), varint(2n ** 32n - 1n), randomBytes(i % 30)]), i % 2 ? [0xfe, 0xff, 0xff, 0xff, 0x0f, 2] : [0]);
    case 8:
      return frame(3, i % 3 ? randomBytes(i % 100) : Buffer.from(`{"n":${i}}`));
    case 9:
      return VALID_MSGPACK.subarray(0, i % (VALID_MSGPACK.length + 1));
    case 10:
      // MessagePack str32 / array32 / map32 declaring 4 GB; CBOR lengths at 2^64.
      return Buffer.from([[0xdb, 0xdd, 0xdf][i % 3]!, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
    case 11:
      return i % 2 ? VALID_CBOR.subarray(0, i % VALID_CBOR.length) : Buffer.from([[0x9b, 0xbb, 0x7b][i % 3]!, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
    case 12:
      // Schemaless Protobuf nested as deep as bytes allow.
      return Buffer.concat([...Array.from({ length: 50 }, (_, d) => Buffer.from([0x0a, 100 - d])), randomBytes(i % 50)]);
    default:
      return i % 2 ? gzipSync(Buffer.from(`{"n":${i}}`)).subarray(0, i % 30) : randomBytes(i % 10);
  }
}

const BOMB = gzipSync(Buffer.alloc(64 * 1024 * 1024));

it('100,000 hostile payloads through every decoder: decoded, or raw with the reason, never a throw', { timeout: 180_000 }, async () => {
  // An Avro object container as avsc's block encoder writes it, cut anywhere.
  CONTAINER = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const encoder = new avro.streams.BlockEncoder(avroType, { codec: 'deflate' });
    encoder.on('data', (c: Buffer) => chunks.push(c));
    encoder.on('end', () => resolve(Buffer.concat(chunks)));
    encoder.on('error', reject);
    for (let n = 0; n < 50; n++) encoder.write({ id: `p-${n}`, amount: n, tags: [], attrs: {} });
    encoder.end();
  });
  const chain = new DecoderChain(registry);
  const apicurio: RawHeader[] = [{ name: 'apicurio.value.globalId', bytes: Buffer.from([0, 0, 0, 0, 0, 0, 0, 9]) }];
  const payloads = Array.from({ length: 100_000 }, (_, i) => hostile(i));
  payloads.push(BOMB);
  await chain.prepare(
    payloads.map((bytes) => ({ bytes, headers: [] })),
    'value',
  );
  await chain.prepare([{ bytes: Buffer.from([1]), headers: apicurio }], 'value');
  const seen = new Map<string, number>();
  let slowest = 0;
  for (const [i, bytes] of payloads.entries()) {
    const started = performance.now();
    const d = chain.decode(bytes, i % 97 === 0 ? apicurio : [], 'value', 'f');
    slowest = Math.max(slowest, performance.now() - started);
    if (bytes.length === 0) {
      expect(d).toBeNull();
      continue;
    }
    const v = d!.decoded;
    // Decoded into JSON, or shown as the bytes are (JSON, text, bytes), or raw with its reason.
    if (v.text !== null) expect(() => JSON.parse(v.text!)).not.toThrow();
    else if (v.problem === null) expect(['JSON', 'Text', 'Bytes']).toContain(v.decoder);
    else expect(v.problem.length).toBeGreaterThan(10);
    seen.set(v.problem ? `${v.decoder}: raw` : v.decoder, (seen.get(v.problem ? `${v.decoder}: raw` : v.decoder) ?? 0) + 1);
  }
  // Every decoder was reached, and framed values it could not read stayed raw with the reason.
  for (const d of ['Avro', 'Protobuf', 'JSON Schema', 'Avro: raw', 'Protobuf: raw', 'Schema registry: raw', 'MessagePack', 'CBOR', 'Protobuf (no schema)', 'Bytes', 'gzip → JSON'])
    expect(seen.get(d), d).toBeGreaterThan(0);
  // No payload held the decoder: a loop over a declared count would take seconds.
  expect(slowest).toBeLessThan(2_000);
  // The bomb stops at the gzip limit and is shown as the bytes it is.
  const bomb = chain.decode(BOMB, [], 'value')!.decoded;
  expect(bomb.passed.join('\n')).toMatch(/gzip: magic bytes 1f 8b, but/);
  // 20 million nulls declared in 4 bytes: refused by the schema's shape, not allocated.
  const nulls = chain.decode(frame(4, Buffer.concat([varint(40_000_000n), Buffer.from([0])])), [], 'value')!.decoded;
  expect(nulls.problem).toMatch(/arrays of null, which take no bytes/);
});
