import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { crc32c, lz4Compress, snappyCompress } from '@platformatic/wasm-utils/bundled';
import { decompress } from '../../../src/sources/kafka/codecs';
import { decodeFetchResponse } from '../../../src/sources/kafka/fetch-response';
import { readRecordSet } from '../../../src/sources/kafka/record-batches';
import { decodeMessage } from '../../../src/sources/rabbitmq/stream-amqp10';
import { forEachRecord } from '../../../src/sources/rabbitmq/stream-chunk';
import { streamRecordToEnvelope } from '../../../src/sources/rabbitmq/stream-message';
import { StreamConnection, type Chunk } from '../../../src/sources/rabbitmq/stream-protocol';
import { rangeBatches, type RangeOutcome } from '../../../src/sources/rabbitmq/stream-read';
import { StreamReader } from '../../../src/sources/rabbitmq/stream-reader';
import { batchAround, recordsBody, varint } from '../../tools/kafka-batch';
import { batchBody, deliverFrame, fakeStreamServer, frame, messagesChunk, sendLazily, subEntryBatch, type ChunkSpec, type Subscription } from '../../tools/fake-stream-server';

/**
 * One hostile input through one decoder, in a process of its own started with a small heap
 * (decoders-hostile.test.ts runs it): a decoder that allocates for what the input only declares
 * ends this process (V8 aborts), which the test sees as a failure instead of losing its runner.
 * Prints one line: RESULT {case, outcome, error, rss before and after, peak RSS, heap, ms}.
 *
 * argv: <case> <folder of inputs made by the zstd, gzip and lz4 command-line tools>
 */

const [name = 'noop', inputs = '.'] = process.argv.slice(2);
const tool = (file: string) => readFileSync(join(inputs, file));
const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
/** An AMQP 1.0 message section: described by a small ulong, then its value. */
const section = (code: number, value: Buffer) => Buffer.concat([Buffer.from([0x00, 0x53, code]), value]);

// --- AMQP 1.0 inputs ---------------------------------------------------------------------------

/** A list32 nested `depth` deep around an empty list, each level's size consistent with what it holds. */
function deepLists(depth: number): Buffer {
  const b = Buffer.alloc(9 * depth + 1);
  for (let i = 0; i < depth; i++) {
    b[9 * i] = 0xd0;
    b.writeUInt32BE(b.length - 9 * i - 5, 9 * i + 1);
    b.writeUInt32BE(1, 9 * i + 5);
  }
  b[b.length - 1] = 0x45;
  return b;
}

/**
 * An array32 of `n` array8 elements, each of 255 nulls. The elements share the outer constructor
 * (0xe0); each carries its size (2), its count (255) and its own element constructor (null):
 * three bytes for 255 values.
 */
function arrayOfNullArrays(n: number): Buffer {
  const b = Buffer.alloc(10 + 3 * n);
  b[0] = 0xf0;
  b.writeUInt32BE(b.length - 5, 1);
  b.writeUInt32BE(n, 5);
  b[9] = 0xe0;
  for (let i = 10; i < b.length; i += 3) b.set([0x02, 0xff, 0x40], i);
  return b;
}

const amqpValue = (value: Buffer) => section(0x77, value);
const rich = Buffer.concat([
  section(0x70, hex('c0 0a 05 41 50 07 70 0000ea60 42 52 02')),
  section(0x73, hex('c0 1a 04 a1 03 6d2d31 40 a1 04 2f712f78 a1 0b 4f7264657250 6c61636564')),
  section(0x74, hex('c1 0e 02 a1 01 6e 81 0000000000000005 ')),
  section(0x75, hex('a0 05 68656c6c6f')),
]);

function asEnvelope(bytes: Buffer) {
  return streamRecordToEnvelope('hostile', 7n, 0, bytes);
}

// --- Stream protocol: the real read path against a fake server ---------------------------------

