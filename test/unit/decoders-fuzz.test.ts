import { describe, expect, it } from 'vitest';
import { RewindError } from '../../src/model/errors';
import { headerOf } from '../../src/sources/kafka/kafka-envelope';
import { decodeFetchResponse } from '../../src/sources/kafka/fetch-response';
import { readRecordSet } from '../../src/sources/kafka/record-batches';
import { amqpHeader } from '../../src/sources/rabbitmq/amqp-values';
import { deathOf } from '../../src/model/dead-letters';
import type { Envelope, Header } from '../../src/model/envelope';
import { decodePayload } from '../../src/model/payload';
import { wireData } from '../../src/model/wire-data';
import { batch } from '../tools/kafka-batch';
import { prettyJson } from '../../renderer/src/records/json-pretty';
import { hexDump } from '../../renderer/src/records/JsonView';

/**
 * 100,000 random and truncated byte strings through every decoder that meets bytes from outside:
 * payloads (JSON, text, hex), header values, x-death, Spring and Connect headers, record batches
 * and fetch responses. None may crash the caller or hang; what cannot be decoded says why.
 */
const INPUTS = 100_000;

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: <T>(xs: readonly T[]) => xs[int(xs.length)]!, bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))) };
}

// --- Valid samples to cut and flip: a Kafka record batch, its gzip form, JSON, x-death. ------------

const sampleRecords = [
  {
    key: Buffer.from('k'),
    value: Buffer.from('{"a": 12345678901234567891, "a": 1e2}'),
    headers: [
      ['h', null],
      ['b', Buffer.from([0, 1])],
    ] as [string, Buffer | null][],
  },
  { key: null, value: null, headers: [] as [string, Buffer | null][] },
];
const SAMPLES = [
  batch(sampleRecords),
  batch(sampleRecords, 1),
  Buffer.from('{"nested": [1, 2.50, -0, "x\\u0041", {"k": true, "k": null}], "big": 9007199254740993}'),
  Buffer.from(JSON.stringify([{ count: 2, reason: 'expired', queue: 'q', exchange: '', 'routing-keys': ['a', 'b'], time: '2026-01-01T00:00:00.000Z' }])),
];

function input(r: ReturnType<typeof prng>): Buffer {
  const kind = r.int(4);
  if (kind === 0) return r.bytes(r.int(200));
  const sample = Buffer.from(r.pick(SAMPLES));
  if (kind === 1) return sample.subarray(0, r.int(sample.length + 1)); // truncated
  for (let flips = 1 + r.int(4); flips > 0; flips--) sample[r.int(sample.length)] = r.int(256); // damaged
  return kind === 2 ? sample : sample.subarray(r.int(sample.length));
}

const env = (source: Envelope['source'], headers: Header[]): Envelope => ({
  source,
  resource: 'x',
  partition: null,
  position: '1',
  id: null,
  type: null,
  timestamp: null,
  timestampType: null,
  key: null,
  headers,
  properties: [],
  payload: { kind: 'empty' },
  correlationId: null,
  causationId: null,
  streamId: null,
  streamVersion: null,
});

/** Only the decoder's own, named failures are allowed out. (Plain checks: `expect` per input is slow.) */
function mustBeNamedFailure(e: unknown) {
  if (!(e instanceof RangeError || e instanceof RewindError)) throw new Error(`an unnamed failure escaped a decoder: ${String(e)}`);
}
function must(ok: boolean, what: string) {
  if (!ok) throw new Error(what);
}

describe(`decoders under ${INPUTS.toLocaleString('en-US')} random and truncated inputs`, () => {
  it('never crash, never hang, and say why when they cannot decode', () => {
    const r = prng(2026);
    const counts = { recordSetsRead: 0, recordSetsRefused: 0, fetchesRefused: 0, jsonPretty: 0, xDeathProblems: 0, springProblems: 0 };
    const started = Date.now();
    for (let i = 0; i < INPUTS; i++) {
      const bytes = input(r);
      const text = bytes.toString('utf8');

      const payload = decodePayload(bytes);
      must(['null', 'empty', 'json', 'text', 'binary'].includes(payload.kind), `payload kind ${payload.kind}`);
      if (payload.kind === 'binary') must(hexDump(payload.base64).length > 0, 'an empty hex dump');
      JSON.parse(wireData(bytes));

      const parts = prettyJson(text);
      if (parts) {
        counts.jsonPretty++;
        // Pretty-printing changes whitespace between tokens only.
        must(
          parts
            .map((p) => p.text)
            .join('')
            .replace(/\s+/g, '') === text.replace(/\s+/g, ''),
          `pretty JSON changed ${text}`,
        );
      }

      const h = headerOf({ key: 'h', value: bytes });
      must((h.binary ? Buffer.from(h.value!, 'base64') : Buffer.from(h.value!, 'utf8')).equals(bytes), 'a header value changed bytes');
      amqpHeader('h', r.pick([bytes, text, { '!': 'decimal', value: { places: r.int(10), digits: r.int(1e6) } }, { '!': 'timestamp', value: r.int(2 ** 31) }, [bytes, { a: text }], null]));

      const rabbit = deathOf(
        env('rabbitmq', [
          { name: 'x-death', value: text },
          { name: 'x-first-death-reason', value: 'rejected' },
        ]),
      );
      if (rabbit.problems.length) counts.xDeathProblems++;
      const kafka = deathOf(
        env('kafka', [
          { name: 'kafka_dlt-original-topic', value: 'orders' },
          { name: 'kafka_dlt-original-partition', value: bytes.toString('base64'), binary: true },
          { name: 'kafka_dlt-original-offset', value: text },
          { name: '__connect.errors.partition', value: text },
        ]),
      );
      if (kafka.problems.length) counts.springProblems++;

      try {
        readRecordSet(bytes, 'fuzz/0');
        counts.recordSetsRead++;
      } catch (e) {
        mustBeNamedFailure(e);
        counts.recordSetsRefused++;
      }
      try {
        decodeFetchResponse(bytes, r.pick([4, 7, 11]));
      } catch (e) {
        mustBeNamedFailure(e);
        counts.fetchesRefused++;
      }
    }
    console.log(`decoder fuzz: ${INPUTS} inputs in ${Date.now() - started} ms`, counts);
    // The truncated and damaged samples exercise the failure paths, and the intact ones decode.
    expect(counts.recordSetsRefused).toBeGreaterThan(1000);
    expect(counts.recordSetsRead).toBeGreaterThan(1000);
    expect(counts.xDeathProblems).toBeGreaterThan(1000);
    expect(counts.springProblems).toBeGreaterThan(1000);
  }, 120_000);

  it('the intact samples decode to what was written', () => {
    const [plain, gzipped] = [readRecordSet(SAMPLES[0]!, 't/0'), readRecordSet(SAMPLES[1]!, 't/0')];
    for (const batches of [plain, gzipped]) {
      expect(batches).toHaveLength(1);
      const [a, b] = batches[0]!.records;
      expect(a).toMatchObject({
        offset: 100,
        timestamp: 1_700_000_000_000,
        key: Buffer.from('k'),
        value: sampleRecords[0]!.value,
        headers: [
          { key: 'h', value: null },
          { key: 'b', value: Buffer.from([0, 1]) },
        ],
      });
      expect(b).toMatchObject({ offset: 101, key: null, value: null, headers: [] });
    }
  });
});
