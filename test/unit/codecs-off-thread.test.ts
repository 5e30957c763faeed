import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RewindError } from '../../src/model/errors';
import { checksumInPieces, decodeNow } from '../../src/sources/decode-steps';
import { crc32, crc32c } from '../../src/sources/checksums';
import { decompress, decompressAsync } from '../../src/sources/kafka/codecs';

/**
 * Large batches are decompressed in a thread (codecs.ts, inflate-pool.ts) while the event loop
 * goes on: the same bytes out as the inline decoders for frames the zstd, lz4 and gzip tools
 * write (content size declared or not), the same errors in the same words (the limit, damage,
 * a bomb), and a cancel that lets go of a batch still waiting for a thread.
 */

const tool = (cmd: string, args: string[], input: Buffer) => execFileSync(cmd, args, { input, maxBuffer: 1 << 29 });
/** 24 MB of lines that compress about tenfold: large enough to go to a thread. */
const TEXT = Buffer.from(Array.from({ length: 400_000 }, (_, i) => `${i} {"type":"OrderPlaced","amount":${(i * 37) % 1000},"customer":"c-${i % 977}"}`).join('\n'));

vi.setConfig({ testTimeout: 120_000 });

afterEach(() => {
  delete process.env.REWIND_BATCH_MAX_MB;
});

async function failureOf(p: Promise<unknown>): Promise<RewindError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'it must fail').toBeInstanceOf(RewindError);
  return e as RewindError;
}

describe('a large batch decompressed in a thread', () => {
  const frames: [string, number, Buffer][] = [
    ['zstd (content size declared)', 4, tool('zstd', ['-q', '-c', '--content-size'], TEXT)],
    ['zstd (streamed: no content size)', 4, tool('zstd', ['-q', '-c', '--no-content-size'], TEXT)],
    ['lz4 (blocks of 4 MB)', 3, tool('lz4', ['-q', '-c', '-B7'], TEXT)],
    ['lz4 (linked blocks of 64 KB)', 3, tool('lz4', ['-q', '-c', '-B4', '-BD'], TEXT)],
    ['gzip (past 8 MB)', 1, tool('gzip', ['-c'], TEXT)],
  ];

  it.each(frames)('%s gives the same bytes as inline', async (_name, codec, data) => {
    const out = await decompressAsync(codec, data, 't/0: the batch at offset 0');
    expect(out.length).toBe(TEXT.length);
    expect(out.equals(TEXT), 'the bytes differ').toBe(true);
    expect(decompress(codec, data, 'x').equals(out)).toBe(true);
  });

  it('the event loop keeps turning while 240 MB are decompressed', async () => {
    // A thread started once first: from sources its script is bundled on first use (a build ships it).
    await decompressAsync(4, frames[0]![2], 'x');
    const big = Buffer.concat(Array.from({ length: 10 }, () => TEXT));
    const data = tool('zstd', ['-q', '-c', '-1'], big);
    let worst = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    try {
      const out = await decompressAsync(4, data, 'x');
      // A tick after it, so a loop held until now is counted.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(out.equals(big), 'the bytes differ').toBe(true);
    } finally {
      clearInterval(ticker);
    }
    // Inline the same decompression holds the loop for seconds on this machine.
    expect(worst, `the loop waited ${worst.toFixed(0)} ms at most`).toBeLessThan(250);
  });

  it('a bomb past the limit is refused in the same words, naming the limit', async () => {
    process.env.REWIND_BATCH_MAX_MB = '16';
    const bomb = tool('sh', ['-c', 'head -c 67108864 /dev/zero | gzip -1 -c'], Buffer.alloc(0));
    const e = await failureOf(decompressAsync(1, bomb, 't/0: the batch at offset 9'));
    expect(e.code).toBe('limit');
    expect(e.message).toBe('t/0: the batch at offset 9: the gzip batch decompresses to more than 16 MB, the most Rewind takes in one batch');
    expect(e.hint).toMatch(/REWIND_BATCH_MAX_MB=64/);
    let inline: unknown;
    try {
      decompress(1, bomb, 't/0: the batch at offset 9');
    } catch (err) {
      inline = err;
    }
    expect((inline as RewindError).message).toBe(e.message);
  });

  it('damage found in the thread is said as inline: which codec, where, why', async () => {
    const data = Buffer.from(tool('lz4', ['-q', '-c', '-B7'], TEXT));
    // Its headers intact (so it is sized and sent to a thread), its first block's middle overwritten.
    data.fill(0xff, 4096, 4096 + 64);
    const e = await failureOf(decompressAsync(3, data, 't/0: the batch at offset 5'));
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/^t\/0: the batch at offset 5: the lz4 batch could not be decompressed \(/);
    const gz = Buffer.from(tool('gzip', ['-c'], TEXT));
    gz.fill(0x55, gz.length >> 1, (gz.length >> 1) + 64);
    const g = await failureOf(decompressAsync(1, gz, 'here'));
    expect(g.code).toBe('unsupported');
    expect(g.message).toMatch(/^here: the gzip batch could not be decompressed \(/);
  });

  it('a read cancelled while its batch waits for a thread lets go of it', async () => {
    const data = tool('zstd', ['-q', '-c'], TEXT);
    const busy = Array.from({ length: 3 }, () => decompressAsync(4, data, 'x'));
    const cancel = new AbortController();
    const waiting = decompressAsync(4, data, 'x', cancel.signal);
    cancel.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    for (const out of await Promise.all(busy)) expect(out.equals(TEXT)).toBe(true);
  });
});

describe('checksums in pieces', () => {
  it('give the checksum of the whole', () => {
    const data = Buffer.concat([TEXT, TEXT.subarray(0, 3)]);
    expect(decodeNow(checksumInPieces(data, crc32))).toBe(crc32(data));
    expect(decodeNow(checksumInPieces(data, crc32c))).toBe(crc32c(data));
    expect(decodeNow(checksumInPieces(Buffer.alloc(0), crc32c))).toBe(0);
  });
});