/** Reads stream `s` from its start through the fake server, as the core does; returns records read. */
async function readThrough(onSubscribe: (sub: Subscription) => void, options: { answerUnsubscribe?: boolean; cancelAfterMs?: number } = {}): Promise<number> {
  const server = await fakeStreamServer({ onSubscribe, stats: { first: 0n, committed: 0n }, answerUnsubscribe: options.answerUnsubscribe ?? true });
  const reader = await StreamReader.open({ host: '127.0.0.1', port: server.port, tls: false, username: 'guest', password: 'guest', vhost: '/' });
  const abort = new AbortController();
  const timer = options.cancelAfterMs === undefined ? undefined : setTimeout(() => abort.abort(), options.cancelAfterMs);
  const outcome: RangeOutcome = { bounds: null, count: 0, lastOffset: null, next: null };
  try {
    for await (const batch of rangeBatches(reader, 's', { type: 'start' }, { limit: 1000, signal: abort.signal, convert: (o, m, t) => streamRecordToEnvelope('s', o, t, m) }, outcome)) void batch;
    return outcome.count;
  } finally {
    clearTimeout(timer);
    reader.close();
    await server.close();
  }
}

const good = Buffer.concat([section(0x75, hex('a0 02 6f6b'))]);
/** Every subscription gets `chunk` (the probes for the stream's ends, then the read itself). */
const serve = (chunk: ChunkSpec) => (sub: Subscription) => sub.write(deliverFrame(sub.id, chunk));

// --- Kafka inputs --------------------------------------------------------------------------------

const kafkaRecords = [{ key: Buffer.from('k'), value: Buffer.from('v'.repeat(100)), headers: [['h', Buffer.from('x')]] as [string, Buffer | null][] }];

/** A fetch response v11 with one partition whose record set is `records` and whose counts say what they like. */
function fetchResponse(parts: { aborted: number; size: number; records: Buffer }): Buffer {
  const b = (n: number) => Buffer.alloc(n);
  const throttle = u32(0);
  const head = Buffer.concat([throttle, hex('0000'), u32(0), u32(1), hex('0001'), Buffer.from('t'), u32(1), u32(0), hex('0000'), b(8), b(8), b(8), u32(parts.aborted)]);
  return Buffer.concat([head, u32(0xffffffff), u32(parts.size), parts.records]);
}

// --- Codec inputs ----------------------------------------------------------------------------------

const XERIAL = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
const xerial = (blocks: Buffer[]) => Buffer.concat([XERIAL, ...blocks.flatMap((b) => [u32(b.length), b])]);
/** Snappy's framing format (what the RabbitMQ stream Java client's snappy codec writes). */
function snappyFramed(pieces: Buffer[]): Buffer {
  const masked = (d: Buffer) => ((((crc32c(d) >>> 15) | (crc32c(d) << 17)) >>> 0) + 0xa282ead8) >>> 0;
  const le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
  const id = Buffer.concat([Buffer.from([0xff]), le(6), Buffer.from('sNaPpY')]);
  const chunks = pieces.map((p) => {
    const c = snappyCompress(p);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(masked(p));
    return Buffer.concat([Buffer.from([0x00]), le(c.length + 4), crc, c]);
  });
  return Buffer.concat([id, ...chunks]);
}
/** A zstd frame header declaring `windowLog` without a content size, then RLE blocks of 128 KB each. */
function zstdRleFrame(blocks: number, windowByte = 0x58): Buffer {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, windowByte]);
  const block = (last: boolean) => {
    const v = (last ? 1 : 0) | (1 << 1) | ((128 * 1024) << 3);
    return Buffer.from([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, 0x00]);
  };
  return Buffer.concat([header, ...Array.from({ length: blocks }, (_, i) => block(i === blocks - 1))]);
}

// --- Random fuzz: truncation, flips and declared sizes driven to their maxima --------------------

