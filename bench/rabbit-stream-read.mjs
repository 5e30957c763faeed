// Reading a whole RabbitMQ stream through Rewind's adapter (the stream protocol, every message
// decoded into the envelope the records table shows) against a plain stream-protocol consumer
// that does nothing with the messages, on the same stream in the same run.
//
// - data: a fresh stream queue of N small messages (`{"n":…}` with a message id), published with
//   amqplib on a confirm channel in batches of 10,000 (not with Rewind's code); deleted at the end.
// - Rewind: the core's RabbitAdapter bundled from src/ with esbuild into a temporary folder (dist/
//   is left alone), `read()` from the start with a limit of N, batches counted and dropped.
// - client: a minimal stream-protocol consumer written here, not Rewind's code: connect, PLAIN,
//   subscribe from `first` with 10 chunks of credit, split each chunk into its messages and hand
//   each to a callback that does nothing, one more credit per chunk, until N messages. It is the
//   least work any stream client does. (The npm `rabbitmq-stream-js-client` 1.0.0 cannot be the
//   reference here: it sends ExchangeCommandVersions, which RabbitMQ 3.10 answers by closing the
//   connection, and the client then crashes on the Close frame.)
// Both include connecting. Runs alternate (and which goes first); medians are compared.
// Usage: node bench/rabbit-stream-read.mjs [messages=1000000]   (needs `bash scripts/rabbitmq.sh start`)
// Importable: `measureStreamRead({ messages })` → { rewindRate, clientRate, ratio } (messages/s).
// The last line, when run directly, is read by a check: `stream read Yx client`.
import { createRequire } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleCore } from './core-bundle.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');
const RUNS = 3;

