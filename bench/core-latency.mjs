// How long a trivial call (app/info, asked every 20 ms) waits while the heaviest calls run
// together and over again in the same core: the map, sidebar and dead letters of a 5,000-queue
// vhost under a policy pattern that backtracks exponentially, a whole-topic search of 300,000
// records, and a Kafka gzip batch that decompresses to 1 GB (test/tools/core-load.ts). The reference,
// measured in the same run, is the same probe with nothing else running. Last line, read by a check:
//   core latency p99 X ms under load
// Usage: node bench/core-latency.mjs [seconds=30]   (needs scripts/kafka.sh and scripts/rabbitmq.sh
// started, and kcat and zstd: scripts/ensure-kcat.sh; builds its own bundle of the core from source)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_CORE, bundleCore } from './core-bundle.mjs';

const seconds = Number(process.argv[2] ?? 30);
const core = bundleCore('core-latency', `${APP_CORE} export { inMemoryClient } from './test/integration/in-memory-client'; export * from './test/tools/core-load';`, { besideServer: true });
const { createAppContext, MemorySecretStore, inMemoryClient, prepareCoreLoad, removeCoreLoad, heavyLanes, latencyUnder } = core;
const ms = (n) => `${n.toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-latency-'));
let context;
let load;
try {
  let t = performance.now();
  load = await prepareCoreLoad();
  console.log(`load made in ${((performance.now() - t) / 1000).toFixed(1)} s: vhost ${load.vhost}, topics ${load.searchTopic} (${load.records} records), ${load.bombTopic} (1 GB gzip bomb)`);
  context = createAppContext({ dataDir: dir, secrets: new MemorySecretStore(), shell: 'web', version: 'bench' });
  const client = inMemoryClient(context.handlers);
  const kafkaPort = Number(process.env.REWIND_KAFKA_PORT ?? 19092);
  const ids = {
    rabbit: (
      await client.call('connections/save', { kind: 'rabbitmq', name: 'r', host: '127.0.0.1', port: 5672, tls: false, username: 'guest', password: 'guest', vhost: load.vhost, managementPort: 15672 })
    ).id,
    kafka: (await client.call('connections/save', { kind: 'kafka', name: 'k', host: '127.0.0.1', port: kafkaPort, tls: false, username: '', sasl: 'none' })).id,
  };
  const lanes = heavyLanes(client, load, ids);
  for (const lane of Object.values(lanes)) await lane().catch(() => undefined);

  const idle = await latencyUnder(client, {}, 5_000);
  console.log(`idle:       p50 ${ms(idle.p50)}, p99 ${ms(idle.p99)}, worst ${ms(idle.worst)} (${idle.waits.length} calls)`);
  const busy = await latencyUnder(client, lanes, seconds * 1000);
  console.log(`under load: p50 ${ms(busy.p50)}, p95 ${ms(busy.p95)}, p99 ${ms(busy.p99)}, worst ${ms(busy.worst)} (${busy.waits.length} calls)`);
  for (const [name, lane] of Object.entries(busy.lanes)) console.log(`  ${name.padEnd(10)} ${String(lane.rounds).padStart(4)} rounds, last: ${lane.last.slice(0, 120)}`);
  console.log(`core latency p99 ${Math.round(busy.p99)} ms under load`);
} finally {
  await context?.close();
  if (load) await removeCoreLoad(load);
  rmSync(dir, { recursive: true, force: true });
}