function prng(seed: number) {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
const MAXIMA = [0xff, 0x7f, 0x80];
const WIDE = [0x7fffffff, 0xffffffff, 0x80000000, 0xfffffffe];

function mutate(rnd: (n: number) => number, sample: Buffer): Buffer {
  const b = Buffer.from(sample);
  switch (rnd(4)) {
    case 0:
      return b.subarray(0, rnd(b.length + 1));
    case 1:
      for (let i = 1 + rnd(4); i > 0; i--) b[rnd(b.length)] = rnd(256);
      return b;
    case 2:
      if (b.length >= 4) b.writeUInt32BE(WIDE[rnd(WIDE.length)]!, rnd(b.length - 3));
      return b;
    default:
      b[rnd(b.length)] = MAXIMA[rnd(MAXIMA.length)]!;
      return b;
  }
}

/**
 * Runs `inputs` mutations of the samples through `run`, giving the event loop a turn and the
 * collector a run every 500 (the process has --expose-gc), as a read does between fetches: Node
 * frees a failed gunzip's zlib state only on a later turn, so 10,000 failures in one synchronous
 * loop hold 160 MB that one turn gives back. What is bounded here is what one input takes.
 */
async function fuzz(samples: Buffer[], run: (b: Buffer) => void, inputs = 20_000) {
  const rnd = prng(17);
  let refused = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < inputs; i++) {
    if (i % 500 === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      gc?.();
    }
    try {
      run(mutate(rnd, samples[rnd(samples.length)]!));
    } catch (e) {
      if (!(e instanceof Error) || !['RangeError', 'RewindError', 'Error'].includes(e.name) || /Maximum call stack|Invalid array length|invalid size/i.test(e.message)) throw e;
      // A plain Error must be a decoder's own (Amqp10Error, StreamProtocolError): named by its class.
      if (e.name === 'Error' && e.constructor === Error) throw new Error(`an unnamed failure escaped: ${e.message}`, { cause: e });
      refused++;
    }
  }
  return { inputs, refused };
}

const chunkOf = (data: Buffer, entries: number, records: number): Chunk => ({ first: 0n, records, entries, timestamp: 0, type: 0, data, crc: 0 }) as Chunk;

// --- The cases -------------------------------------------------------------------------------------

