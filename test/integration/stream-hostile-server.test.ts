import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RewindClient } from '../../src/api/client';
import type { ApiCallError } from '../../src/model/errors';
import { createAppContext, type AppContext } from '../../src/services/app-context';
import { MemorySecretStore } from '../../src/services/secret-store';
import { deliverFrame, fakeStreamServer, messagesChunk, sendLazily, subEntryBatch, type FakeStreamServer, type Subscription } from '../tools/fake-stream-server';
import { inMemoryClient } from './in-memory-client';

/**
 * A hostile stream-protocol server against the whole core. The server speaks RabbitMQ's real
 * handshake (PeerProperties, SaslHandshake, SaslAuthenticate, Tune, Open, StreamStats, Subscribe,
 * Credit, Unsubscribe) on loopback and then delivers what a third party could put in a stream or
 * on the wire: an AMQP 1.0 message of 13 bytes that declares 2^31 values, a frame that claims
 * 4 GB (and keeps sending), a chunk whose CRC is wrong, sub-entry batches that are zstd and gzip
 * bombs made by the zstd and gzip tools, and a frame that never finishes while the user cancels.
 * Each read must end with a clear error, the same core must then answer `app/info` at once, and
 * its RSS must come back within 100 MB of where it was, with the default batch limit (256 MB).
 * The core reaches the server through the connection's own stream port.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
/** An AMQP 1.0 message with one data section holding `text`. */
const dataMessage = (text: string) => Buffer.concat([hex('00 53 75 a0'), Buffer.from([Buffer.byteLength(text)]), Buffer.from(text)]);

let dir: string;
let bombs: string;
let context: AppContext;
let client: RewindClient;
let server: FakeStreamServer;
let connectionId: string;
const scenarios: Record<string, (sub: Subscription) => void> = {};

/** The RSS after everything that can be let go has been: a few turns of the event loop and collections. */
async function settledRss(): Promise<number> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc();
  }
  return process.memoryUsage().rss;
}

async function read(stream: string, signal?: AbortSignal) {
  const items: unknown[] = [];
  const summary = await client.stream(
    'records/read',
    { connectionId, target: { type: 'rabbit-stream', vhost: '/', queue: stream }, from: { type: 'start' }, limit: 500 },
    { onBatch: (b) => items.push(...b), ...(signal ? { signal } : {}) },
  );
  return { items, summary };
}

beforeAll(async () => {
  bombs = mkdtempSync(join(tmpdir(), 'rewind-stream-bombs-'));
  // 1 GB of zeros through the zstd tool is 33 KB; through gzip, 16 members of 64 MB (about 1 MB).
  execFileSync('sh', ['-c', `head -c 1073741824 /dev/zero | zstd -q -c > ${bombs}/1g.zst`]);
  execFileSync('sh', ['-c', `head -c 67108864 /dev/zero | gzip -1 -c > ${bombs}/64m.gz && for i in $(seq 16); do cat ${bombs}/64m.gz; done > ${bombs}/1g.gz`]);
  const zstdBomb = readFileSync(join(bombs, '1g.zst'));
  const gzipBomb = readFileSync(join(bombs, '1g.gz'));
  const good = [dataMessage('first'), dataMessage('second')];
  const chunk = (c: Parameters<typeof deliverFrame>[1]) => (sub: Subscription) => sub.write(deliverFrame(sub.id, c));
  Object.assign(scenarios, {
    good: chunk(messagesChunk(0n, good)),
    'amqp-13-bytes': chunk(messagesChunk(0n, [dataMessage('ok'), hex('00 53 77 f0 00000005 7fffffff 40')])),
    'frame-4gb': (sub: Subscription) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(0xffffffff, 0);
      head.writeUInt16BE(8, 4);
      head.writeUInt16BE(1, 6);
      sendLazily(sub.socket, head, 512 * 1024 * 1024);
    },
    'bad-crc': chunk({ ...messagesChunk(0n, good), crc: 0x1badc0de }),
    'zstd-bomb': chunk({ first: 0n, entries: 1, records: 1000, data: subEntryBatch(4, 1000, 0, zstdBomb) }),
    'gzip-bomb': chunk({ first: 0n, entries: 1, records: 1000, data: subEntryBatch(1, 1000, 0, gzipBomb) }),
    stuck: (sub: Subscription) => {
      // A delivery of 8 MB of which 1 KB ever comes; its Unsubscribe is never answered either.
      const head = Buffer.alloc(8);
      head.writeUInt32BE(8 * 1024 * 1024, 0);
      head.writeUInt16BE(8, 4);
      head.writeUInt16BE(1, 6);
      sub.socket.write(Buffer.concat([head, Buffer.alloc(1024)]));
    },
  });
  server = await fakeStreamServer({
    stats: { first: 0n, committed: 0n },
    onSubscribe: (sub) => scenarios[sub.stream]?.(sub),
    answerUnsubscribe: (sub) => sub.stream !== 'stuck',
  });
  dir = mkdtempSync(join(tmpdir(), 'rewind-hostile-'));
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'test' });
  client = inMemoryClient(context.handlers);
  connectionId = (
    await client.call('connections/save', {
      kind: 'rabbitmq',
      name: 'hostile',
      host: '127.0.0.1',
      port: 5672,
      streamPort: server.port,
      tls: false,
      username: 'guest',
      password: 'guest',
      vhost: '/',
      managementPort: 15672,
    })
  ).id;
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(bombs, { recursive: true, force: true });
});

