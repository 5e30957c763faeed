import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { createAppContext } from '../services/app-context';
import { FileSecretStore } from '../services/secret-store';
import { defaultDataDir } from './data-dir';
import { surviveFaults } from './faults';
import { startWebShell } from './web-shell';

const HELP = `Usage: rewind-web [--port N] [--data-dir DIR] [--static-dir DIR]

Serves Rewind's UI and API on http://127.0.0.1 with a per-launch token.
  --port        port to listen on (default: a free one)
  --data-dir    where connections and the local event store live (default: ${defaultDataDir()})
  --static-dir  the built renderer (default: next to this file)`;

async function main(): Promise<void> {
  surviveFaults();
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      'static-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`rewind: --port must be a number from 0 to 65535, not "${values.port}"`);
    process.exit(2);
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const staticDir = resolve(values['static-dir'] ?? join(__dirname, '..', 'renderer'));
  const context = createAppContext({
    dataDir,
    secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
    shell: 'web',
    version,
  });
  const shell = await startWebShell({ handlers: context.handlers, staticDir, port });
  console.log(`Rewind web shell: ${shell.url}`);
  console.log(`  data: ${dataDir}`);
  const stop = async () => {
    await shell.close();
    await context.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`rewind: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