const api = async (method, path, body) => {
  const r = await fetch(`http://127.0.0.1:15672/api${path}`, { method, headers: { authorization: AUTH, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!r.ok && r.status !== 404) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
};

/** Rewind's RabbitAdapter, built from the sources as the app builds its core. */
function loadCore() {
  return bundleCore('stream-read', "export { RabbitAdapter } from './src/sources/rabbitmq/rabbit-adapter';");
}

async function publish(stream, n) {
  const amqp = require('amqplib');
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  try {
    const ch = await conn.createConfirmChannel();
    for (let i = 0; i < n; i++) {
      ch.sendToQueue(stream, Buffer.from(`{"n":${i}}`), { messageId: `m-${i}` });
      if (i % 10_000 === 9_999) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
  } finally {
    await conn.close();
  }
}

/** The minimal consumer: resolves with the number of messages once it has `n` of them. */
function plainConsumer(stream, n) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(5552, '127.0.0.1');
    socket.setNoDelay(true);
    let pending = [];
    let pendingLength = 0;
    let correlation = 0;
    let seen = 0;
    const noop = () => undefined;
    const u16 = (v) => Buffer.from([v >> 8, v & 0xff]);
    const i32 = (v) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(v);
      return b;
    };
    const str = (s) => Buffer.concat([u16(Buffer.byteLength(s)), Buffer.from(s)]);
    const send = (key, body) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(body.length + 4, 0);
      head.writeUInt16BE(key, 4);
      head.writeUInt16BE(1, 6);
      socket.write(Buffer.concat([head, body]));
    };
    const request = (key, body) => send(key, Buffer.concat([i32(++correlation), body]));
    const plain = Buffer.from('\0guest\0guest');
    const steps = [
      () => request(18, Buffer.alloc(0)),
      () => request(19, Buffer.concat([str('PLAIN'), i32(plain.length), plain])),
      null, // the server tunes; Open follows the answer to it
      () => request(7, Buffer.concat([Buffer.from([1]), str(stream), u16(1), u16(10), i32(0)])),
      null,
    ];
    let step = 0;
    const next = () => steps[step++]?.();
    const frame = (key, body) => {
      if (key === 8) {
        const data = body.subarray(1 + 48 + body[1 + 44], 1 + 48 + body[1 + 44] + body.readUInt32BE(1 + 36));
        const entries = body.readUInt16BE(1 + 2);
        let at = 0;
        for (let e = 0; e < entries; e++) {
          const size = data.readUInt32BE(at);
          noop(data.subarray(at + 4, at + 4 + size));
          at += 4 + size;
        }
        seen += entries;
        if (seen >= n) {
          socket.destroy();
          resolve(seen);
        } else send(9, Buffer.concat([Buffer.from([1]), u16(1)]));
      } else if (key === 20) {
        send(20, body.subarray(0, 8));
        request(21, str('/'));
      } else if (key === 23) send(23, Buffer.alloc(0));
      else if (key & 0x8000 && key !== 0x8009) {
        const code = body.readUInt16BE(4);
        // Each answer (peer properties, SASL, open, subscribe) starts the next step.
        if (code !== 1) reject(new Error(`stream protocol response ${key & 0x7fff}: code ${code}`));
        else next();
      }
    };
    socket.on('data', (d) => {
      pending.push(d);
      pendingLength += d.length;
      for (;;) {
        if (pendingLength < 4) return;
        if (pending[0].length < 4) pending = [Buffer.concat(pending)];
        const size = pending[0].readUInt32BE(0);
        if (pendingLength < 4 + size) return;
        if (pending[0].length < 4 + size) pending = [Buffer.concat(pending)];
        const head = pending[0];
        const f = head.subarray(4, 4 + size);
        if (head.length === 4 + size) pending.shift();
        else pending[0] = head.subarray(4 + size);
        pendingLength -= 4 + size;
        frame(f.readUInt16BE(0), f.subarray(4));
      }
    });
    socket.on('error', reject);
    socket.on('connect', () => request(17, Buffer.concat([i32(1), str('connection_name'), str('bench plain consumer')])));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function measureStreamRead({ messages = 1_000_000, runs = RUNS, log = () => undefined } = {}) {
  const { RabbitAdapter } = loadCore();
  const stream = `bench-stream-read-${Math.random().toString(16).slice(2, 8)}`;
  await api('PUT', `/queues/%2F/${stream}`, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  try {
    const t0 = performance.now();
    await publish(stream, messages);
    log(`published ${messages.toLocaleString('en-US')} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const profile = {
      id: 'bench',
      kind: 'rabbitmq',
      name: 'bench',
      host: '127.0.0.1',
      port: 5672,
      tls: false,
      username: 'guest',
      hasPassword: true,
      vhost: '/',
      managementPort: 15672,
      streamPort: 5552,
      streamWithoutTls: false,
    };
    const adapter = new RabbitAdapter(profile, 'guest');
    const rewind = async () => {
      let n = 0;
      const started = performance.now();
      const summary = await adapter.read({
        target: { type: 'rabbit-stream', vhost: '/', queue: stream },
        from: { type: 'start' },
        limit: messages,
        signal: new AbortController().signal,
        onBatch: (b) => (n += b.length),
        onProgress: () => undefined,
      });
      const seconds = (performance.now() - started) / 1000;
      if (n !== messages || summary.count !== messages || summary.via !== 'stream protocol') throw new Error(`Rewind read ${n} messages via ${summary.via}, not ${messages} by the stream protocol`);
      return messages / seconds;
    };
    const client = async () => {
      const started = performance.now();
      const n = await plainConsumer(stream, messages);
      if (n !== messages) throw new Error(`the client read ${n} messages, not ${messages}`);
      return messages / ((performance.now() - started) / 1000);
    };
    const rewindRates = [];
    const clientRates = [];
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? ['rewind', 'client'] : ['client', 'rewind'];
      for (const who of order) {
        const rate = who === 'rewind' ? await rewind() : await client();
        (who === 'rewind' ? rewindRates : clientRates).push(rate);
        log(`run ${r + 1} ${who.padEnd(6)} ${Math.round(rate).toLocaleString('en-US')} msg/s`);
      }
    }
    const rewindRate = median(rewindRates);
    const clientRate = median(clientRates);
    await adapter.close();
    return { rewindRate, clientRate, ratio: rewindRate / clientRate };
  } finally {
    await api('DELETE', `/queues/%2F/${stream}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const messages = Number(process.argv[2] ?? 1_000_000);
  if (!Number.isInteger(messages) || messages < 1000) throw new Error(`messages must be a whole number of at least 1000, not ${process.argv[2]}`);
  const { rewindRate, clientRate, ratio } = await measureStreamRead({ messages, log: (line) => console.log(line) });
  console.log(`Rewind ${Math.round(rewindRate).toLocaleString('en-US')} msg/s, client ${Math.round(clientRate).toLocaleString('en-US')} msg/s (medians of ${RUNS})`);
  console.log(`stream read ${ratio.toFixed(2)}x client`);
}
