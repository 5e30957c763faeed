import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChunkClock } from '../../src/sources/rabbitmq/chunk-clock';
import { deliverFrame, fakeStreamServer, messagesChunk, type FakeStreamServer } from '../tools/fake-stream-server';

/**
 * The chunk clock (the time each stream message was written, for messages read over AMQP that
 * carry none) asks its stream-protocol server for one chunk at a time. A server that floods it
 * with chunks it never asked for must not make it keep them: here a fake server (RabbitMQ's real
 * handshake, on loopback) answers the subscription with 300,000 chunks at once, about 20 MB on
 * the wire. The clock must cut that connection off, say it has no time, and hold nothing.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const FLOOD = 300_000;
let server: FakeStreamServer;
let sent = 0;

beforeAll(async () => {
  server = await fakeStreamServer({
    onSubscribe: (sub) => {
      // Unasked for: the clock subscribed with no credit at all.
      const frames: Buffer[] = [];
      for (let i = 0; i < FLOOD; i++) frames.push(deliverFrame(sub.id, { ...messagesChunk(BigInt(i), [Buffer.from('x')]), timestamp: 1_700_000_000_000 + i }));
      const all = Buffer.concat(frames);
      sub.socket.write(all, () => (sent = all.length));
    },
  });
});

afterAll(async () => {
  await server?.close();
});

describe('a stream server that floods the chunk clock with chunks it did not ask for', () => {
  it('is cut off: no time is believed, nothing is kept, the connection is closed', async () => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const clock = new ChunkClock({ host: '127.0.0.1', port: server.port, tls: false, username: 'guest', password: 'guest', vhost: '/' }, 'flooded');
    try {
      expect(await clock.timeOf(0n)).toBeNull();
      // The connection goes at the first chunk it did not ask for, whatever is still on its way.
      await vi.waitFor(() => expect(server.open()).toBe(0), { timeout: 5_000 });
      expect(await clock.timeOf(BigInt(FLOOD - 1))).toBeNull();
      gc();
      const grew = (process.memoryUsage().heapUsed - before) / 1048576;
      expect(grew, `heap grew ${grew.toFixed(1)} MB while ${(sent / 1048576).toFixed(0)} MB of chunks came`).toBeLessThan(16);
    } finally {
      clock.close();
    }
  }, 30_000);
});
