import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { crc32c as wasmCrc32c, snappyCompress } from '@platformatic/wasm-utils/bundled';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RewindError } from '../../src/model/errors';
import { crc32, crc32c } from '../../src/sources/checksums';
import { decompress } from '../../src/sources/kafka/codecs';

/**
 * The codecs and checksums against other tools' output: frames written by the lz4, zstd and gzip
 * command-line tools with their options varied, snappy blocks from @platformatic/wasm-utils (the
 * xerial and framing formats wrapped around them here, from their descriptions), and checksums
 * against their published check values and another implementation.
 */

const tool = (cmd: string, args: string[], input: Buffer) => execFileSync(cmd, args, { input, maxBuffer: 1 << 28 });
const json = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, type: 'OrderPlaced', amount: (i * 37) % 1000, name: `customer-${i % 97}` })).join('\n'));
function noise(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) b[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  return b;
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const INPUTS = [Buffer.from('a'), json(10), json(3000), noise(70_000), Buffer.concat([json(2000), noise(5000), Buffer.alloc(300_000, 7)])];

/** Byte equality, said briefly (a deep comparison of megabytes takes minutes). */
function expectSame(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected), 'the bytes differ').toBe(true);
}

// Each test runs the command-line tools a few dozen times: seconds on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

afterEach(() => {
  delete process.env.REWIND_BATCH_MAX_MB;
});

describe('checksums', () => {
  it('give the published check values', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('CRC-32C agrees with another implementation at every alignment and length', () => {
    const data = noise(1 << 20, 7);
    for (let start = 0; start < 8; start++)
      for (const length of [0, 1, 3, 4, 7, 15, 16, 17, 31, 33, 100, 4097]) expect(crc32c(data.subarray(start, start + length))).toBe(wasmCrc32c(data.subarray(start, start + length)));
    expect(crc32c(data)).toBe(wasmCrc32c(data));
  });
});

describe('lz4 frames as the lz4 tool writes them', () => {
  const FLAGS = [[], ['-B4'], ['-B5', '-BD'], ['-B7', '--content-size'], ['-B4', '-BX'], ['--no-frame-crc'], ['-9', '-BD']];
  it.each(FLAGS.map((f) => [f.join(' ') || 'defaults', f]))('%s', (_name, flags) => {
    for (const input of INPUTS) expectSame(decompress(3, tool('lz4', ['-q', '-c', ...flags], input), 'lz4'), input);
  });

  it('several frames and a skippable one read as one stream', () => {
    const [a, b] = [json(500), noise(3000)];
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18]), Buffer.from([3, 0, 0, 0]), Buffer.from('xyz')]);
    expectSame(decompress(3, Buffer.concat([tool('lz4', ['-q', '-c'], a), skippable, tool('lz4', ['-q', '-c', '-BD'], b)]), 'lz4'), Buffer.concat([a, b]));
  });

  it('damage is refused, naming the codec and where', () => {
    const frame = tool('lz4', ['-q', '-c', '-BD'], json(3000));
    for (const cut of [5, 7, 12, frame.length - 5])
      expect(() => decompress(3, frame.subarray(0, cut), 't/0: the batch at offset 9')).toThrow(
        /^t\/0: the batch at offset 9: the lz4 batch could not be decompressed \(an lz4 (frame|block) cut short\)/,
      );
    // A frame (magic, flags: version 1 and independent blocks, 64 KB blocks, header checksum)
    // whose one block copies 8 bytes from 16 bytes before anything was written.
    const reachingBack = Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]), Buffer.from([3, 0, 0, 0]), Buffer.from([0x04, 0x10, 0x00]), Buffer.alloc(4)]);
    expect(() => decompress(3, reachingBack, 'lz4')).toThrow(/an lz4 match reaching before its data/);
  });
});