const CASES: Record<string, () => unknown> = {
  noop: () => null,

  // AMQP 1.0 (a message anyone who may publish to a stream can write)
  'amqp array32 of 0x7fffffff nulls (13 bytes)': () => asEnvelope(hex('00 53 77 f0 00000005 7fffffff 40')),
  'amqp array32 of 0x7fffffff described nulls': () => asEnvelope(hex('00 53 77 f0 00000008 7fffffff 00 53 01 40')),
  'amqp array32 of 0x7fffffff empty lists': () => asEnvelope(hex('00 53 77 f0 00000005 7fffffff 45')),
  'amqp array32 of 0x7fffffff ulong0': () => asEnvelope(hex('00 53 77 f0 00000005 7fffffff 44')),
  'amqp arrays of null arrays (3 bytes per 255 values)': () => asEnvelope(amqpValue(arrayOfNullArrays(300_000))),
  'amqp list32 claiming 0x7fffffff items': () => asEnvelope(amqpValue(hex('d0 00000004 7fffffff'))),
  'amqp map32 claiming 0x7fffffff items': () => asEnvelope(section(0x74, hex('d1 00000004 7fffffff'))),
  'amqp binary32 of 4 GB': () => asEnvelope(section(0x75, Buffer.concat([hex('b0 ffffffff'), Buffer.alloc(64)]))),
  'amqp string32 of 4 GB': () => asEnvelope(amqpValue(Buffer.concat([hex('b1 ffffffff'), Buffer.alloc(64)]))),
  'amqp lists nested 100,000 deep': () => asEnvelope(amqpValue(deepLists(100_000))),
  'amqp described values nested 1,000,000 deep': () => asEnvelope(amqpValue(Buffer.alloc(1_000_000))),
  'amqp random, truncated and maximal': () => fuzz([rich, amqpValue(hex('f0 00000009 00000002 70 00000001 00000002')), amqpValue(deepLists(20))], (b) => decodeMessage(b)),

  // Stream chunks as the read path gets them, from a fake stream-protocol server
  'stream control: a good chunk reads': () => readThrough(serve(messagesChunk(0n, [good, good]))),
  'stream chunk with a bad CRC': () => readThrough(serve({ ...messagesChunk(0n, [good, good]), crc: 0xdeadbeef })),
  'stream chunk claiming 4 billion records': () => readThrough(serve({ ...messagesChunk(0n, [good]), records: 0xffffffff })),
  'stream chunk whose data runs past its frame': () =>
    readThrough((sub) => {
      const f = deliverFrame(sub.id, messagesChunk(0n, [good]));
      f.writeUInt32BE(0xfffffff0, 4 + 4 + 1 + 36); // the data length in the chunk header
      sub.write(f);
    }),
  'stream frame declared 4 GB (512 MB sent)': () =>
    readThrough((sub) => {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(0xffffffff);
      sendLazily(sub.socket, Buffer.concat([head, frame(8, Buffer.from([sub.id])).subarray(4, 8)]), 512 * 1024 * 1024);
    }),
  'stream server flooding chunks it was not asked for': () =>
    readThrough((sub) => {
      const f = deliverFrame(sub.id, messagesChunk(0n, [good]));
      for (let i = 0; i < 20_000; i++) sub.write(f);
    }),
  'stream read cancelled while a frame never finishes (unsubscribe never answered)': () =>
    readThrough(
      (sub) => {
        // A delivery of 8 MB (under the limit) of which 1 KB ever comes.
        const head = Buffer.alloc(8);
        head.writeUInt32BE(8 * 1024 * 1024);
        head.writeUInt16BE(8, 4);
        head.writeUInt16BE(1, 6);
        sub.socket.write(Buffer.concat([head, Buffer.alloc(1024)]));
      },
      { answerUnsubscribe: false, cancelAfterMs: 500 },
    ),
  'stream StreamStats claiming 0x7fffffff entries': async () => {
    const server = await fakeStreamServer({ onSubscribe: () => undefined, rawStats: Buffer.concat([u32(0x7fffffff), hex('0001 61'), Buffer.alloc(8)]) });
    const conn = await StreamConnection.open({ host: '127.0.0.1', port: server.port, tls: false, username: 'g', password: 'g', vhost: '/' }, 3000);
    try {
      return await conn.streamStats('s');
    } finally {
      conn.close();
      await server.close();
    }
  },
  'stream sub-entry batch of zstd: 33 KB that becomes 1 GB (zstd CLI)': () => {
    const bomb = tool('zeros-1g.zst');
    forEachRecord(chunkOf(subEntryBatch(4, 1000, 0, bomb), 1, 1000), 0n, 10n, () => undefined);
  },
  'stream sub-entry batch of gzip: 1 GB of zeros (gzip CLI, 16 members)': () => {
    const bomb = tool('zeros-1g.gz');
    forEachRecord(chunkOf(subEntryBatch(1, 1000, 0, bomb), 1, 1000), 0n, 10n, () => undefined);
  },
  'stream sub-entry batch of lz4: 256 MB of zeros (lz4 CLI)': () => {
    const bomb = tool('zeros-256m.lz4');
    forEachRecord(chunkOf(subEntryBatch(3, 1000, 0, bomb), 1, 1000), 0n, 10n, () => undefined);
  },
  'stream sub-entry batch claiming 65535 records in 20 bytes': () => {
    forEachRecord(chunkOf(subEntryBatch(1, 65535, 0, gzipSync(batchBody([good]))), 1, 65535), 0n, 70_000n, () => undefined);
  },
  'stream chunks random, truncated and maximal': () => {
    const plain = Buffer.concat([messagesChunk(0n, [good, rich]).data, subEntryBatch(1, 2, 0, gzipSync(batchBody([good, rich])))]);
    return fuzz([plain], (b) => forEachRecord(chunkOf(b, 4, 5), 0n, 100n, (_o, m) => decodeMessage(m)));
  },

  // Kafka record batches
  'kafka batch with a bad CRC-32C': () => readRecordSet(batchAround(recordsBody(kafkaRecords), { count: 1, crc: 0x12345678 }), 't/0'),
  'kafka batch claiming 0x7fffffff records': () => readRecordSet(batchAround(recordsBody(kafkaRecords), { count: 0x7fffffff }), 't/0'),
  'kafka record claiming 0x7fffffff headers': () => {
    const body = recordsBody(kafkaRecords);
    const patched = Buffer.concat([body.subarray(0, body.length - 5), varint(0x7fffffff)]);
    return readRecordSet(batchAround(patched, { count: 1 }), 't/0');
  },
  'kafka zstd batch: 33 KB that becomes 1 GB (zstd CLI)': () => readRecordSet(batchAround(tool('zeros-1g.zst'), { codec: 4, count: 1 }), 't/0'),
  'kafka gzip batch: 1 GB of zeros (gzip CLI)': () => readRecordSet(batchAround(tool('zeros-1g.gz'), { codec: 1, count: 1 }), 't/0'),
  'kafka lz4 batch: 256 MB of zeros (lz4 CLI)': () => readRecordSet(batchAround(tool('zeros-256m.lz4'), { codec: 3, count: 1 }), 't/0'),
  'kafka snappy batch whose length says 4 GB': () => readRecordSet(batchAround(hex('ffffffff0f 00'), { codec: 2, count: 1 }), 't/0'),
  'kafka snappy (xerial) batch of 64 blocks of 4 MB': () => {
    const block = snappyCompress(Buffer.alloc(4 << 20));
    return readRecordSet(batchAround(xerial(Array.from({ length: 64 }, () => block)), { codec: 2, count: 1 }), 't/0');
  },
  'kafka zstd frame with a 2 GB window': () => readRecordSet(batchAround(zstdRleFrame(1, 0xf8), { codec: 4, count: 1 }), 't/0'),
  'kafka zstd frame of 8,192 RLE blocks (1 GB)': () => readRecordSet(batchAround(zstdRleFrame(8192), { codec: 4, count: 1 }), 't/0'),
  'kafka fetch response claiming 0x7fffffff aborted transactions': () => decodeFetchResponse(fetchResponse({ aborted: 0x7fffffff, size: 0, records: Buffer.alloc(0) }), 11),
  'kafka fetch response whose record set runs past it': () => decodeFetchResponse(fetchResponse({ aborted: 0, size: 0x7ffffff0, records: Buffer.alloc(100) }), 11),
  'kafka batches random, truncated and maximal': () => {
    const body = recordsBody(kafkaRecords);
    const samples = [
      batchAround(body, { count: 1 }),
      batchAround(gzipSync(body), { codec: 1, count: 1 }),
      batchAround(lz4Compress(body), { codec: 3, count: 1 }),
      batchAround(snappyCompress(body), { codec: 2, count: 1 }),
    ];
    return fuzz(samples, (b) => readRecordSet(b, 't/0'));
  },
  'codecs random, truncated and maximal': () => {
    const text = Buffer.from('{"n":1,"text":"' + 'abc'.repeat(3000) + '"}');
    const samples: [number, Buffer][] = [
      [1, gzipSync(text)],
      [2, snappyCompress(text)],
      [2, xerial([snappyCompress(text)])],
      [2, snappyFramed([text])],
      [3, lz4Compress(text)],
      [4, tool('text.zst')],
    ];
    return fuzz(
      samples.map(([codec, b]) => Buffer.concat([Buffer.from([codec]), b])),
      (b) => decompress(b[0]! % 5, b.subarray(1), 'fuzz'),
      8_000,
    );
  },
};

async function main() {
  const run = CASES[name];
  if (!run) throw new Error(`no case ${name}`);
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  let outcome: 'refused' | 'decoded' = 'decoded';
  let error: { name: string; code?: string; message: string; hint?: string } | null = null;
  let value: unknown = null;
  try {
    value = await run();
  } catch (e) {
    outcome = 'refused';
    const err = e as Error & { code?: string; hint?: string };
    error = { name: err.name, ...(typeof err.code === 'string' ? { code: err.code } : {}), message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
  const ms = Date.now() - started;
  const rssAfter = process.memoryUsage().rss;
  const mb = (n: number) => Math.round(n / 1024 / 1024);
  const summary = value && typeof value === 'object' && 'inputs' in value ? value : typeof value === 'number' ? { records: value } : null;
  process.stdout.write(
    `RESULT ${JSON.stringify({ case: name, outcome, error, summary, ms, rssBeforeMb: mb(rssBefore), rssAfterMb: mb(rssAfter), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), heapUsedMb: mb(process.memoryUsage().heapUsed) })}\n`,
  );
  process.exit(0);
}

void main();
