import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { electronPath } from './electron-path';

const root = join(__dirname, '..', '..');

/** Starts what the journeys need (idempotently) and builds the app if sources changed. */
export default async function globalSetup(): Promise<void> {
  for (const script of ['kafka.sh', 'rabbitmq.sh', 'redis.sh', 'ensure-chromium.sh']) {
    execFileSync('bash', [join(root, 'scripts', script), 'start'], { stdio: 'inherit' });
  }
  // Spring Kafka writes the dead letters a journey redrives (its jars, fetched once here).
  execFileSync('bash', [join(root, 'scripts', 'frameworks.sh'), 'fetch'], { stdio: 'inherit' });
  // A real schema registry, and the serializers and SDKs that write registry records and CloudEvents.
  execFileSync('bash', [join(root, 'scripts', 'registry.sh'), 'start'], { stdio: 'inherit' });
  execFileSync('bash', [join(root, 'scripts', 'frameworks.sh'), 'fetch', 'apicurio-serdes', 'cloudevents'], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
  const electron = electronPath();
  if (!electron.path) {
    console.log(`\n*** ELECTRON E2E SKIPPED: ${electron.reason}. The same journeys run in the "web" project; on a machine with the Electron binary they run in the desktop app too. ***\n`);
  }
}
