import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../integration/bundle';

/**
 * Every decoder that meets a peer's bytes, fed declared sizes at their maxima (0x7fffffff counts,
 * 4 GB lengths, frames that claim gigabytes, decompression bombs made by the zstd, gzip and lz4
 * command-line tools, nesting a million deep, truncation and random damage). Each input runs in a
 * process of its own with a 128 MB heap, so a decoder that allocates for what is only declared
 * aborts that process and fails its test here, instead of ending the runner. Every input must be
 * refused with a named error (or decoded, for the controls), quickly, and within a memory bound:
 * peak RSS at most 64 MB over an idle process's, with the batch limit set to 16 MB.
 */

const LIMIT_MB = 16;
const OVER_IDLE_MB = 64;
let child: string;
let inputs: string;
let idle: Result;

interface Result {
  case: string;
  outcome: 'refused' | 'decoded';
  error: { name: string; code?: string; message: string } | null;
  summary: { inputs?: number; refused?: number; records?: number } | null;
  ms: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  maxRssMb: number;
  heapUsedMb: number;
}

function run(name: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--max-old-space-size=128', '--expose-gc', child, name, inputs], {
      env: { ...process.env, REWIND_BATCH_MAX_MB: String(LIMIT_MB) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) return reject(new Error(`the decoder's process ended with ${signal ?? `code ${code}`}: ${(err || out).slice(-1500)}`));
      resolve(JSON.parse(line.slice(7)) as Result);
    });
  });
}

const sh = promisify(execFile);

beforeAll(async () => {
  child = bundleForNode(join(__dirname, 'hostile', 'decoder-child.ts'));
  inputs = mkdtempSync(join(tmpdir(), 'rewind-bombs-'));
  // Bombs as the real tools make them: 1 GB of zeros through zstd is 33 KB; gzip's is 16
  // members of 64 MB each (gzip reads them as one stream), about 1 MB; lz4's 256 MB about 1 MB.
  await Promise.all([
    sh('sh', ['-c', `head -c 1073741824 /dev/zero | zstd -q -c > ${inputs}/zeros-1g.zst`]),
    sh('sh', ['-c', `head -c 67108864 /dev/zero | gzip -1 -c > ${inputs}/64m.gz && for i in $(seq 16); do cat ${inputs}/64m.gz; done > ${inputs}/zeros-1g.gz`]),
    sh('sh', ['-c', `head -c 268435456 /dev/zero | lz4 -q -c > ${inputs}/zeros-256m.lz4`]),
    sh('sh', ['-c', `(for i in $(seq 3000); do printf 'abc'; done) | zstd -q -c > ${inputs}/text.zst`]),
  ]);
  idle = await run('noop');
}, 120_000);

afterAll(() => {
  rmSync(inputs, { recursive: true, force: true });
  rmSync(child, { force: true });
});

type Expect = { refused: RegExp; code?: string } | { decoded: true; refusedSome?: true; records?: number } | { cancelled: true };
const DAMAGED_AMQP: Expect = { refused: /offset 7 .*AMQP 1\.0/, code: 'damaged' };
const OVER_LIMIT: Expect = { refused: new RegExp(`more than ${LIMIT_MB} MB`), code: 'limit' };