describe('snappy as each client frames it', () => {
  const xerial = (blocks: Buffer[]) => Buffer.concat([Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]), ...blocks.flatMap((b) => [u32(b.length), b])]);
  function framed(input: Buffer): Buffer {
    const le3 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
    const parts = [Buffer.concat([Buffer.from([0xff]), le3(6), Buffer.from('sNaPpY')])];
    for (let at = 0; at < input.length; at += 65_536) {
      const piece = input.subarray(at, at + 65_536);
      const c = wasmCrc32c(piece);
      const crc = Buffer.alloc(4);
      crc.writeUInt32LE(((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
      const block = snappyCompress(piece);
      parts.push(Buffer.concat([Buffer.from([0x00]), le3(block.length + 4), crc, block]));
    }
    return Buffer.concat(parts);
  }
  it('raw (librdkafka), xerial (Java producer), framed (RabbitMQ stream client)', () => {
    for (const input of INPUTS) {
      expectSame(decompress(2, snappyCompress(input), 'snappy'), input);
      expectSame(decompress(2, xerial([snappyCompress(input.subarray(0, 1000)), snappyCompress(input.subarray(1000))]), 'snappy'), input);
      expectSame(decompress(2, framed(input), 'snappy'), input);
    }
  });

  it('a framed chunk whose checksum is wrong is refused', () => {
    const f = framed(json(100));
    f[15] = f[15]! ^ 1;
    expect(() => decompress(2, f, 'snappy')).toThrow(/fails its CRC-32C check/);
  });
});

describe('zstd frames as the zstd tool writes them', () => {
  const FLAGS = [[], ['--no-check'], ['--no-content-size'], ['-19'], ['--long=24']];
  it.each(FLAGS.map((f) => [f.join(' ') || 'defaults', f]))('%s', (_name, flags) => {
    for (const input of INPUTS) expectSame(decompress(4, tool('zstd', ['-q', '-c', ...flags], input), 'zstd'), input);
  });
  it('from a pipe (no content size) and several frames in a row', () => {
    const a = tool('sh', ['-c', 'cat | zstd -q -c'], json(2000));
    const b = tool('zstd', ['-q', '-c'], noise(100));
    expectSame(decompress(4, Buffer.concat([a, b]), 'zstd'), Buffer.concat([json(2000), noise(100)]));
  });
});

describe('gzip', () => {
  it('several members read as one stream, below and above 8 MB', () => {
    const [a, b] = [json(3000), Buffer.alloc(12 << 20, 1)];
    expectSame(decompress(1, Buffer.concat([tool('gzip', ['-c'], a), tool('gzip', ['-c'], b)]), 'gzip'), Buffer.concat([a, b]));
  });
});

describe('one output limit for every codec', () => {
  const twoMb = Buffer.concat([json(100), Buffer.alloc(2 << 20, 3)]);
  const oneMb = Buffer.alloc(1 << 20, 3);
  const compressed: [number, string, (b: Buffer) => Buffer][] = [
    [1, 'gzip', (b) => gzipSync(b)],
    [2, 'snappy', (b) => snappyCompress(b)],
    [3, 'lz4', (b) => tool('lz4', ['-q', '-c', '-B4'], b)],
    [4, 'zstd', (b) => tool('zstd', ['-q', '-c'], b)],
    [4, 'zstd', (b) => tool('sh', ['-c', 'cat | zstd -q -c'], b)],
  ];
  it.each(compressed)('codec %i (%s): refused past REWIND_BATCH_MAX_MB, naming it; exactly at it, read', (codec, name, make) => {
    process.env.REWIND_BATCH_MAX_MB = '1';
    const e = (() => {
      try {
        decompress(codec, make(twoMb), 'orders/0: the batch at offset 7');
      } catch (err) {
        return err;
      }
      return null;
    })() as RewindError;
    expect(e).toBeInstanceOf(RewindError);
    expect(e.code).toBe('limit');
    expect(e.message).toBe(`orders/0: the batch at offset 7: the ${name} batch decompresses to more than 1 MB, the most Rewind takes in one batch`);
    expect(e.hint).toBe('If it is genuine, start Rewind with REWIND_BATCH_MAX_MB set higher (in MB, for example REWIND_BATCH_MAX_MB=4).');
    expectSame(decompress(codec, make(oneMb), 'x'), oneMb);
  });
});