describe('a hostile stream-protocol server against the core', () => {
  let baseline = 0;

  it('first, a well-formed chunk from the same server reads (so what follows is the input, not the server)', async () => {
    const { items, summary } = await read('good');
    expect(summary).toMatchObject({ count: 2, via: 'stream protocol' });
    expect(items.map((e) => (e as { payload: { text?: string } }).payload.text)).toEqual(['first', 'second']);
    baseline = await settledRss();
  });

  const cases: [string, string, RegExp, string][] = [
    ['an AMQP 1.0 message of 13 bytes declaring 2^31 nulls', 'amqp-13-bytes', /The message at offset 1 of amqp-13-bytes cannot be read \(AMQP 1\.0: more than 1,000,000 values/, 'damaged'],
    ['a frame that claims 4 GB and keeps coming', 'frame-4gb', /sent a frame of 4096 MB, more than the 256 MB Rewind takes in one chunk; the connection was closed/, 'limit'],
    ['a chunk whose CRC is wrong', 'bad-crc', /The stream chunk at offset 0 is damaged: its data fails its CRC-32 check/, 'damaged'],
    ['a zstd sub-entry batch of 33 KB that becomes 1 GB', 'zstd-bomb', /the chunk at offset 0: the zstd batch decompresses to more than 256 MB/, 'limit'],
    ['a gzip sub-entry batch that becomes 1 GB', 'gzip-bomb', /the chunk at offset 0: the gzip batch decompresses to more than 256 MB/, 'limit'],
  ];

  it.each(cases)(
    '%s: the read ends with a clear error, app/info answers, RSS comes back',
    async (_name, stream, message, code) => {
      const started = Date.now();
      const e = (await read(stream).then(
        () => null,
        (err: unknown) => err,
      )) as ApiCallError | null;
      expect(e, 'the read must fail').not.toBeNull();
      expect(e!.message).toMatch(message);
      expect(e!.code).toBe(code);
      if (code === 'limit') expect(e!.hint).toMatch(/REWIND_BATCH_MAX_MB/);
      expect(Date.now() - started).toBeLessThan(15_000);

      const asked = Date.now();
      await expect(client.call('app/info', {})).resolves.toMatchObject({ version: 'test' });
      expect(Date.now() - asked).toBeLessThan(100);
      const rss = await settledRss();
      expect((rss - baseline) / 1048576, `RSS ${Math.round(rss / 1048576)} MB against ${Math.round(baseline / 1048576)} MB before`).toBeLessThan(100);
    },
    60_000,
  );

  it('a frame that never finishes: Cancel ends the read at once, whatever the server does', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const started = Date.now();
    const e = (await read('stuck', abort.signal).then(
      () => null,
      (err: unknown) => err,
    )) as ApiCallError | null;
    expect(e?.code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(client.call('app/info', {})).resolves.toMatchObject({ version: 'test' });
    // Its connection is closed, not left holding what arrived.
    await vi.waitFor(() => expect(server.open()).toBe(0), { timeout: 2_000 });
  });
});