const CASES: Record<string, Expect> = {
  'amqp array32 of 0x7fffffff nulls (13 bytes)': DAMAGED_AMQP,
  'amqp array32 of 0x7fffffff described nulls': DAMAGED_AMQP,
  'amqp array32 of 0x7fffffff empty lists': DAMAGED_AMQP,
  'amqp array32 of 0x7fffffff ulong0': DAMAGED_AMQP,
  'amqp arrays of null arrays (3 bytes per 255 values)': DAMAGED_AMQP,
  'amqp list32 claiming 0x7fffffff items': DAMAGED_AMQP,
  'amqp map32 claiming 0x7fffffff items': DAMAGED_AMQP,
  'amqp binary32 of 4 GB': DAMAGED_AMQP,
  'amqp string32 of 4 GB': DAMAGED_AMQP,
  'amqp lists nested 100,000 deep': DAMAGED_AMQP,
  'amqp described values nested 1,000,000 deep': DAMAGED_AMQP,
  'amqp random, truncated and maximal': { decoded: true, refusedSome: true },

  'stream control: a good chunk reads': { decoded: true, records: 2 },
  'stream chunk with a bad CRC': { refused: /chunk at offset 0 .*CRC/, code: 'damaged' },
  'stream chunk claiming 4 billion records': { refused: /chunk at offset 0 .*4294967295 records/, code: 'damaged' },
  'stream chunk whose data runs past its frame': { refused: /chunk at offset 0 .*past/, code: 'damaged' },
  'stream frame declared 4 GB (512 MB sent)': { refused: /frame of 4096 MB.*more than/, code: 'limit' },
  'stream server flooding chunks it was not asked for': { refused: /chunks? it was not asked for/ },
  'stream read cancelled while a frame never finishes (unsubscribe never answered)': { cancelled: true },
  'stream StreamStats claiming 0x7fffffff entries': { refused: /StreamStats/ },
  'stream sub-entry batch of zstd: 33 KB that becomes 1 GB (zstd CLI)': OVER_LIMIT,
  'stream sub-entry batch of gzip: 1 GB of zeros (gzip CLI, 16 members)': OVER_LIMIT,
  'stream sub-entry batch of lz4: 256 MB of zeros (lz4 CLI)': OVER_LIMIT,
  'stream sub-entry batch claiming 65535 records in 20 bytes': { refused: /damaged/, code: 'damaged' },
  'stream chunks random, truncated and maximal': { decoded: true, refusedSome: true },

  'kafka batch with a bad CRC-32C': { refused: /CRC-32C/, code: 'damaged' },
  'kafka batch claiming 0x7fffffff records': { refused: /claims 2147483647 records/ },
  'kafka record claiming 0x7fffffff headers': { refused: /claims 2147483647 headers/ },
  'kafka zstd batch: 33 KB that becomes 1 GB (zstd CLI)': OVER_LIMIT,
  'kafka gzip batch: 1 GB of zeros (gzip CLI)': OVER_LIMIT,
  'kafka lz4 batch: 256 MB of zeros (lz4 CLI)': OVER_LIMIT,
  'kafka snappy batch whose length says 4 GB': OVER_LIMIT,
  'kafka snappy (xerial) batch of 64 blocks of 4 MB': OVER_LIMIT,
  'kafka zstd frame with a 2 GB window': OVER_LIMIT,
  'kafka zstd frame of 8,192 RLE blocks (1 GB)': OVER_LIMIT,
  'kafka fetch response claiming 0x7fffffff aborted transactions': { refused: /aborted transactions/ },
  'kafka fetch response whose record set runs past it': { refused: /record set .*past/ },
  'kafka batches random, truncated and maximal': { decoded: true, refusedSome: true },
  'codecs random, truncated and maximal': { decoded: true, refusedSome: true },
};

describe(`hostile inputs, each in a process with a 128 MB heap and a ${LIMIT_MB} MB batch limit`, () => {
  it.each(Object.entries(CASES))(
    '%s',
    async (name, expected) => {
      const r = await run(name);
      if ('refused' in expected) {
        expect(r.outcome, JSON.stringify(r)).toBe('refused');
        expect(r.error!.message).toMatch(expected.refused);
        if (expected.code) expect(r.error!.code, r.error!.message).toBe(expected.code);
        if (expected.code === 'limit') expect(r.error!.message + ' ' + JSON.stringify(r.error)).toMatch(/REWIND_BATCH_MAX_MB/);
      } else if ('cancelled' in expected) {
        expect(r.error?.name, JSON.stringify(r)).toBe('AbortError');
        // Cancelled 500 ms in: the read ends at once, whatever the server does.
        expect(r.ms).toBeLessThan(1_500);
      } else {
        expect(r.outcome, JSON.stringify(r)).toBe('decoded');
        if (expected.refusedSome) expect(r.summary?.refused).toBeGreaterThan(100);
        if (expected.records !== undefined) expect(r.summary?.records).toBe(expected.records);
      }
      // Bounded by what is there, not by what is declared.
      expect(r.maxRssMb - idle.maxRssMb, `peak RSS ${r.maxRssMb} MB against ${idle.maxRssMb} MB idle`).toBeLessThanOrEqual(OVER_IDLE_MB);
      expect(r.ms).toBeLessThan(20_000);
    },
    60_000,
  );
});
